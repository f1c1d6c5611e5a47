/*
 * Import, step 2: write a validated document in one transaction.  One
 * prepared upsert per entity, reused for every record; child rows
 * (sources, bouquet items, ...) are replaced when their key is present.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysqld_error.h>

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

typedef struct {
    xt_db_t      *db;
    MYSQL_STMT   *q[Q_COUNT];
    char         *scratch[XT_BIND_MAX];
    unsigned      nscratch;
    long long     now;
    char          path[256];
    int           bad_input;
    yajl_gen      g;
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

    if (a->nscratch == XT_BIND_MAX || (p = malloc(n + 1)) == NULL) {
        return NULL;
    }
    a->scratch[a->nscratch++] = p;
    return p;
}


/* "INSERT INTO t (cols) VALUES (?...) ON DUPLICATE KEY UPDATE ..." from
   the field table; parent_col (child entities) comes first */
static MYSQL_STMT *
xt_upsert_stmt(xt_db_t *db, const xt_entity_t *e, const char *parent_col)
{
    char         cols[2048], vals[512], upd[4096];
    size_t       nc = 0, nv = 0, nu = 0;
    unsigned     i, j, ncols;
    const char  *names[2];

#define ADD(buf, n, ...) \
    n += (size_t) snprintf(buf + n, sizeof(buf) - n, __VA_ARGS__)

    if (parent_col) {
        ADD(cols, nc, "`%s`", parent_col);
        ADD(vals, nv, "?");
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

    {
        char  sql[8192];
        snprintf(sql, sizeof(sql), "INSERT INTO `%s` (%s) VALUES (%s) "
                 "ON DUPLICATE KEY UPDATE %s", e->table, cols, vals, upd);
        return xt_db_prepare(db, sql);
    }
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
                    || (sf->type == XT_F_STR
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
                   || f->type == XT_F_CRED)
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


static int
xt_apply_list(xt_actx_t *a, xt_recs_t *r, const char *parent_col,
    long long parent_id)
{
    const xt_entity_t  *e = r->e;
    MYSQL_STMT         *st;
    xt_binds_t          bs;
    size_t              i, l = strlen(a->path);
    unsigned            j;
    long long           id, got;
    my_ulonglong        affected;
    int                 rc = -1;

    st = xt_upsert_stmt(a->db, e, parent_col);
    if (st == NULL) {
        return -1;
    }
    for (i = 0; i < r->n; i++) {
        snprintf(a->path + l, sizeof(a->path) - l, "%s%s[%zu]",
                 l ? "." : "", e->name, i);

        /* programmes have no natural key: replace by (channel, start) */
        if (strcmp(e->table, "epg_programmes") == 0) {
            MYSQL_STMT  *del = xt_q(a, Q_PROG_DEL);
            if (del == NULL) {
                goto out;
            }
            xt_binds_reset(&bs);
            xt_bind_str(&bs, XT_VAL(r, i, 0)->s, XT_VAL(r, i, 0)->len);
            xt_bind_int(&bs, XT_VAL(r, i, 1)->i);
            if (xt_db_run(a->db, del, &bs) != 0) {
                goto out;
            }
        }

        xt_binds_reset(&bs);
        if (parent_col) {
            xt_bind_int(&bs, parent_id);
        }
        for (j = 0; j < e->nfields; j++) {
            if (e->fields[j].store != XT_S_CHILD
                && xt_bind_field(a, &bs, &e->fields[j], XT_VAL(r, i, j)) != 0)
            {
                snprintf(a->db->err, sizeof(a->db->err), "%s: cannot "
                         "render (out of memory?)", e->fields[j].key);
                a->db->errnum = 0;
                xt_scratch_free(a);
                goto out;
            }
        }
        if (xt_db_run(a->db, st, &bs) != 0) {
            xt_scratch_free(a);
            goto out;
        }
        xt_scratch_free(a);

        affected = mysql_stmt_affected_rows(st);
        got = (long long) mysql_stmt_insert_id(st);
        id = e->has_id ? XT_VAL(r, i, 0)->i : got;
        /* affected: 1 inserted, 2 updated, 0 unchanged (then MariaDB
           reports no id, and the row is taken as the one named by id) */
        if (!e->has_id && affected == 0) {
            if (xt_line_lookup(a, r, i, &got) != 0) {
                goto out;
            }
            id = got;
        }
        if (e->has_id && affected == 2 && got != id) {
            /* the upsert hit another unique key (a name) of row "got" */
            snprintf(a->db->err, sizeof(a->db->err), "name already used by "
                     "id %lld", got);
            a->db->errnum = 0;
            a->bad_input = 1;
            goto out;
        }
        if (xt_apply_children(a, r, i, id, affected != 1) != 0) {
            goto out;
        }
        a->path[l] = '\0';
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


int
xt_import_apply(xt_db_t *db, xt_import_t *im, char *err, size_t errlen,
    int *bad_input)
{
    xt_actx_t  a;
    unsigned   k;
    int        rc = -1;

    memset(&a, 0, sizeof(a));
    a.db = db;
    a.now = im->now;
    a.g = xt_gen_new();
    *bad_input = 0;
    if (a.g == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (xt_db_begin(db) != 0) {
        snprintf(err, errlen, "%s", db->err);
        goto done;
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
    if (xt_db_commit(db) != 0) {
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
    for (k = 0; k < Q_COUNT; k++) {
        if (a.q[k]) {
            mysql_stmt_close(a.q[k]);
        }
    }
    yajl_gen_free(a.g);
    return rc;
}
