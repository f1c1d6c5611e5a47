/*
 * `xtreamctl import`: the JSON document (docs/CONTRACTS.md) is first parsed
 * and validated completely into an xt_import_t (xt_import_validate.c, no
 * database), then applied in one transaction (xt_import_apply.c).
 * Entities are described by field tables (xt_import_schema.c), so both
 * halves walk the same description.
 */
#ifndef XT_IMPORT_H
#define XT_IMPORT_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "xt_db.h"

#define XT_IMPORT_MAX_BYTES  (1024u * 1024 * 1024)
/* arrays and objects inside each other (documents nest a few levels) */
#define XT_IMPORT_MAX_DEPTH  32

enum {
    XT_F_ID,        /* integer 1..2^32-1 */
    XT_F_UINT,      /* integer min..max */
    XT_F_INT,       /* integer -2^31..2^31-1 */
    XT_F_BOOL,
    XT_F_TIME,      /* integer >= 0, default now */
    XT_F_EXP,       /* null (never) or integer >= 0 */
    XT_F_STR,       /* string of at most max bytes */
    XT_F_ENUM,      /* one of enums */
    XT_F_CRED,      /* [A-Za-z0-9._@-]{1,64} */
    XT_F_IDS,       /* array of XT_F_ID */
    XT_F_STRS,      /* array of strings of at most max bytes */
    XT_F_OBJS,      /* array of objects of entity sub */
    XT_F_MAC        /* a MAC address, stored in its normal form */
};

/* how the apply step stores a field */
enum {
    XT_S_COL = 0,   /* plain column (col) */
    XT_S_JOIN,      /* XT_F_STRS joined with "," into col */
    XT_S_JSON,      /* rendered as a JSON array into col */
    XT_S_SECRET,    /* salt || SHA-256 into col (one blob) */
    XT_S_PASSWORD,  /* password_salt + password_hash columns */
    XT_S_CHILD      /* written by the entity's child step */
};

#define XT_REQ       0x1    /* must be present */
#define XT_NULLABLE  0x2    /* null allowed (and the default) */
#define XT_NOCOMMA   0x4    /* strings may not contain "," */

typedef struct xt_entity_s  xt_entity_t;

typedef struct {
    const char          *key;
    int                  type;
    int                  store;
    const char          *col;
    unsigned             flags;
    long long            min, max;     /* integer range or max bytes */
    long long            def_i;
    const char          *def_s;
    const char *const   *enums;
    const xt_entity_t   *sub;
} xt_field_t;

struct xt_entity_s {
    const char          *name;      /* JSON key, used in error paths */
    const char          *table;     /* NULL for nested-only entities */
    const xt_field_t    *fields;
    unsigned             nfields;
    int                  has_id;    /* field 0 is the id (auto increment) */
};

typedef struct xt_recs_s  xt_recs_t;

typedef struct {
    int         set;        /* present in the document */
    int         null;
    long long   i;
    const char *s;          /* into the parsed tree */
    size_t      len;
    yajl_val    arr;        /* XT_F_IDS / XT_F_STRS */
    xt_recs_t  *sub;        /* XT_F_OBJS */
} xt_val_t;

struct xt_recs_s {
    const xt_entity_t  *e;
    size_t              n;
    xt_val_t           *v;  /* n * e->nfields */
};

/* top-level entity lists, in the order they are applied */
enum {
    XT_E_SERVERS, XT_E_CATEGORIES, XT_E_PROFILES, XT_E_STREAMS, XT_E_MOVIES,
    XT_E_SERIES, XT_E_BOUQUETS, XT_E_LINES, XT_E_EPG_CHANNELS,
    XT_E_EPG_PROGRAMMES, XT_E_COUNT
};

extern const xt_entity_t  *xt_import_entities[XT_E_COUNT];

typedef struct {
    yajl_val    root;
    yajl_val    settings;       /* object of string values, or NULL */
    xt_recs_t  *lists[XT_E_COUNT];
    long long   now;            /* default for XT_F_TIME */
} xt_import_t;

/* parse and validate text (NUL-terminated); -1 with err = "path: why" */
int xt_import_validate(xt_import_t *im, const char *text, char *err,
    size_t errlen);
void xt_import_free(xt_import_t *im);

/* value of field i of record r */
#define XT_VAL(recs, r, i)  (&(recs)->v[(r) * (recs)->e->nfields + (i)])

/* apply in one transaction; -1 with err set and *bad_input = 1 when the
   data was refused (a reference to a missing row, a name clash) */
int xt_import_apply(xt_db_t *db, xt_import_t *im, char *err, size_t errlen,
    int *bad_input);

#endif
