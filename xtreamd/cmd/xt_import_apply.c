/*
 * Import, step 2: write a validated document in one transaction.  Child
 * rows (sources, bouquet items, ...) are replaced when their key is
 * present.
 *
 * Records are written in batches (xt_apply_batch): one multi-row upsert
 * per chunk of up to XT_CHUNK rows, the child rows of the whole batch
 * deleted and inserted with multi-row statements too.  Each batch runs
 * under a savepoint; when any of its statements fails, or a row did not
 * land where a one-row upsert would have put it (a name already used by
 * another id), the batch is rolled back to the savepoint and replayed one
 * record at a time (xt_apply_one, the reference path), which then reports
 * the error with the record's JSON path exactly as it always did.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysqld_error.h>

#include "xt_grow.h"
#include "xt_import.h"
#include "xt_json_gen.h"
#include "xt_secret.h"

/* prepared statements, made on first use */
enum {
    Q_SRC_DEL, Q_SRC_INS, Q_SRV_DEL, Q_SRV_INS, Q_BI_DEL, Q_BI_INS, Q_LB_DEL,
    Q_LB_INS, Q_PROG_DEL, Q_SETTING, Q_COUNT
};

static const char *const  xt_child_sql[Q_COUNT] = {
    "DELETE FROM stream_sources WHERE stream_id = ?",
    "INSERT INTO stream_sources (stream_id, position, url) VALUES (?, ?, ?)",
    "DELETE FROM stream_servers WHERE stream_id = ?",
    "INSERT INTO stream_servers (stream_id, server_id) VALUES (?, ?) "
        "ON DUPLICATE KEY UPDATE server_id = server_id",
    "DELETE FROM bouquet_items WHERE bouquet_id = ? AND item_type = ?",
    "INSERT INTO bouquet_items (bouquet_id, item_type, item_id, sort_order) "
        "VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE item_id = item_id",
    "DELETE FROM line_bouquets WHERE line_id = ?",
    "INSERT INTO line_bouquets (line_id, bouquet_id, sort_order) "
        "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE bouquet_id = bouquet_id",
    "DELETE FROM epg_programmes WHERE epg_channel_id = ? AND start = ?",
    "INSERT INTO settings (name, value) VALUES (?, ?) "
        "ON DUPLICATE KEY UPDATE value = VALUES(value)",
};

/* multi-row statements: chunks of at most XT_CHUNK rows (a power of two);
   a batch is at most XT_BATCH records or about XT_BATCH_BYTES of bound
   strings (well below max_allowed_packet) */
#define XT_CHUNK_LOG    9
#define XT_CHUNK        (1u << XT_CHUNK_LOG)
#define XT_BATCH        2048
#define XT_BATCH_BYTES  (4u << 20)
#define XT_HSLOTS       8192    /* > 2 * XT_BATCH, a power of two */

/* "head row, row, ... tail", prepared once per power-of-two row count */
typedef struct {
    char        *head, *row, *tail;
    unsigned     ncols;
    MYSQL_STMT  *st[XT_CHUNK_LOG + 1];
} xt_multi_t;

enum {
    M_SRC_DEL, M_SRC_INS, M_SRV_DEL, M_SRV_INS, M_BI_INS, M_LB_DEL, M_LB_INS,
    M_COUNT
};

static const struct {
    const char  *head, *row, *tail;
    unsigned     ncols;
} xt_multi_sql[M_COUNT] = {
    { "DELETE FROM stream_sources WHERE stream_id IN (", "?", ")", 1 },
    { "INSERT INTO stream_sources (stream_id, position, url) VALUES ",
      "(?, ?, ?)", "", 3 },
    { "DELETE FROM stream_servers WHERE stream_id IN (", "?", ")", 1 },
    { "INSERT INTO stream_servers (stream_id, server_id) VALUES ", "(?, ?)",
      " ON DUPLICATE KEY UPDATE server_id = server_id", 2 },
    { "INSERT INTO bouquet_items (bouquet_id, item_type, item_id, "
      "sort_order) VALUES ", "(?, ?, ?, ?)",
      " ON DUPLICATE KEY UPDATE item_id = item_id", 4 },
    { "DELETE FROM line_bouquets WHERE line_id IN (", "?", ")", 1 },
    { "INSERT INTO line_bouquets (line_id, bouquet_id, sort_order) VALUES ",
      "(?, ?, ?)", " ON DUPLICATE KEY UPDATE bouquet_id = bouquet_id", 3 },
};

/* per entity (and parent column): the upsert and the check after it */
typedef struct {
    const xt_entity_t  *e;
    const char         *parent_col;
    xt_multi_t          up, chk;
} xt_ement_t;

#define XT_EMENT_MAX  16

typedef struct {
    xt_db_t      *db;
    MYSQL_STMT   *q[Q_COUNT];
    char        **scratch;
    size_t        nscratch, scratch_cap;
    long long     now;
    char          path[256];
    int           bad_input;
    yajl_gen      g;

    /* batches */
    xt_multi_t    m[M_COUNT];
    xt_ement_t    ement[XT_EMENT_MAX];
    unsigned      nement;
    xt_mbinds_t   mb, cb[M_COUNT];
    long long     ids[XT_BATCH];
    char          found[XT_BATCH];
    unsigned      slot[XT_HSLOTS];  /* batch row + 1, 0 free */
    unsigned      used[XT_BATCH];   /* slots to clear */
    unsigned      nused;
} xt_actx_t;


static MYSQL_STMT *
xt_q(xt_actx_t *a, int i)
{
    if (a->q[i] == NULL) {
        a->q[i] = xt_db_prepare(a->db, xt_child_sql[i]);
    }
    return a->q[i];
}


static void
xt_scratch_free(xt_actx_t *a)
{
    while (a->nscratch) {
        free(a->scratch[--a->nscratch]);
    }
}


static char *
xt_scratch(xt_actx_t *a, size_t n)
{
    char  *p;

    if (xt_grow((void **) &a->scratch, &a->scratch_cap, a->nscratch,
                sizeof(*a->scratch)) != 0)
    {
        return NULL;
    }
    if ((p = malloc(n + 1)) == NULL) {
        return NULL;
    }
    a->scratch[a->nscratch++] = p;
    return p;
}


/* "INSERT INTO t (cols) VALUES (?...) ON DUPLICATE KEY UPDATE ..." from
   the field table, as head ("... VALUES "), row ("(?, ...)") and tail
   (" ON DUPLICATE ..."); parent_col (child entities) comes first */
static int
xt_upsert_sql(const xt_entity_t *e, const char *parent_col, xt_multi_t *m)
{
    char         cols[2048], vals[512], upd[4096], head[2600];
    size_t       nc = 0, nv = 0, nu = 0;
    unsigned     i, j, ncols, n = 0;
    const char  *names[2];

#define ADD(buf, n, ...) \
    n += (size_t) snprintf(buf + n, sizeof(buf) - n, __VA_ARGS__)

    if (parent_col) {
        ADD(cols, nc, "`%s`", parent_col);
        ADD(vals, nv, "?");
        n++;
    }
    for (i = 0; i < e->nfields; i++) {
        const xt_field_t  *f = &e->fields[i];

        if (f->store == XT_S_CHILD) {
            continue;
        }
        ncols = 1;
        names[0] = f->col;
        if (f->store == XT_S_PASSWORD) {
            ncols = 2;
            names[0] = "password_salt";
            names[1] = "password_hash";
        }
        for (j = 0; j < ncols; j++) {
            ADD(cols, nc, "%s`%s`", nc ? ", " : "", names[j]);
            ADD(vals, nv, "%s?", nv ? ", " : "");
            n++;
            if (strcmp(names[j], "id") != 0) {
                ADD(upd, nu, "%s`%s` = VALUES(`%s`)", nu ? ", " : "",
                    names[j], names[j]);
            }
        }
    }
    /* LAST_INSERT_ID(id) makes the updated row's id readable through
       mysql_stmt_insert_id(), and shows which row a unique name hit */
    if (e->has_id || strcmp(e->table, "lines") == 0) {
        ADD(upd, nu, ", id = LAST_INSERT_ID(id)");
    }
#undef ADD

    snprintf(head, sizeof(head), "INSERT INTO `%s` (%s) VALUES ", e->table,
             cols);
    memset(m, 0, sizeof(*m));
    m->ncols = n;
    m->head = strdup(head);
    m->row = malloc(nv + 3);
    m->tail = malloc(nu + 32);
    if (m->head == NULL || m->row == NULL || m->tail == NULL) {
        return -1;
    }
    snprintf(m->row, nv + 3, "(%s)", vals);
    snprintf(m->tail, nu + 32, " ON DUPLICATE KEY UPDATE %s", upd);
    return 0;
}


static void
xt_multi_free(xt_multi_t *m)
{
    unsigned  i;

    for (i = 0; i <= XT_CHUNK_LOG; i++) {
        if (m->st[i]) {
            mysql_stmt_close(m->st[i]);
        }
    }
    free(m->head);
    free(m->row);
    free(m->tail);
    memset(m, 0, sizeof(*m));
}


/* the statement for 2^lg rows */
static MYSQL_STMT *
xt_multi_stmt(xt_db_t *db, xt_multi_t *m, unsigned lg)
{
    size_t   rows = (size_t) 1 << lg, hl, rl, tl, len, i;
    char    *sql, *p;

    if (m->st[lg]) {
        return m->st[lg];
    }
    hl = strlen(m->head);
    rl = strlen(m->row);
    tl = strlen(m->tail);
    len = hl + rows * (rl + 2) + tl + 1;
    sql = malloc(len);
    if (sql == NULL) {
        db->errnum = 0;
        snprintf(db->err, sizeof(db->err), "out of memory");
        return NULL;
    }
    memcpy(sql, m->head, hl);
    p = sql + hl;
    for (i = 0; i < rows; i++) {
        if (i) {
            *p++ = ',';
            *p++ = ' ';
        }
        memcpy(p, m->row, rl);
        p += rl;
    }
    memcpy(p, m->tail, tl + 1);
    m->st[lg] = xt_db_prepare(db, sql);
    free(sql);
    return m->st[lg];
}


/* one-row statement (the reference path's) */
static MYSQL_STMT *
xt_upsert_stmt(xt_db_t *db, const xt_entity_t *e, const char *parent_col)
{
    xt_multi_t   m;
    MYSQL_STMT  *st = NULL;

    if (xt_upsert_sql(e, parent_col, &m) == 0) {
        st = xt_multi_stmt(db, &m, 0);
        m.st[0] = NULL;
    } else {
        db->errnum = 0;
        snprintf(db->err, sizeof(db->err), "out of memory");
    }
    xt_multi_free(&m);
    return st;
}


static int
xt_gen_done(xt_actx_t *a, xt_binds_t *bs)
{
    const unsigned char  *buf;
    size_t                len;
    char                 *p;

    yajl_gen_get_buf(a->g, &buf, &len);
    p = xt_scratch(a, len);
    if (p == NULL) {
        return -1;
    }
    memcpy(p, buf, len);
    xt_bind_str(bs, p, len);
    return 0;
}


static int
xt_bind_json(xt_actx_t *a, xt_binds_t *bs, const xt_field_t *f,
    const xt_val_t *v)
{
    size_t     i;
    unsigned   j;
    yajl_gen   g = a->g;

    xt_gen_restart(g);
    if (yajl_gen_array_open(g)) {
        return -1;
    }
    if (f->type == XT_F_STRS) {
        for (i = 0; i < v->arr->u.array.len; i++) {
            if (xt_gen_cstr(g, v->arr->u.array.values[i]->u.string)) {
                return -1;
            }
        }
    } else {
        const xt_recs_t  *r = v->sub;
        for (i = 0; i < r->n; i++) {
            if (yajl_gen_map_open(g)) {
                return -1;
            }
            for (j = 0; j < r->e->nfields; j++) {
                const xt_field_t  *sf = &r->e->fields[j];
                const xt_val_t    *sv = XT_VAL(r, i, j);
                if (!sv->set) {
                    continue;
                }
                if (xt_gen_cstr(g, sf->key)
                    || (sf->type == XT_F_STR || sf->type == XT_F_ENUM
                        ? xt_gen_strn(g, sv->s, sv->len)
                        : yajl_gen_integer(g, sv->i)))
                {
                    return -1;
                }
            }
            if (yajl_gen_map_close(g)) {
                return -1;
            }
        }
    }
    if (yajl_gen_array_close(g)) {
        return -1;
    }
    return xt_gen_done(a, bs);
}


static int
xt_bind_field(xt_actx_t *a, xt_binds_t *bs, const xt_field_t *f,
    const xt_val_t *v)
{
    size_t   i, n;
    char    *p;

    switch (f->store) {

    case XT_S_COL:
        if (v->null || (!v->set && (f->flags & XT_NULLABLE))) {
            xt_bind_null(bs);
        } else if (f->type == XT_F_STR || f->type == XT_F_ENUM
                   || f->type == XT_F_CRED || f->type == XT_F_MAC)
        {
            if (v->set) {
                xt_bind_str(bs, v->s, v->len);
            } else {
                xt_bind_cstr(bs, f->def_s);
            }
        } else if (v->set) {
            xt_bind_int(bs, v->i);
        } else {
            xt_bind_int(bs, f->type == XT_F_TIME ? a->now : f->def_i);
        }
        return 0;

    case XT_S_JOIN:
        if (!v->set) {
            xt_bind_cstr(bs, f->def_s);
            return 0;
        }
        n = 0;
        for (i = 0; i < v->arr->u.array.len; i++) {
            n += strlen(v->arr->u.array.values[i]->u.string) + 1;
        }
        p = xt_scratch(a, n);
        if (p == NULL) {
            return -1;
        }
        n = 0;
        for (i = 0; i < v->arr->u.array.len; i++) {
            const char  *s = v->arr->u.array.values[i]->u.string;
            size_t       l = strlen(s);
            if (i) {
                p[n++] = ',';
            }
            memcpy(p + n, s, l);
            n += l;
        }
        xt_bind_str(bs, p, n);
        return 0;

    case XT_S_JSON:
        if (!v->set || v->null) {
            if (f->type == XT_F_STRS) {
                xt_bind_cstr(bs, "[]");
            } else {
                xt_bind_null(bs);
            }
            return 0;
        }
        return xt_bind_json(a, bs, f, v);

    case XT_S_SECRET:
    case XT_S_PASSWORD:
        if (!v->set || v->null) {
            xt_bind_null(bs);
            return 0;
        }
        p = xt_scratch(a, XT_SALT_LEN + XT_HASH_LEN);
        if (p == NULL
            || xt_secret_make(v->s, v->len, (uint8_t *) p,
                              (uint8_t *) p + XT_SALT_LEN) != 0)
        {
            return -1;
        }
        if (f->store == XT_S_SECRET) {
            xt_bind_str(bs, p, XT_SALT_LEN + XT_HASH_LEN);
        } else {
            xt_bind_str(bs, p, XT_SALT_LEN);
            xt_bind_str(bs, p + XT_SALT_LEN, XT_HASH_LEN);
        }
        return 0;
    }
    return 0;
}


/* field index by key (tables are small and fixed) */
static unsigned
xt_fi(const xt_entity_t *e, const char *key)
{
    unsigned  i;

    for (i = 0; i < e->nfields; i++) {
        if (strcmp(e->fields[i].key, key) == 0) {
            return i;
        }
    }
    abort();
}


static int
xt_run2(xt_actx_t *a, int q, long long x, long long y)
{
    xt_binds_t   bs;
    MYSQL_STMT  *st = xt_q(a, q);

    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, x);
    xt_bind_int(&bs, y);
    return xt_db_run(a->db, st, &bs);
}


/* replace an id list: del(parent[, type]), then ins(parent, [type,] id,
   position) for each element */
static int
xt_replace_ids(xt_actx_t *a, int qdel, int qins, long long parent,
    const char *type, yajl_val arr, int existing)
{
    xt_binds_t   bs;
    MYSQL_STMT  *del = xt_q(a, qdel), *ins = xt_q(a, qins);
    size_t       i;

    if (del == NULL || ins == NULL) {
        return -1;
    }
    if (existing) {
        xt_binds_reset(&bs);
        xt_bind_int(&bs, parent);
        if (type) {
            xt_bind_cstr(&bs, type);
        }
        if (xt_db_run(a->db, del, &bs) != 0) {
            return -1;
        }
    }
    for (i = 0; i < arr->u.array.len; i++) {
        xt_binds_reset(&bs);
        xt_bind_int(&bs, parent);
        if (type) {
            xt_bind_cstr(&bs, type);
        }
        xt_bind_int(&bs, YAJL_GET_INTEGER(arr->u.array.values[i]));
        if (qins != Q_SRV_INS) {
            xt_bind_int(&bs, (long long) i);
        }
        if (xt_db_run(a->db, ins, &bs) != 0) {
            return -1;
        }
    }
    return 0;
}


static int xt_apply_list(xt_actx_t *a, xt_recs_t *r, const char *parent_col,
    long long parent_id);


/* id of an unchanged line (upserts by username report none) */
static int
xt_line_lookup(xt_actx_t *a, xt_recs_t *r, size_t i, long long *id)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    xt_row_t     row;
    int          rc;

    *id = 0;
    if (strcmp(r->e->table, "lines") != 0) {
        return 0;
    }
    st = xt_db_prepare(a->db, "SELECT id FROM `lines` WHERE username = ?");
    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_str(&bs, XT_VAL(r, i, 0)->s, XT_VAL(r, i, 0)->len);
    xt_row_init(&row);
    xt_row_int(&row);
    rc = (xt_db_run(a->db, st, &bs) == 0
          && xt_db_bind_row(a->db, st, &row) == 0)
         ? xt_db_fetch(a->db, st) : -1;
    if (rc == 1) {
        *id = row.ival[0];
    }
    mysql_stmt_close(st);
    return rc == 1 ? 0 : -1;
}


/* child rows of record i of r, whose id is id; existing: the row was
   there before (so old children must go) */
static int
xt_apply_children(xt_actx_t *a, xt_recs_t *r, size_t i, long long id,
    int existing)
{
    const xt_entity_t  *e = r->e;
    const xt_val_t     *v;
    size_t              k;
    xt_binds_t          bs;

    if (strcmp(e->table, "streams") == 0) {
        v = XT_VAL(r, i, xt_fi(e, "sources"));
        if (v->set) {
            if (existing && xt_run2(a, Q_SRC_DEL, id, 0) != 0
                && a->db->errnum)
            {
                return -1;
            }
            for (k = 0; k < v->arr->u.array.len; k++) {
                const char  *url = v->arr->u.array.values[k]->u.string;
                MYSQL_STMT  *st = xt_q(a, Q_SRC_INS);
                if (st == NULL) {
                    return -1;
                }
                xt_binds_reset(&bs);
                xt_bind_int(&bs, id);
                xt_bind_int(&bs, (long long) k);
                xt_bind_cstr(&bs, url);
                if (xt_db_run(a->db, st, &bs) != 0) {
                    return -1;
                }
            }
        }
        v = XT_VAL(r, i, xt_fi(e, "servers"));
        if (v->set && xt_replace_ids(a, Q_SRV_DEL, Q_SRV_INS, id, NULL,
                                     v->arr, existing) != 0)
        {
            return -1;
        }
    } else if (strcmp(e->table, "bouquets") == 0) {
        static const char *const  keys[] = { "live", "movies", "series" };
        static const char *const  types[] = { "live", "movie", "series" };
        for (k = 0; k < 3; k++) {
            v = XT_VAL(r, i, xt_fi(e, keys[k]));
            if (v->set && xt_replace_ids(a, Q_BI_DEL, Q_BI_INS, id, types[k],
                                         v->arr, existing) != 0)
            {
                return -1;
            }
        }
    } else if (strcmp(e->table, "lines") == 0) {
        v = XT_VAL(r, i, xt_fi(e, "bouquets"));
        if (v->set && xt_replace_ids(a, Q_LB_DEL, Q_LB_INS, id, NULL, v->arr,
                                     existing) != 0)
        {
            return -1;
        }
    } else if (strcmp(e->table, "series") == 0) {
        v = XT_VAL(r, i, xt_fi(e, "seasons"));
        if (v->set && xt_apply_list(a, v->sub, "series_id", id) != 0) {
            return -1;
        }
        v = XT_VAL(r, i, xt_fi(e, "episodes"));
        if (v->set && xt_apply_list(a, v->sub, "series_id", id) != 0) {
            return -1;
        }
    }
    return 0;
}


/* bind record i of r (after parent_id when parent_col) */
static int
xt_bind_record(xt_actx_t *a, xt_recs_t *r, size_t i, const char *parent_col,
    long long parent_id, xt_binds_t *bs)
{
    const xt_entity_t  *e = r->e;
    unsigned            j;

    xt_binds_reset(bs);
    if (parent_col) {
        xt_bind_int(bs, parent_id);
    }
    for (j = 0; j < e->nfields; j++) {
        if (e->fields[j].store != XT_S_CHILD
            && xt_bind_field(a, bs, &e->fields[j], XT_VAL(r, i, j)) != 0)
        {
            snprintf(a->db->err, sizeof(a->db->err), "%s: cannot "
                     "render (out of memory?)", e->fields[j].key);
            a->db->errnum = 0;
            return -1;
        }
    }
    return 0;
}


static void
xt_set_path(xt_actx_t *a, const xt_entity_t *e, size_t l, size_t i)
{
    snprintf(a->path + l, sizeof(a->path) - l, "%s%s[%zu]",
             l ? "." : "", e->name, i);
}


/* record i alone, one statement at a time: the reference path (l: length
   of the path prefix of the list) */
static int
xt_apply_one(xt_actx_t *a, xt_recs_t *r, size_t i, const char *parent_col,
    long long parent_id, MYSQL_STMT *st, size_t l)
{
    const xt_entity_t  *e = r->e;
    xt_binds_t          bs;
    long long           id, got;
    my_ulonglong        affected;

    xt_set_path(a, e, l, i);

    /* programmes have no natural key: replace by (channel, start) */
    if (strcmp(e->table, "epg_programmes") == 0) {
        MYSQL_STMT  *del = xt_q(a, Q_PROG_DEL);
        if (del == NULL) {
            return -1;
        }
        xt_binds_reset(&bs);
        xt_bind_str(&bs, XT_VAL(r, i, 0)->s, XT_VAL(r, i, 0)->len);
        xt_bind_int(&bs, XT_VAL(r, i, 1)->i);
        if (xt_db_run(a->db, del, &bs) != 0) {
            return -1;
        }
    }

    if (xt_bind_record(a, r, i, parent_col, parent_id, &bs) != 0) {
        xt_scratch_free(a);
        return -1;
    }
    if (xt_db_run(a->db, st, &bs) != 0) {
        xt_scratch_free(a);
        return -1;
    }
    xt_scratch_free(a);

    affected = mysql_stmt_affected_rows(st);
    got = (long long) mysql_stmt_insert_id(st);
    id = e->has_id ? XT_VAL(r, i, 0)->i : got;
    /* affected: 1 inserted, 2 updated, 0 unchanged (then MariaDB
       reports no id, and the row is taken as the one named by id) */
    if (!e->has_id && affected == 0) {
        if (xt_line_lookup(a, r, i, &got) != 0) {
            return -1;
        }
        id = got;
    }
    if (e->has_id && affected == 2 && got != id) {
        /* the upsert hit another unique key (a name) of row "got" */
        snprintf(a->db->err, sizeof(a->db->err), "name already used by "
                 "id %lld", got);
        a->db->errnum = 0;
        a->bad_input = 1;
        return -1;
    }
    if (xt_apply_children(a, r, i, id, affected != 1) != 0) {
        return -1;
    }
    a->path[l] = '\0';
    return 0;
}


/* how a list may be batched */
enum {
    XB_NONE,    /* never (programmes: delete + insert per record) */
    XB_PLAIN,   /* no children, no second unique key: rows need no ids */
    XB_ID,      /* upserted by id only */
    XB_NAME,    /* by id, and "name" is unique too: checked afterwards */
    XB_LINES    /* by username; ids read back afterwards */
};


static int
xt_batch_kind(const xt_entity_t *e)
{
    static const struct { const char *t; int kind; }  k[] = {
        { "lines", XB_LINES }, { "servers", XB_NAME },
        { "transcode_profiles", XB_NAME }, { "bouquets", XB_NAME },
        { "categories", XB_ID }, { "streams", XB_ID }, { "movies", XB_ID },
        { "series", XB_ID }, { "episodes", XB_ID },
        { "series_seasons", XB_PLAIN }, { "epg_channels", XB_PLAIN },
    };
    unsigned  i;

    for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
        if (strcmp(e->table, k[i].t) == 0) {
            return k[i].kind;
        }
    }
    return XB_NONE;
}


/* the record keys of the current batch (ids; usernames compared without
   case, so that a collation never makes two of them one row) */
static uint32_t
xt_khash(int kind, long long id, const char *s, size_t len)
{
    uint32_t  h = 2166136261u;
    size_t    i;

    if (kind == XB_LINES) {
        for (i = 0; i < len; i++) {
            unsigned char  c = (unsigned char) s[i];
            h = (h ^ (c >= 'A' && c <= 'Z' ? c + 32 : c)) * 16777619u;
        }
    } else {
        for (i = 0; i < 8; i++) {
            h = (h ^ ((unsigned long long) id >> (i * 8) & 0xff))
                * 16777619u;
        }
    }
    return h;
}


static int
xt_keq(const xt_val_t *v, int kind, long long id, const char *s, size_t len)
{
    size_t  i;

    if (kind != XB_LINES) {
        return v->i == id;
    }
    if (v->len != len) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        unsigned char  x = (unsigned char) v->s[i], y = (unsigned char) s[i];
        if ((x >= 'A' && x <= 'Z' ? x + 32 : x)
            != (y >= 'A' && y <= 'Z' ? y + 32 : y))
        {
            return 0;
        }
    }
    return 1;
}


/* batch index of the record with this key, or -1; with add >= 0, a
   missing key is added as batch record add */
static long
xt_kfind(xt_actx_t *a, const xt_recs_t *r, size_t b, int kind, long long id,
    const char *s, size_t len, long add)
{
    uint32_t  h = xt_khash(kind, id, s, len) & (XT_HSLOTS - 1);

    while (a->slot[h]) {
        size_t  bi = a->slot[h] - 1;
        if (xt_keq(XT_VAL(r, b + bi, 0), kind, id, s, len)) {
            return (long) bi;
        }
        h = (h + 1) & (XT_HSLOTS - 1);
    }
    if (add >= 0) {
        a->slot[h] = (unsigned) add + 1;
        a->used[a->nused++] = h;
    }
    return -1;
}


typedef struct {
    xt_recs_t  *r;
    size_t      b, nfound;
    int         kind;
    unsigned    name;       /* field index of "name" (XB_NAME) */
} xt_chk_t;


/* a row (id, key) read back after the upsert: the record it belongs to,
   when it holds exactly what that record wrote */
static void
xt_chk_row(xt_actx_t *a, xt_chk_t *c, long long id, const char *s,
    size_t len)
{
    const xt_val_t  *v;
    long             bi;

    if (c->kind == XB_LINES) {
        bi = xt_kfind(a, c->r, c->b, c->kind, 0, s, len, -1);
        v = bi < 0 ? NULL : XT_VAL(c->r, c->b + bi, 0);
    } else {
        bi = xt_kfind(a, c->r, c->b, c->kind, id, NULL, 0, -1);
        v = bi < 0 ? NULL : XT_VAL(c->r, c->b + bi, c->name);
    }
    if (v == NULL || a->found[bi] || v->len != len
        || memcmp(v->s, s, len) != 0)
    {
        return;
    }
    a->found[bi] = 1;
    a->ids[bi] = id;
    c->nfound++;
}


/* execute m over the rows of mb, in chunks of XT_CHUNK rows and then
   power-of-two remainders (so every statement is prepared once); with c,
   each chunk is a SELECT whose (id, key) rows go to xt_chk_row() */
static int
xt_multi_run(xt_actx_t *a, xt_multi_t *m, xt_mbinds_t *mb, xt_chk_t *c)
{
    size_t       rows = mb->n / m->ncols, off = 0, k;
    unsigned     lg;
    MYSQL_STMT  *st;
    xt_row_t     row;
    int          rc = 0, f;

    xt_mbinds_fix(mb);
    xt_row_init(&row);
    if (c) {
        xt_row_int(&row);
        if (xt_row_str(&row, 1024) != 0) {
            a->db->errnum = 0;
            snprintf(a->db->err, sizeof(a->db->err), "out of memory");
            return -1;
        }
    }
    while (off < rows) {
        k = rows - off;
        lg = 0;
        while (lg < XT_CHUNK_LOG && ((size_t) 2 << lg) <= k) {
            lg++;
        }
        st = xt_multi_stmt(a->db, m, lg);
        if (st == NULL) {
            rc = -1;
            break;
        }
        if (mysql_stmt_bind_param(st, mb->b + off * m->ncols) != 0) {
            rc = xt_db_stmt_fail(a->db, st, "bind");
            break;
        }
        if (mysql_stmt_execute(st) != 0) {
            rc = xt_db_stmt_fail(a->db, st, "execute");
            break;
        }
        if (c) {
            if (xt_db_bind_row(a->db, st, &row) != 0) {
                rc = -1;
                break;
            }
            while ((f = xt_db_fetch(a->db, st)) == 1) {
                if (!row.isnull[0] && !row.isnull[1]) {
                    xt_chk_row(a, c, row.ival[0], row.sval[1], row.len[1]);
                }
            }
            mysql_stmt_free_result(st);
            if (f < 0) {
                rc = -1;
                break;
            }
        }
        off += (size_t) 1 << lg;
    }
    xt_row_free(&row);
    return rc;
}


static int
xt_madd_ints(xt_mbinds_t *mb, int n, long long x, long long y, long long z)
{
    xt_binds_t  bs;

    xt_binds_reset(&bs);
    xt_bind_int(&bs, x);
    if (n > 1) {
        xt_bind_int(&bs, y);
    }
    if (n > 2) {
        xt_bind_int(&bs, z);
    }
    return xt_mbinds_add(mb, &bs);
}


/* run the child statements gathered in a->cb, in order */
static int
xt_run_children(xt_actx_t *a, const int *which, unsigned n)
{
    unsigned  i;

    for (i = 0; i < n; i++) {
        if (a->cb[which[i]].n
            && xt_multi_run(a, &a->m[which[i]], &a->cb[which[i]], NULL) != 0)
        {
            return -1;
        }
    }
    return 0;
}


/* the child rows of the batch's n records.  Old children go for every
   record whose key is present: for a record that was not there before
   there are none (foreign keys), so this equals the reference path's
   "delete when the row existed" */
static int
xt_batch_children(xt_actx_t *a, xt_recs_t *r, size_t b, size_t n)
{
    const xt_entity_t  *e = r->e;
    const xt_val_t     *v;
    size_t              bi, k, i;
    xt_binds_t          bs;
    int                 oom = 0;

    for (k = 0; k < M_COUNT; k++) {
        xt_mbinds_reset(&a->cb[k]);
    }

    if (strcmp(e->table, "streams") == 0) {
        static const int  order[] = { M_SRC_DEL, M_SRC_INS, M_SRV_DEL,
                                      M_SRV_INS };
        unsigned  fs = xt_fi(e, "sources"), fv = xt_fi(e, "servers");

        for (bi = 0; bi < n; bi++) {
            long long  id = a->ids[bi];
            v = XT_VAL(r, b + bi, fs);
            if (v->set) {
                oom |= xt_madd_ints(&a->cb[M_SRC_DEL], 1, id, 0, 0);
                for (k = 0; k < v->arr->u.array.len; k++) {
                    xt_binds_reset(&bs);
                    xt_bind_int(&bs, id);
                    xt_bind_int(&bs, (long long) k);
                    xt_bind_cstr(&bs, v->arr->u.array.values[k]->u.string);
                    oom |= xt_mbinds_add(&a->cb[M_SRC_INS], &bs);
                }
            }
            v = XT_VAL(r, b + bi, fv);
            if (v->set) {
                oom |= xt_madd_ints(&a->cb[M_SRV_DEL], 1, id, 0, 0);
                for (k = 0; k < v->arr->u.array.len; k++) {
                    oom |= xt_madd_ints(&a->cb[M_SRV_INS], 2, id,
                        YAJL_GET_INTEGER(v->arr->u.array.values[k]), 0);
                }
            }
        }
        if (oom) {
            goto nomem;
        }
        return xt_run_children(a, order, 4);
    }

    if (strcmp(e->table, "lines") == 0) {
        static const int  order[] = { M_LB_DEL, M_LB_INS };
        unsigned  fb = xt_fi(e, "bouquets");

        for (bi = 0; bi < n; bi++) {
            long long  id = a->ids[bi];
            v = XT_VAL(r, b + bi, fb);
            if (v->set) {
                oom |= xt_madd_ints(&a->cb[M_LB_DEL], 1, id, 0, 0);
                for (k = 0; k < v->arr->u.array.len; k++) {
                    oom |= xt_madd_ints(&a->cb[M_LB_INS], 3, id,
                        YAJL_GET_INTEGER(v->arr->u.array.values[k]),
                        (long long) k);
                }
            }
        }
        if (oom) {
            goto nomem;
        }
        return xt_run_children(a, order, 2);
    }

    if (strcmp(e->table, "bouquets") == 0) {
        static const char *const  keys[] = { "live", "movies", "series" };
        static const char *const  types[] = { "live", "movie", "series" };
        static const int          order[] = { M_BI_INS };
        MYSQL_STMT               *del = xt_q(a, Q_BI_DEL);

        if (del == NULL) {
            return -1;
        }
        for (bi = 0; bi < n; bi++) {
            for (i = 0; i < 3; i++) {
                v = XT_VAL(r, b + bi, xt_fi(e, keys[i]));
                if (!v->set) {
                    continue;
                }
                xt_binds_reset(&bs);
                xt_bind_int(&bs, a->ids[bi]);
                xt_bind_cstr(&bs, types[i]);
                if (xt_db_run(a->db, del, &bs) != 0) {
                    return -1;
                }
                for (k = 0; k < v->arr->u.array.len; k++) {
                    xt_binds_reset(&bs);
                    xt_bind_int(&bs, a->ids[bi]);
                    xt_bind_cstr(&bs, types[i]);
                    xt_bind_int(&bs,
                        YAJL_GET_INTEGER(v->arr->u.array.values[k]));
                    xt_bind_int(&bs, (long long) k);
                    oom |= xt_mbinds_add(&a->cb[M_BI_INS], &bs);
                }
            }
        }
        if (oom) {
            goto nomem;
        }
        return xt_run_children(a, order, 1);
    }

    if (strcmp(e->table, "series") == 0) {
        /* seasons and episodes: lists of their own (batched in turn, so
           a->ids and the key slots are not ours any more after this) */
        size_t  l = strlen(a->path);
        for (bi = 0; bi < n; bi++) {
            xt_set_path(a, e, l, b + bi);
            if (xt_apply_children(a, r, b + bi, XT_VAL(r, b + bi, 0)->i, 1)
                != 0)
            {
                return -1;
            }
            a->path[l] = '\0';
        }
    }
    return 0;

nomem:
    a->db->errnum = 0;
    snprintf(a->db->err, sizeof(a->db->err), "out of memory");
    return -1;
}


/* the upsert of the batch (rows in a->mb), the check, the children:
   0 done, 1 a row is not where the reference path would have put it,
   -1 a statement failed */
static int
xt_batch_write(xt_actx_t *a, xt_recs_t *r, size_t b, size_t n, int kind,
    xt_ement_t *em)
{
    xt_binds_t  bs;
    xt_chk_t    c;
    size_t      bi;
    int         rc;

    rc = xt_multi_run(a, &em->up, &a->mb, NULL);
    xt_scratch_free(a);
    if (rc != 0) {
        return -1;
    }
    if (kind == XB_PLAIN) {
        return 0;
    }
    if (kind == XB_LINES || kind == XB_NAME) {
        xt_mbinds_reset(&a->mb);
        for (bi = 0; bi < n; bi++) {
            const xt_val_t  *v = XT_VAL(r, b + bi, 0);
            xt_binds_reset(&bs);
            if (kind == XB_LINES) {
                xt_bind_str(&bs, v->s, v->len);
            } else {
                xt_bind_int(&bs, v->i);
            }
            if (xt_mbinds_add(&a->mb, &bs) != 0) {
                a->db->errnum = 0;
                snprintf(a->db->err, sizeof(a->db->err), "out of memory");
                return -1;
            }
        }
        memset(a->found, 0, n);
        c.r = r;
        c.b = b;
        c.nfound = 0;
        c.kind = kind;
        c.name = kind == XB_NAME ? xt_fi(r->e, "name") : 0;
        if (xt_multi_run(a, &em->chk, &a->mb, &c) != 0) {
            return -1;
        }
        if (c.nfound != n) {
            return 1;
        }
    } else {
        for (bi = 0; bi < n; bi++) {
            a->ids[bi] = XT_VAL(r, b + bi, 0)->i;
        }
    }
    return xt_batch_children(a, r, b, n) != 0 ? -1 : 0;
}


/* the multi-row statements of entity e (under parent_col) */
static xt_ement_t *
xt_ement(xt_actx_t *a, const xt_entity_t *e, const char *parent_col,
    int kind)
{
    xt_ement_t  *em;
    unsigned     i;
    char         head[256];

    for (i = 0; i < a->nement; i++) {
        if (a->ement[i].e == e && a->ement[i].parent_col == parent_col) {
            return &a->ement[i];
        }
    }
    if (a->nement == XT_EMENT_MAX) {
        return NULL;
    }
    em = &a->ement[a->nement++];
    memset(em, 0, sizeof(*em));
    em->e = e;
    em->parent_col = parent_col;
    if (xt_upsert_sql(e, parent_col, &em->up) != 0) {
        goto nomem;
    }
    if (kind == XB_LINES || kind == XB_NAME) {
        if (kind == XB_LINES) {
            snprintf(head, sizeof(head), "SELECT id, username FROM `%s` "
                     "WHERE username IN (", e->table);
        } else {
            snprintf(head, sizeof(head), "SELECT id, name FROM `%s` "
                     "WHERE id IN (", e->table);
        }
        em->chk.ncols = 1;
        em->chk.head = strdup(head);
        em->chk.row = strdup("?");
        em->chk.tail = strdup(")");
        if (em->chk.head == NULL || em->chk.row == NULL
            || em->chk.tail == NULL)
        {
            goto nomem;
        }
    }
    return em;

nomem:
    a->db->errnum = 0;
    snprintf(a->db->err, sizeof(a->db->err), "out of memory");
    return NULL;
}


/* records b.. of r as one batch (up to XT_BATCH records, XT_BATCH_BYTES
   of strings, and never two with the same key); *endp: the first record
   after it.  st: the one-row upsert, for the replay */
static int
xt_apply_batch(xt_actx_t *a, xt_recs_t *r, const char *parent_col,
    long long parent_id, size_t b, size_t *endp, MYSQL_STMT *st, size_t l,
    int kind, xt_ement_t *em)
{
    /* nested lists (series seasons and episodes) run inside the batch of
       their series: a savepoint of their own */
    const char  *sp = parent_col ? "xt_batch1" : "xt_batch0";
    char         sql[64], err[sizeof(a->db->err)];
    unsigned     errnum;
    xt_binds_t   bs;
    size_t       i, n, bytes = 0;
    unsigned     k;
    int          rc;

    xt_mbinds_reset(&a->mb);
    while (a->nused) {
        a->slot[a->used[--a->nused]] = 0;
    }
    for (i = b; i < r->n && i - b < XT_BATCH && bytes < XT_BATCH_BYTES; i++) {
        const xt_val_t  *v = XT_VAL(r, i, 0);
        if (kind != XB_PLAIN
            && xt_kfind(a, r, b, kind, v->i, v->s, v->len, (long) (i - b))
               >= 0)
        {
            break;      /* the same key again: next batch */
        }
        if (xt_bind_record(a, r, i, parent_col, parent_id, &bs) != 0) {
            xt_set_path(a, r->e, l, i);
            xt_scratch_free(a);
            return -1;
        }
        if (xt_mbinds_add(&a->mb, &bs) != 0) {
            a->db->errnum = 0;
            snprintf(a->db->err, sizeof(a->db->err), "out of memory");
            xt_set_path(a, r->e, l, i);
            xt_scratch_free(a);
            return -1;
        }
        for (k = 0; k < bs.n; k++) {
            if (bs.b[k].buffer_type == MYSQL_TYPE_STRING) {
                bytes += bs.len[k];
            }
        }
    }
    *endp = i;
    n = i - b;

    snprintf(sql, sizeof(sql), "SAVEPOINT %s", sp);
    if (xt_db_exec(a->db, sql) != 0) {
        xt_scratch_free(a);
        return -1;
    }
    rc = xt_batch_write(a, r, b, n, kind, em);
    xt_scratch_free(a);
    a->path[l] = '\0';
    if (rc == 0) {
        return 0;
    }

    /* replay one record at a time: the same rows, or the same error */
    memcpy(err, a->db->err, sizeof(err));
    errnum = a->db->errnum;
    snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT %s", sp);
    if (xt_db_exec(a->db, sql) != 0) {
        /* the server ended the transaction (deadlock, timeout): report
           what the batch ran into */
        memcpy(a->db->err, err, sizeof(err));
        a->db->errnum = errnum;
        xt_set_path(a, r->e, l, b);
        return -1;
    }
    for (i = b; i < b + n; i++) {
        if (xt_apply_one(a, r, i, parent_col, parent_id, st, l) != 0) {
            return -1;
        }
    }
    return 0;
}


static int
xt_apply_list(xt_actx_t *a, xt_recs_t *r, const char *parent_col,
    long long parent_id)
{
    const xt_entity_t  *e = r->e;
    MYSQL_STMT         *st;
    xt_ement_t         *em = NULL;
    size_t              i, end, l = strlen(a->path);
    int                 kind = xt_batch_kind(e), rc = -1;

    st = xt_upsert_stmt(a->db, e, parent_col);
    if (st == NULL) {
        return -1;
    }
    if (kind != XB_NONE && r->n > 1) {
        em = xt_ement(a, e, parent_col, kind);
        if (em == NULL) {
            goto out;
        }
    }
    for (i = 0; i < r->n; i = end) {
        if (em) {
            if (xt_apply_batch(a, r, parent_col, parent_id, i, &end, st, l,
                               kind, em) != 0)
            {
                goto out;
            }
        } else {
            if (xt_apply_one(a, r, i, parent_col, parent_id, st, l) != 0) {
                goto out;
            }
            end = i + 1;
        }
    }
    rc = 0;

out:
    mysql_stmt_close(st);
    return rc;
}


static int
xt_apply_settings(xt_actx_t *a, yajl_val s)
{
    MYSQL_STMT  *st = xt_q(a, Q_SETTING);
    xt_binds_t   bs;
    size_t       i;

    if (st == NULL) {
        return -1;
    }
    for (i = 0; i < s->u.object.len; i++) {
        snprintf(a->path, sizeof(a->path), "settings.%.64s",
                 s->u.object.keys[i]);
        xt_binds_reset(&bs);
        xt_bind_cstr(&bs, s->u.object.keys[i]);
        xt_bind_cstr(&bs, s->u.object.values[i]->u.string);
        if (xt_db_run(a->db, st, &bs) != 0) {
            return -1;
        }
    }
    a->path[0] = '\0';
    return 0;
}


/* what the change triggers would have counted, once per domain written:
   a domain moves when the document has rows for it */
static int
xt_bump_counters(xt_db_t *db, const xt_import_t *im)
{
    int       dom[3] = { 0, 0, 0 };     /* lines, catalog, epg */
    unsigned  k;

    static const char *const  sql[3] = {
        "UPDATE change_counters SET counter = counter + 1 "
            "WHERE domain = 'lines'",
        "UPDATE change_counters SET counter = counter + 1 "
            "WHERE domain = 'catalog'",
        "UPDATE change_counters SET counter = counter + 1 "
            "WHERE domain = 'epg'",
    };

    if (im->settings && im->settings->u.object.len) {
        dom[1] = 1;
    }
    for (k = 0; k < XT_E_COUNT; k++) {
        if (im->lists[k] && im->lists[k]->n) {
            dom[k == XT_E_LINES ? 0 : k >= XT_E_EPG_CHANNELS ? 2 : 1] = 1;
        }
    }
    for (k = 0; k < 3; k++) {
        if (dom[k] && xt_db_exec(db, sql[k]) != 0) {
            return -1;
        }
    }
    return 0;
}


int
xt_import_apply(xt_db_t *db, xt_import_t *im, char *err, size_t errlen,
    int *bad_input)
{
    xt_actx_t  a;
    unsigned   k;
    int        rc = -1, oom = 0, bulk = 0;

    memset(&a, 0, sizeof(a));
    a.db = db;
    a.now = im->now;
    a.g = xt_gen_new();
    *bad_input = 0;
    xt_mbinds_init(&a.mb);
    for (k = 0; k < M_COUNT; k++) {
        xt_mbinds_init(&a.cb[k]);
        a.m[k].ncols = xt_multi_sql[k].ncols;
        a.m[k].head = strdup(xt_multi_sql[k].head);
        a.m[k].row = strdup(xt_multi_sql[k].row);
        a.m[k].tail = strdup(xt_multi_sql[k].tail);
        if (a.m[k].head == NULL || a.m[k].row == NULL || a.m[k].tail == NULL) {
            oom = 1;
        }
    }
    if (a.g == NULL || oom) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    if (xt_db_begin(db) != 0) {
        snprintf(err, errlen, "%s", db->err);
        goto done;
    }
    /* the change triggers (sql/migrations/003) skip their per-row bump in
       this session: xt_bump_counters() bumps once before COMMIT */
    bulk = 1;
    if (xt_db_exec(db, "SET @xt_bulk = 1") != 0) {
        goto fail;
    }
    if (im->settings && xt_apply_settings(&a, im->settings) != 0) {
        goto fail;
    }
    for (k = 0; k < XT_E_COUNT; k++) {
        if (im->lists[k] == NULL) {
            continue;
        }
        a.path[0] = '\0';
        if (k >= XT_E_EPG_CHANNELS) {
            snprintf(a.path, sizeof(a.path), "epg");
        }
        if (xt_apply_list(&a, im->lists[k], NULL, 0) != 0) {
            goto fail;
        }
    }
    a.path[0] = '\0';
    if (xt_bump_counters(db, im) != 0 || xt_db_commit(db) != 0) {
        goto fail;
    }
    rc = 0;
    goto done;

fail:
    /* references to missing rows, values the column refuses: the
       document's fault, not the server's */
    switch (db->errnum) {
    case ER_NO_REFERENCED_ROW_2:
    case ER_NO_REFERENCED_ROW:
    case ER_DUP_ENTRY:
    case ER_DATA_TOO_LONG:
    case ER_WARN_DATA_OUT_OF_RANGE:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
        a.bad_input = 1;
        break;
    }
    snprintf(err, errlen, "%s: %s", a.path[0] ? a.path : "(document)",
             db->err);
    xt_db_rollback(db);
    *bad_input = a.bad_input;

done:
    if (bulk) {
        (void) xt_db_exec(db, "SET @xt_bulk = NULL");
    }
    for (k = 0; k < Q_COUNT; k++) {
        if (a.q[k]) {
            mysql_stmt_close(a.q[k]);
        }
    }
    for (k = 0; k < M_COUNT; k++) {
        xt_multi_free(&a.m[k]);
        xt_mbinds_free(&a.cb[k]);
    }
    for (k = 0; k < a.nement; k++) {
        xt_multi_free(&a.ement[k].up);
        xt_multi_free(&a.ement[k].chk);
    }
    xt_mbinds_free(&a.mb);
    xt_scratch_free(&a);
    free(a.scratch);
    if (a.g) {
        yajl_gen_free(a.g);
    }
    return rc;
}
