/*
 * MariaDB access: one connection, prepared statements, small bind helpers.
 * Every query that carries data goes through mysql_stmt_*; xt_db_exec()
 * is only for the embedded DDL and fixed transaction statements.
 */
#ifndef XT_DB_H
#define XT_DB_H

#include <stddef.h>
#include <stdint.h>

#include <mysql.h>

#include "xt_config.h"

typedef struct {
    MYSQL     *my;
    unsigned   errnum;      /* server/client error number of the last error */
    char       err[512];
} xt_db_t;

/* connect (creating db_name when missing), utf8mb4, autocommit on */
int xt_db_connect(xt_db_t *db, const xt_config_t *cf);
void xt_db_close(xt_db_t *db);

/* 1 when the last error means the connection is gone */
int xt_db_gone(const xt_db_t *db);

int xt_db_exec(xt_db_t *db, const char *sql);
MYSQL_STMT *xt_db_prepare(xt_db_t *db, const char *sql);
/* copy the statement's error into db and return -1 */
int xt_db_stmt_fail(xt_db_t *db, MYSQL_STMT *st, const char *what);

int xt_db_begin(xt_db_t *db);
int xt_db_commit(xt_db_t *db);
void xt_db_rollback(xt_db_t *db);


/* parameter binds: values are copied for integers, strings are referenced
   and must stay alive until execute */
#define XT_BIND_MAX  40

typedef struct {
    MYSQL_BIND     b[XT_BIND_MAX];
    unsigned long  len[XT_BIND_MAX];
    long long      ival[XT_BIND_MAX];
    char           isnull[XT_BIND_MAX];
    unsigned       n;
} xt_binds_t;

void xt_binds_reset(xt_binds_t *bs);
void xt_bind_int(xt_binds_t *bs, long long v);
void xt_bind_str(xt_binds_t *bs, const void *p, size_t len);
void xt_bind_cstr(xt_binds_t *bs, const char *s);
void xt_bind_null(xt_binds_t *bs);

/* bind params and execute; -1 with db->err set */
int xt_db_run(xt_db_t *db, MYSQL_STMT *st, xt_binds_t *bs);


/* a growable parameter list for multi-row statements: rows of xt_binds_t
   are appended (integers copied, strings still referenced); call
   xt_mbinds_fix() after the last append, before binding m->b */
typedef struct {
    MYSQL_BIND     *b;
    unsigned long  *len;
    long long      *ival;
    size_t          n, cap;
} xt_mbinds_t;

void xt_mbinds_init(xt_mbinds_t *m);
void xt_mbinds_free(xt_mbinds_t *m);
#define xt_mbinds_reset(m)  ((m)->n = 0)
int xt_mbinds_add(xt_mbinds_t *m, const xt_binds_t *bs);
void xt_mbinds_fix(xt_mbinds_t *m);


/* result binds: integers and strings with fixed buffers */
typedef struct {
    MYSQL_BIND     b[XT_BIND_MAX];
    unsigned long  len[XT_BIND_MAX];
    my_bool        isnull[XT_BIND_MAX];
    my_bool        error[XT_BIND_MAX];
    long long      ival[XT_BIND_MAX];
    char          *sval[XT_BIND_MAX];
    unsigned       n;
} xt_row_t;

void xt_row_init(xt_row_t *r);
void xt_row_int(xt_row_t *r);
/* cap: bytes of the buffer; a longer value fails the fetch */
int xt_row_str(xt_row_t *r, size_t cap);
void xt_row_free(xt_row_t *r);

/* bind results (after execute); then xt_db_fetch: 1 row, 0 end, -1 error */
int xt_db_bind_row(xt_db_t *db, MYSQL_STMT *st, xt_row_t *r);
int xt_db_fetch(xt_db_t *db, MYSQL_STMT *st);

#endif
