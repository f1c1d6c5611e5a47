/*
 * The generic resource engine: a resource is a table of fields (JSON key,
 * SQL column, type, bounds) plus hooks for what is not a plain column
 * (link tables, secrets, computed values, actions).  The engine answers
 * list (paging, q, filters), get, create, patch and delete, validates
 * strictly, and writes the audit row.  SQL text comes only from these
 * static tables; every value is a bound parameter.
 */
#ifndef XT_ADMIN_CRUD_H
#define XT_ADMIN_CRUD_H

#include "admin/xt_admin.h"

typedef enum {
    XF_INT = 1,     /* integer column: JSON integer min..max */
    XF_NINT,        /* nullable integer: JSON integer min..max or null */
    XF_BOOL,        /* TINYINT(1): JSON true/false */
    XF_STR,         /* string: min..max bytes, optional check() */
    XF_TEXT,        /* like XF_STR, newlines and tabs allowed */
    XF_ENUM,        /* one of enums[] */
    XF_SET,         /* SET column: JSON array of distinct enums[] */
    XF_CSV,         /* comma-joined column: JSON array of strings, check() */
    XF_JSONARR,     /* TEXT holding a JSON array of strings (max items) */
    XF_DEC,         /* DECIMAL: JSON number (read-only) */
    XF_REF,         /* nullable id of a row: ref is "SELECT 1 ... id = ?" */
    /* read-only views computed in the row's own SELECT (no query per
       row): */
    XF_IDLIST,      /* "1,2,3" (GROUP_CONCAT) -> [1,2,3] */
    XF_STRLIST,     /* strings joined by "\n" (GROUP_CONCAT) -> [..] */
    XF_JSONOBJ      /* JSON text (JSON_OBJECT) -> the object */
} xt_ftype_e;

#define XF_RO      0x01     /* read-only: 400 when sent */
#define XF_REQ     0x02     /* required on create */
#define XF_ONCE    0x04     /* create only: 400 on PATCH */
#define XF_SEARCH  0x08     /* q searches it */
#define XF_UNIQUE  0x10     /* a duplicate is a 409 naming it */

typedef struct {
    const char         *name;
    const char         *col;        /* SQL expression (qualified in joins) */
    xt_ftype_e          type;
    unsigned            flags;
    long long           min, max;   /* ints; strings: bytes; arrays: items */
    const char *const  *enums;
    int               (*check)(const char *s, size_t len);
    const char         *ref;        /* XF_REF existence query */
    const char         *hint;       /* what check() wants, for the message */
} xt_field_t;

typedef enum { XQ_INT = 1, XQ_BOOL, XQ_ENUM } xt_qtype_e;

typedef struct {
    const char         *param;
    const char         *sql;        /* one "?" */
    xt_qtype_e          type;
    const char *const  *enums;
} xt_filter_t;

typedef struct xt_res_s  xt_res_t;

struct xt_res_s {
    const char         *name;       /* path and audit resource */
    const char         *from;       /* table, or a join for read-only views */
    const char         *table;      /* table written to (NULL: read-only) */
    const char         *id_col;     /* integer key column, e.g. "id" */
    const xt_field_t   *fields;     /* ends with name NULL */
    const xt_filter_t  *filters;    /* ends with param NULL; may be NULL */
    const char *const  *extra_keys; /* body keys the hooks handle */
    const char         *order;      /* ORDER BY of lists */
    const char         *create_cols;   /* fixed extra INSERT columns */
    const char         *create_vals;   /* ... and their SQL values */
    const char         *scope;      /* fixed WHERE of every query, or NULL */

    /* hooks (each may be NULL); 0 ok, -1 with the error set */
    int  (*validate)(xt_admin_req_t *rq, long long id, int create);
    int  (*store)(xt_admin_req_t *rq, long long id, int create);
    int  (*emit)(xt_admin_req_t *rq, long long id);
    /* a custom filter: 1 handled (SQL appended to where, bind added),
       0 not mine, -1 error */
    int  (*filter)(xt_admin_req_t *rq, const char *k, const char *v,
                   char *where, size_t wlen, xt_binds_t *bs);
    int  (*before_delete)(xt_admin_req_t *rq, long long id);
    /* POST /res/{id}/{action} */
    int  (*action)(xt_admin_req_t *rq, long long id, const char *action);
};

/* route rq (segs[0] = res->name) to list/get/create/patch/delete/action */
int xt_admin_crud(xt_admin_req_t *rq, const xt_res_t *res);

/* emit the object of id (the engine's GET); 404 when it does not exist */
int xt_crud_emit_one(xt_admin_req_t *rq, const xt_res_t *res, long long id);

/* 1 when the row id exists (locks it inside a transaction), 0, -1 */
int xt_crud_exists(xt_admin_req_t *rq, const xt_res_t *res, long long id);

/* paging parameters: limit (1..500, default 50), offset or page */
int xt_admin_paging(xt_admin_req_t *rq, long long *limit, long long *offset);

/* open {"items":[ ... and close ...],"total":N,"limit":L,"offset":O} */
void xt_admin_list_open(xt_admin_req_t *rq);
void xt_admin_list_close(xt_admin_req_t *rq, long long total,
    long long limit, long long offset);

/* every id of an array body key exists: "SELECT COUNT(*) ... IN" one by
   one with sql "SELECT 1 FROM t WHERE id = ?"; 400 naming key[i] */
int xt_admin_ids_exist(xt_admin_req_t *rq, const char *key,
    const long long *ids, size_t n, const char *sql);

/* emit "key": [ids...] from sql with one bound id */
int xt_admin_emit_ids(xt_admin_req_t *rq, const char *key, const char *sql,
    long long id);

#endif
