#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "xt_db.h"
#include "xt_grow.h"


static int
xt_db_fail(xt_db_t *db, const char *what)
{
    db->errnum = mysql_errno(db->my);
    snprintf(db->err, sizeof(db->err), "%s: %s", what, mysql_error(db->my));
    return -1;
}


int
xt_db_connect(xt_db_t *db, const xt_config_t *cf)
{
    unsigned     timeout = 5;
    my_bool      off = 0;
    char         sql[160];

    memset(db, 0, sizeof(*db));
    db->my = mysql_init(NULL);
    if (db->my == NULL) {
        snprintf(db->err, sizeof(db->err), "mysql_init: out of memory");
        return -1;
    }
    mysql_options(db->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_options(db->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    /* reconnects are ours: a silent client reconnect would lose prepared
       statements and open transactions behind our back */
    mysql_options(db->my, MYSQL_OPT_RECONNECT, &off);

    if (mysql_real_connect(db->my,
                           cf->db_socket[0] ? NULL : cf->db_host,
                           cf->db_user, cf->db_password, NULL,
                           cf->db_socket[0] ? 0 : cf->db_port,
                           cf->db_socket[0] ? cf->db_socket : NULL,
                           0) == NULL)
    {
        xt_db_fail(db, "connect");
        mysql_close(db->my);
        db->my = NULL;
        return -1;
    }

    /* db_name is [A-Za-z0-9_]{1,64} (checked by the config parser), so it
       may be quoted into DDL; USE is done through mysql_select_db */
    snprintf(sql, sizeof(sql), "CREATE DATABASE IF NOT EXISTS `%s` "
             "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", cf->db_name);
    /* created only when missing: even a no-op CREATE is written to the
       binary log, and on a read-only replica it would fork its history */
    if (mysql_select_db(db->my, cf->db_name) == 0) {
        return 0;
    }
    if (mysql_query(db->my, sql) != 0
        || mysql_select_db(db->my, cf->db_name) != 0)
    {
        xt_db_fail(db, "select database");
        xt_db_close(db);
        return -1;
    }
    return 0;
}


void
xt_db_close(xt_db_t *db)
{
    if (db->my) {
        mysql_close(db->my);
        db->my = NULL;
    }
}


int
xt_db_gone(const xt_db_t *db)
{
    return db->my == NULL || db->errnum == CR_SERVER_GONE_ERROR
           || db->errnum == CR_SERVER_LOST || db->errnum == CR_CONNECTION_ERROR
           || db->errnum == CR_CONN_HOST_ERROR
           || db->errnum == ER_CONNECTION_KILLED
           || db->errnum == ER_SERVER_SHUTDOWN
           || db->errnum == CR_COMMANDS_OUT_OF_SYNC;
}


int
xt_db_exec(xt_db_t *db, const char *sql)
{
    if (mysql_query(db->my, sql) != 0) {
        return xt_db_fail(db, "query");
    }
    /* DDL returns no rows; drain anyway to keep the protocol in step */
    {
        MYSQL_RES  *res = mysql_store_result(db->my);
        if (res) {
            mysql_free_result(res);
        }
    }
    return 0;
}


int
xt_db_stmt_fail(xt_db_t *db, MYSQL_STMT *st, const char *what)
{
    db->errnum = mysql_stmt_errno(st);
    snprintf(db->err, sizeof(db->err), "%s: %s", what, mysql_stmt_error(st));
    return -1;
}


MYSQL_STMT *
xt_db_prepare(xt_db_t *db, const char *sql)
{
    MYSQL_STMT  *st;

    st = mysql_stmt_init(db->my);
    if (st == NULL) {
        xt_db_fail(db, "stmt init");
        return NULL;
    }
    if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
        xt_db_stmt_fail(db, st, "prepare");
        mysql_stmt_close(st);
        return NULL;
    }
    return st;
}


int
xt_db_begin(xt_db_t *db)
{
    return xt_db_exec(db, "START TRANSACTION");
}


int
xt_db_commit(xt_db_t *db)
{
    if (mysql_commit(db->my) != 0) {
        return xt_db_fail(db, "commit");
    }
    return 0;
}


void
xt_db_rollback(xt_db_t *db)
{
    if (db->my) {
        (void) mysql_rollback(db->my);
    }
}


void
xt_binds_reset(xt_binds_t *bs)
{
    bs->n = 0;
}


static MYSQL_BIND *
xt_bind_next(xt_binds_t *bs)
{
    MYSQL_BIND  *b;

    if (bs->n >= XT_BIND_MAX) {
        abort();    /* a programming error: statements are fixed */
    }
    b = &bs->b[bs->n];
    memset(b, 0, sizeof(*b));
    bs->isnull[bs->n] = 0;
    bs->n++;
    return b;
}


void
xt_bind_int(xt_binds_t *bs, long long v)
{
    MYSQL_BIND  *b = xt_bind_next(bs);
    unsigned     i = bs->n - 1;

    bs->ival[i] = v;
    b->buffer_type = MYSQL_TYPE_LONGLONG;
    b->buffer = &bs->ival[i];
}


void
xt_bind_str(xt_binds_t *bs, const void *p, size_t len)
{
    MYSQL_BIND  *b = xt_bind_next(bs);
    unsigned     i = bs->n - 1;

    bs->len[i] = len;
    b->buffer_type = MYSQL_TYPE_STRING;
    b->buffer = (void *) (p ? p : "");
    b->buffer_length = len;
    b->length = &bs->len[i];
}


void
xt_bind_cstr(xt_binds_t *bs, const char *s)
{
    xt_bind_str(bs, s, strlen(s));
}


void
xt_bind_null(xt_binds_t *bs)
{
    MYSQL_BIND  *b = xt_bind_next(bs);

    b->buffer_type = MYSQL_TYPE_NULL;
}


int
xt_db_run(xt_db_t *db, MYSQL_STMT *st, xt_binds_t *bs)
{
    if (bs && bs->n && mysql_stmt_bind_param(st, bs->b) != 0) {
        return xt_db_stmt_fail(db, st, "bind");
    }
    if (mysql_stmt_execute(st) != 0) {
        return xt_db_stmt_fail(db, st, "execute");
    }
    return 0;
}


void
xt_mbinds_init(xt_mbinds_t *m)
{
    memset(m, 0, sizeof(*m));
}


void
xt_mbinds_free(xt_mbinds_t *m)
{
    free(m->b);
    free(m->len);
    free(m->ival);
    memset(m, 0, sizeof(*m));
}


int
xt_mbinds_add(xt_mbinds_t *m, const xt_binds_t *bs)
{
    unsigned  k;

    if (m->n + bs->n > m->cap) {
        /* three arrays of one capacity: each grows the same way */
        size_t  cap = m->cap, lcap = m->cap, icap = m->cap;

        if (xt_reserve((void **) &m->b, &cap, m->n + bs->n, sizeof(*m->b))
            || xt_reserve((void **) &m->len, &lcap, m->n + bs->n,
                          sizeof(*m->len))
            || xt_reserve((void **) &m->ival, &icap, m->n + bs->n,
                          sizeof(*m->ival)))
        {
            return -1;
        }
        m->cap = cap;
    }
    for (k = 0; k < bs->n; k++) {
        m->b[m->n] = bs->b[k];
        m->len[m->n] = bs->len[k];
        m->ival[m->n] = bs->ival[k];
        m->n++;
    }
    return 0;
}


void
xt_mbinds_fix(xt_mbinds_t *m)
{
    size_t  i;

    for (i = 0; i < m->n; i++) {
        if (m->b[i].buffer_type == MYSQL_TYPE_LONGLONG) {
            m->b[i].buffer = &m->ival[i];
        } else if (m->b[i].buffer_type == MYSQL_TYPE_STRING) {
            m->b[i].length = &m->len[i];
        }
    }
}


void
xt_row_init(xt_row_t *r)
{
    memset(r, 0, sizeof(*r));
}


void
xt_row_int(xt_row_t *r)
{
    MYSQL_BIND  *b = &r->b[r->n];

    b->buffer_type = MYSQL_TYPE_LONGLONG;
    b->buffer = &r->ival[r->n];
    b->is_null = &r->isnull[r->n];
    b->error = &r->error[r->n];
    r->n++;
}


int
xt_row_str(xt_row_t *r, size_t cap)
{
    MYSQL_BIND  *b = &r->b[r->n];

    r->sval[r->n] = malloc(cap + 1);
    if (r->sval[r->n] == NULL) {
        return -1;
    }
    b->buffer_type = MYSQL_TYPE_STRING;
    b->buffer = r->sval[r->n];
    b->buffer_length = cap;
    b->length = &r->len[r->n];
    b->is_null = &r->isnull[r->n];
    b->error = &r->error[r->n];
    r->n++;
    return 0;
}


void
xt_row_free(xt_row_t *r)
{
    unsigned  i;

    for (i = 0; i < r->n; i++) {
        free(r->sval[i]);
        r->sval[i] = NULL;
    }
}


int
xt_db_bind_row(xt_db_t *db, MYSQL_STMT *st, xt_row_t *r)
{
    if (mysql_stmt_bind_result(st, r->b) != 0) {
        return xt_db_stmt_fail(db, st, "bind result");
    }
    return 0;
}


int
xt_db_fetch(xt_db_t *db, MYSQL_STMT *st)
{
    int  rc = mysql_stmt_fetch(st);

    if (rc == 0) {
        return 1;
    }
    if (rc == MYSQL_NO_DATA) {
        return 0;
    }
    if (rc == MYSQL_DATA_TRUNCATED) {
        db->errnum = 0;
        snprintf(db->err, sizeof(db->err), "fetch: a value is longer than "
                 "its buffer");
        return -1;
    }
    return xt_db_stmt_fail(db, st, "fetch");
}
