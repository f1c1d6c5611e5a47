#include <stdio.h>
#include <string.h>

#include "admin/xt_admin_sql.h"


static MYSQL_STMT *
xt_sql_run(xt_admin_req_t *rq, const char *sql, xt_binds_t *bs,
    const char *field)
{
    MYSQL_STMT  *st = xt_db_prepare(rq->db, sql);

    if (st == NULL) {
        (void) xt_admin_db_err(rq, field);
        return NULL;
    }
    if (xt_db_run(rq->db, st, bs) != 0) {
        (void) xt_admin_db_err(rq, field);
        mysql_stmt_close(st);
        return NULL;
    }
    return st;
}


long long
xt_sql_exec(xt_admin_req_t *rq, const char *sql, xt_binds_t *bs,
    const char *field)
{
    MYSQL_STMT  *st = xt_sql_run(rq, sql, bs, field);
    long long    n;

    if (st == NULL) {
        return -1;
    }
    n = (long long) mysql_stmt_affected_rows(st);
    rq->last_insert_id = (long long) mysql_stmt_insert_id(st);
    mysql_stmt_close(st);
    return n < 0 ? 0 : n;
}


long long
xt_sql_insert_id(xt_admin_req_t *rq)
{
    return rq->last_insert_id;
}


int
xt_sql_each(xt_admin_req_t *rq, const char *sql, xt_binds_t *bs,
    xt_row_t *r, int (*fn)(void *ctx, xt_row_t *r), void *ctx)
{
    MYSQL_STMT  *st = xt_sql_run(rq, sql, bs, NULL);
    int          rc, n = 0;

    if (st == NULL) {
        return -1;
    }
    /* buffered, so fn may run other statements */
    if (mysql_stmt_store_result(st) != 0) {
        xt_db_stmt_fail(rq->db, st, "store");
        mysql_stmt_close(st);
        return xt_admin_db_err(rq, NULL);
    }
    if (xt_db_bind_row(rq->db, st, r) != 0) {
        mysql_stmt_close(st);
        return xt_admin_db_err(rq, NULL);
    }
    while ((rc = xt_db_fetch(rq->db, st)) == 1) {
        n++;
        if (fn && fn(ctx, r) != 0) {
            mysql_stmt_close(st);
            return -1;
        }
        if (fn == NULL) {
            break;
        }
    }
    mysql_stmt_close(st);
    if (rc < 0) {
        return xt_admin_db_err(rq, NULL);
    }
    return n;
}


int
xt_sql_row(xt_admin_req_t *rq, const char *sql, xt_binds_t *bs, xt_row_t *r)
{
    int  n = xt_sql_each(rq, sql, bs, r, NULL, NULL);

    return n < 0 ? -1 : (n > 0);
}


int
xt_sql_int(xt_admin_req_t *rq, const char *sql, xt_binds_t *bs,
    long long dflt, long long *out)
{
    xt_row_t  r;
    int       rc;

    xt_row_init(&r);
    xt_row_int(&r);
    rc = xt_sql_row(rq, sql, bs, &r);
    *out = (rc == 1 && !r.isnull[0]) ? r.ival[0] : dflt;
    return rc;
}
