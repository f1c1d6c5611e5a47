/*
 * One-shot prepared statements for the admin handlers: prepare, bind,
 * execute, close.  Errors go to the request through xt_admin_db_err()
 * (field names the value behind a 409/400, or NULL).
 */
#ifndef XT_ADMIN_SQL_H
#define XT_ADMIN_SQL_H

#include "admin/xt_admin.h"

/* affected rows (>= 0), or -1 */
long long xt_sql_exec(xt_admin_req_t *rq, const char *sql, xt_binds_t *bs,
    const char *field);

/* the last AUTO_INCREMENT id of this connection */
long long xt_sql_insert_id(xt_admin_req_t *rq);

/* first row into r (set up by the caller with xt_row_int/xt_row_str):
   1 found, 0 none, -1 error */
int xt_sql_row(xt_admin_req_t *rq, const char *sql, xt_binds_t *bs,
    xt_row_t *r);

/* one integer (NULL gives dflt): 1 found, 0 none, -1 error */
int xt_sql_int(xt_admin_req_t *rq, const char *sql, xt_binds_t *bs,
    long long dflt, long long *out);

/* every row: fn(ctx, r) for each (return -1 to stop with an error set) */
int xt_sql_each(xt_admin_req_t *rq, const char *sql, xt_binds_t *bs,
    xt_row_t *r, int (*fn)(void *ctx, xt_row_t *r), void *ctx);

#endif
