#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_json_gen.h"
#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"
#include "admin/xt_admin_sql.h"

#define XT_SQL_MAX    8192
#define XT_LIST_MAX   500
#define XT_STR_CAP    65535


/* ---- reading rows ---------------------------------------------------- */

static int
xt_crud_is_str(const xt_field_t *f)
{
    return f->type != XF_INT && f->type != XF_NINT && f->type != XF_BOOL
           && f->type != XF_REF;
}


static size_t
xt_crud_cap(const xt_field_t *f)
{
    if (f->type == XF_TEXT || f->type == XF_JSONARR || f->type == XF_CSV
        || f->type == XF_IDLIST || f->type == XF_STRLIST
        || f->type == XF_JSONOBJ)
    {
        return XT_STR_CAP;
    }
    if (f->type == XF_DEC || f->type == XF_ENUM || f->type == XF_SET) {
        return 64;
    }
    return f->max > 0 && f->max < XT_STR_CAP ? (size_t) f->max * 4 + 4
                                             : XT_STR_CAP;
}


/* "SELECT id, cols FROM from" into sql; row set up to match */
static int
xt_crud_select(const xt_res_t *res, char *sql, size_t len, xt_row_t *r)
{
    const xt_field_t  *f;
    size_t             n;

    xt_row_init(r);
    n = (size_t) snprintf(sql, len, "SELECT %s", res->id_col);
    xt_row_int(r);
    for (f = res->fields; f->name; f++) {
        n += (size_t) snprintf(sql + n, len - n, ", %s", f->col);
        if (xt_crud_is_str(f)) {
            if (xt_row_str(r, xt_crud_cap(f)) != 0) {
                return -1;
            }
        } else {
            xt_row_int(r);
        }
    }
    snprintf(sql + n, len - n, " FROM %s", res->from);
    return 0;
}


/* a joined list as a JSON array of strings, or of integers (ints) */
static void
xt_crud_emit_split(yajl_gen g, const char *s, size_t len, char sep, int ints)
{
    const char  *p = s, *e = s + len, *c;

    yajl_gen_array_open(g);
    while (p < e) {
        c = memchr(p, sep, (size_t) (e - p));
        if (c == NULL) {
            c = e;
        }
        if (c > p) {
            if (ints) {
                yajl_gen_number(g, p, (size_t) (c - p));   /* digits from SQL */
            } else {
                xt_gen_strn(g, p, (size_t) (c - p));
            }
        }
        p = c + 1;
    }
    yajl_gen_array_close(g);
}


typedef struct {
    xt_admin_req_t   *rq;
    const xt_res_t   *res;
    long long         count;
} xt_emit_ctx_t;


static int
xt_crud_emit_row(void *ctx, xt_row_t *r)
{
    xt_emit_ctx_t     *ec = ctx;
    yajl_gen           g = ec->rq->g;
    const xt_field_t  *f;
    unsigned           i = 1;
    long long          id = r->ival[0];

    yajl_gen_map_open(g);
    if (strcmp(ec->res->id_col, "NULL") != 0) {
        xt_gen_key(g, "id");
        yajl_gen_integer(g, id);
    }
    for (f = ec->res->fields; f->name; f++, i++) {
        xt_gen_key(g, f->name);
        if (r->isnull[i]) {
            if (f->type == XF_SET || f->type == XF_CSV
                || f->type == XF_JSONARR || f->type == XF_IDLIST
                || f->type == XF_STRLIST)
            {
                yajl_gen_array_open(g);
                yajl_gen_array_close(g);
            } else {
                yajl_gen_null(g);
            }
            continue;
        }
        switch (f->type) {
        case XF_BOOL:
            yajl_gen_bool(g, r->ival[i] != 0);
            break;
        case XF_INT:
        case XF_NINT:
        case XF_REF:
            yajl_gen_integer(g, r->ival[i]);
            break;
        case XF_DEC:
            yajl_gen_number(g, r->sval[i], r->len[i]);
            break;
        case XF_SET:
        case XF_CSV:
            xt_crud_emit_split(g, r->sval[i], r->len[i], ',', 0);
            break;
        case XF_IDLIST:
            xt_crud_emit_split(g, r->sval[i], r->len[i], ',', 1);
            break;
        case XF_STRLIST:
            xt_crud_emit_split(g, r->sval[i], r->len[i], '\n', 0);
            break;
        case XF_JSONOBJ:
            {
                yajl_val  t;
                char      err[64];

                r->sval[i][r->len[i]] = '\0';
                t = yajl_tree_parse(r->sval[i], err, sizeof(err));
                xt_gen_tree(g, t);
                if (t) {
                    yajl_tree_free(t);
                }
            }
            break;
        case XF_JSONARR:
            xt_gen_backdrop(g, r->sval[i], r->len[i]);
            break;
        default:
            if (xt_gen_strn(g, r->sval[i], r->len[i]) != yajl_gen_status_ok) {
                xt_gen_cstr(g, "");     /* stored text not UTF-8 */
            }
            break;
        }
    }
    if (ec->res->emit && ec->res->emit(ec->rq, id) != 0) {
        return -1;
    }
    yajl_gen_map_close(g);
    ec->count++;
    return 0;
}


int
xt_crud_emit_one(xt_admin_req_t *rq, const xt_res_t *res, long long id)
{
    char           sql[XT_SQL_MAX];
    size_t         n;
    xt_row_t       r;
    xt_binds_t     bs;
    xt_emit_ctx_t  ec = { rq, res, 0 };
    int            rc;

    if (xt_crud_select(res, sql, sizeof(sql), &r) != 0) {
        xt_row_free(&r);
        return xt_admin_err(rq, 503, "unavailable", NULL, "out of memory");
    }
    n = strlen(sql);
    snprintf(sql + n, sizeof(sql) - n, " WHERE %s = ?%s%s", res->id_col,
             res->scope ? " AND " : "", res->scope ? res->scope : "");
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    rc = xt_sql_each(rq, sql, &bs, &r, xt_crud_emit_row, &ec);
    xt_row_free(&r);
    if (rc < 0) {
        return -1;
    }
    if (ec.count == 0) {
        return xt_admin_err(rq, 404, "not_found", NULL, "%s %lld: not found",
                            res->name, id);
    }
    return 0;
}


int
xt_crud_exists(xt_admin_req_t *rq, const xt_res_t *res, long long id)
{
    char        sql[512];
    xt_binds_t  bs;
    long long   one;

    snprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE %s = ?%s%s FOR UPDATE",
             res->table, res->id_col, res->scope ? " AND " : "",
             res->scope ? res->scope : "");
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    return xt_sql_int(rq, sql, &bs, 0, &one);
}


/* ---- lists ------------------------------------------------------------ */

static int
xt_parse_q_int(xt_admin_req_t *rq, const char *k, const char *v,
    long long lo, long long hi, long long *out)
{
    long long  x = 0;
    size_t     i, n = strlen(v);

    if (n == 0 || n > 18) {
        goto bad;
    }
    for (i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9') {
            goto bad;
        }
        x = x * 10 + (v[i] - '0');
    }
    if (x < lo || x > hi) {
        goto bad;
    }
    *out = x;
    return 0;
bad:
    return xt_admin_err(rq, 400, "bad_param", k,
                        "%s: must be an integer %lld..%lld", k, lo, hi);
}


int
xt_admin_paging(xt_admin_req_t *rq, long long *limit, long long *offset)
{
    const char  *l = xt_admin_q(rq, "limit"), *o = xt_admin_q(rq, "offset");
    const char  *p = xt_admin_q(rq, "page");
    long long    page;

    *limit = 50;
    *offset = 0;
    if (l && xt_parse_q_int(rq, "limit", l, 1, XT_LIST_MAX, limit) != 0) {
        return -1;
    }
    if (o && p) {
        return xt_admin_err(rq, 400, "bad_param", "page",
                            "page: give offset or page, not both");
    }
    if (o && xt_parse_q_int(rq, "offset", o, 0, 1000000000, offset) != 0) {
        return -1;
    }
    if (p) {
        if (xt_parse_q_int(rq, "page", p, 1, 1000000, &page) != 0) {
            return -1;
        }
        *offset = (page - 1) * *limit;
    }
    return 0;
}


void
xt_admin_list_open(xt_admin_req_t *rq)
{
    yajl_gen_map_open(rq->g);
    xt_gen_key(rq->g, "items");
    yajl_gen_array_open(rq->g);
}


void
xt_admin_list_close(xt_admin_req_t *rq, long long total, long long limit,
    long long offset)
{
    yajl_gen_array_close(rq->g);
    xt_gen_key(rq->g, "total");
    yajl_gen_integer(rq->g, total);
    xt_gen_key(rq->g, "limit");
    yajl_gen_integer(rq->g, limit);
    xt_gen_key(rq->g, "offset");
    yajl_gen_integer(rq->g, offset);
    yajl_gen_map_close(rq->g);
}


static int
xt_crud_list(xt_admin_req_t *rq, const xt_res_t *res)
{
    const char         *allowed[XT_ADMIN_QMAX + 8];
    const xt_filter_t  *fl;
    const xt_field_t   *f, *search = NULL;
    char                where[2048], sql[XT_SQL_MAX], cnt[XT_SQL_MAX + 64];
    char                like[300];
    size_t              na = 0, wl, i, k, n;
    long long           limit, offset, total, iv;
    xt_binds_t          bs;
    xt_row_t            r;
    xt_emit_ctx_t       ec = { rq, res, 0 };
    const char         *v;
    int                 rc;

    allowed[na++] = "limit";
    allowed[na++] = "offset";
    allowed[na++] = "page";
    allowed[na++] = "q";
    for (fl = res->filters; fl && fl->param; fl++) {
        allowed[na++] = fl->param;
    }
    for (i = 0; i < rq->nq && res->filter; i++) {
        /* custom filters accept their own keys: checked below */
        for (k = 0; k < na; k++) {
            if (strcmp(allowed[k], rq->qk[i]) == 0) {
                break;
            }
        }
        if (k == na && na < XT_ADMIN_QMAX + 7) {
            xt_binds_reset(&bs);
            where[0] = '\0';
            rc = res->filter(rq, rq->qk[i], NULL, where, sizeof(where), &bs);
            if (rc < 0) {
                return -1;
            }
            if (rc == 1) {
                allowed[na++] = rq->qk[i];
            }
        }
    }
    allowed[na] = NULL;
    if (xt_admin_q_check(rq, allowed) != 0
        || xt_admin_paging(rq, &limit, &offset) != 0)
    {
        return -1;
    }

    for (f = res->fields; f->name; f++) {
        if (f->flags & XF_SEARCH) {
            search = f;
            break;
        }
    }

    xt_binds_reset(&bs);
    wl = (size_t) snprintf(where, sizeof(where), " WHERE 1 = 1%s%s",
                           res->scope ? " AND " : "",
                           res->scope ? res->scope : "");
    v = xt_admin_q(rq, "q");
    if (v && v[0]) {
        if (search == NULL || strlen(v) > 128 || !xt_text_ok(v, strlen(v), 0))
        {
            return xt_admin_err(rq, 400, "bad_param", "q", search
                                ? "q: at most 128 printable bytes"
                                : "q: this list has no search");
        }
        /* LIKE metacharacters are matched literally */
        n = 0;
        like[n++] = '%';
        for (i = 0; v[i] && n < sizeof(like) - 3; i++) {
            if (v[i] == '%' || v[i] == '_' || v[i] == '\\') {
                like[n++] = '\\';
            }
            like[n++] = v[i];
        }
        like[n++] = '%';
        like[n] = '\0';
        wl += (size_t) snprintf(where + wl, sizeof(where) - wl,
                                " AND LOWER(%s) LIKE LOWER(?)", search->col);
        xt_bind_cstr(&bs, like);
    }
    for (fl = res->filters; fl && fl->param; fl++) {
        v = xt_admin_q(rq, fl->param);
        if (v == NULL) {
            continue;
        }
        if (fl->type == XQ_INT) {
            if (xt_parse_q_int(rq, fl->param, v, 0, 9000000000000000000LL, &iv)
                != 0)
            {
                return -1;
            }
            xt_bind_int(&bs, iv);
        } else if (fl->type == XQ_BOOL) {
            if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
                return xt_admin_err(rq, 400, "bad_param", fl->param,
                                    "%s: must be true or false", fl->param);
            }
            xt_bind_int(&bs, v[0] == 't');
        } else {
            for (k = 0; fl->enums[k]; k++) {
                if (strcmp(fl->enums[k], v) == 0) {
                    break;
                }
            }
            if (fl->enums[k] == NULL) {
                return xt_admin_err(rq, 400, "bad_param", fl->param,
                                    "%s: not an allowed value", fl->param);
            }
            xt_bind_cstr(&bs, fl->enums[k]);
        }
        wl += (size_t) snprintf(where + wl, sizeof(where) - wl, " AND %s",
                                fl->sql);
    }
    for (i = 0; i < rq->nq && res->filter; i++) {
        if (strcmp(rq->qk[i], "q") == 0 || strcmp(rq->qk[i], "limit") == 0
            || strcmp(rq->qk[i], "offset") == 0
            || strcmp(rq->qk[i], "page") == 0)
        {
            continue;
        }
        rc = res->filter(rq, rq->qk[i], rq->qv[i], where + wl,
                         sizeof(where) - wl, &bs);
        if (rc < 0) {
            return -1;
        }
        wl += strlen(where + wl);
    }

    snprintf(cnt, sizeof(cnt), "SELECT COUNT(*) FROM %s%s", res->from, where);
    if (xt_sql_int(rq, cnt, &bs, 0, &total) < 0) {
        return -1;
    }

    if (xt_crud_select(res, sql, sizeof(sql), &r) != 0) {
        xt_row_free(&r);
        return xt_admin_err(rq, 503, "unavailable", NULL, "out of memory");
    }
    n = strlen(sql);
    snprintf(sql + n, sizeof(sql) - n, "%s ORDER BY %s LIMIT ? OFFSET ?",
             where, res->order);
    xt_bind_int(&bs, limit);
    xt_bind_int(&bs, offset);
    xt_admin_list_open(rq);
    rc = xt_sql_each(rq, sql, &bs, &r, xt_crud_emit_row, &ec);
    xt_row_free(&r);
    if (rc < 0) {
        return -1;
    }
    xt_admin_list_close(rq, total, limit, offset);
    return 0;
}


/* ---- writing ---------------------------------------------------------- */

/* validated values, alive until the statement ran */
typedef struct {
    char   *owned[64];
    size_t  nowned;
} xt_keep_t;


static void
xt_keep_free(xt_keep_t *k)
{
    while (k->nowned) {
        free(k->owned[--k->nowned]);
    }
}


static char *
xt_keep(xt_keep_t *k, size_t n)
{
    char  *p;

    if (k->nowned == sizeof(k->owned) / sizeof(k->owned[0])) {
        return NULL;
    }
    p = malloc(n);
    if (p) {
        k->owned[k->nowned++] = p;
    }
    return p;
}


static int
xt_in(const char *const *list, const char *s)
{
    size_t  i;

    for (i = 0; list[i]; i++) {
        if (strcmp(list[i], s) == 0) {
            return (int) i;
        }
    }
    return -1;
}


/* check one field's value and bind it */
static int
xt_crud_value(xt_admin_req_t *rq, const xt_field_t *f, yajl_val v,
    xt_binds_t *bs, xt_keep_t *keep)
{
    char        item[160];
    size_t      i, n, total;
    char       *buf;
    long long   one;
    xt_binds_t  rb;
    int         rc, seen[32];
    yajl_gen    g;
    const unsigned char *gb;
    size_t      gl;

    switch (f->type) {

    case XF_BOOL:
        if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v)) {
            return xt_admin_err(rq, 400, "bad_field", f->name,
                                "%s: must be true or false", f->name);
        }
        xt_bind_int(bs, YAJL_IS_TRUE(v));
        return 0;

    case XF_NINT:
    case XF_REF:
        if (YAJL_IS_NULL(v)) {
            xt_bind_null(bs);
            return 0;
        }
        /* fall through */
    case XF_INT:
        if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < f->min
            || YAJL_GET_INTEGER(v) > f->max)
        {
            return xt_admin_err(rq, 400, "bad_field", f->name,
                                "%s: must be an integer %lld..%lld%s",
                                f->name, f->min, f->max,
                                f->type == XF_INT ? "" : " or null");
        }
        if (f->type == XF_REF) {
            xt_binds_reset(&rb);
            xt_bind_int(&rb, YAJL_GET_INTEGER(v));
            rc = xt_sql_int(rq, f->ref, &rb, 0, &one);
            if (rc < 0) {
                return -1;
            }
            if (rc == 0) {
                return xt_admin_err(rq, 400, "bad_field", f->name,
                                    "%s: no such %s", f->name,
                                    f->hint ? f->hint : "row");
            }
        }
        xt_bind_int(bs, YAJL_GET_INTEGER(v));
        return 0;

    case XF_STR:
    case XF_TEXT:
        if (!YAJL_IS_STRING(v)) {
            return xt_admin_err(rq, 400, "bad_field", f->name,
                                "%s: must be a string", f->name);
        }
        n = strlen(v->u.string);
        if ((long long) n < f->min || (long long) n > f->max) {
            return xt_admin_err(rq, 400, "bad_field", f->name,
                                "%s: must be %lld..%lld bytes long", f->name,
                                f->min, f->max);
        }
        if (!xt_text_ok(v->u.string, n, f->type == XF_TEXT)) {
            return xt_admin_err(rq, 400, "bad_field", f->name,
                                "%s: control characters are not allowed",
                                f->name);
        }
        if (f->check && !f->check(v->u.string, n)) {
            return xt_admin_err(rq, 400, "bad_field", f->name, "%s: %s",
                                f->name, f->hint ? f->hint : "not valid");
        }
        xt_bind_str(bs, v->u.string, n);
        return 0;

    case XF_ENUM:
        if (!YAJL_IS_STRING(v) || xt_in(f->enums, v->u.string) < 0) {
            return xt_admin_err(rq, 400, "bad_field", f->name,
                                "%s: not an allowed value", f->name);
        }
        xt_bind_cstr(bs, v->u.string);
        return 0;

    case XF_SET:
    case XF_CSV:
        if (!YAJL_IS_ARRAY(v)
            || (f->type == XF_SET && v->u.array.len > 32))
        {
            return xt_admin_err(rq, 400, "bad_field", f->name,
                                "%s: must be an array of strings", f->name);
        }
        total = 0;
        memset(seen, 0, sizeof(seen));
        for (i = 0; i < v->u.array.len; i++) {
            yajl_val  it = v->u.array.values[i];

            snprintf(item, sizeof(item), "%s[%zu]", f->name, i);
            if (!YAJL_IS_STRING(it)) {
                return xt_admin_err(rq, 400, "bad_field", item,
                                    "%s: must be a string", item);
            }
            n = strlen(it->u.string);
            if (f->type == XF_SET) {
                rc = xt_in(f->enums, it->u.string);
                if (rc < 0 || rc >= 32 || seen[rc]++) {
                    return xt_admin_err(rq, 400, "bad_field", item,
                                        "%s: not an allowed value or repeated",
                                        item);
                }
            } else if (n == 0 || memchr(it->u.string, ',', n)
                       || !xt_text_ok(it->u.string, n, 0)
                       || (f->check && !f->check(it->u.string, n)))
            {
                return xt_admin_err(rq, 400, "bad_field", item, "%s: %s",
                                    item, f->hint ? f->hint
                                    : "non-empty, no comma");
            }
            total += n + 1;
        }
        if (f->type == XF_CSV && (long long) total > f->max + 1) {
            return xt_admin_err(rq, 400, "bad_field", f->name,
                                "%s: at most %lld bytes in all", f->name,
                                f->max);
        }
        buf = xt_keep(keep, total + 1);
        if (buf == NULL) {
            return xt_admin_err(rq, 503, "unavailable", NULL, "out of memory");
        }
        n = 0;
        for (i = 0; i < v->u.array.len; i++) {
            size_t l = strlen(v->u.array.values[i]->u.string);
            if (i) {
                buf[n++] = ',';
            }
            memcpy(buf + n, v->u.array.values[i]->u.string, l);
            n += l;
        }
        buf[n] = '\0';
        xt_bind_str(bs, buf, n);
        return 0;

    case XF_JSONARR:
        if (!YAJL_IS_ARRAY(v) || (long long) v->u.array.len > f->max) {
            return xt_admin_err(rq, 400, "bad_field", f->name,
                                "%s: must be an array of at most %lld strings",
                                f->name, f->max);
        }
        g = xt_gen_new();
        if (g == NULL) {
            return xt_admin_err(rq, 503, "unavailable", NULL, "out of memory");
        }
        yajl_gen_array_open(g);
        for (i = 0; i < v->u.array.len; i++) {
            yajl_val  it = v->u.array.values[i];

            snprintf(item, sizeof(item), "%s[%zu]", f->name, i);
            if (!YAJL_IS_STRING(it) || strlen(it->u.string) > 1024
                || !xt_text_ok(it->u.string, strlen(it->u.string), 0))
            {
                yajl_gen_free(g);
                return xt_admin_err(rq, 400, "bad_field", item,
                                    "%s: must be a string of at most 1024 "
                                    "bytes", item);
            }
            xt_gen_cstr(g, it->u.string);
        }
        yajl_gen_array_close(g);
        yajl_gen_get_buf(g, &gb, &gl);
        buf = xt_keep(keep, gl + 1);
        if (buf == NULL) {
            yajl_gen_free(g);
            return xt_admin_err(rq, 503, "unavailable", NULL, "out of memory");
        }
        memcpy(buf, gb, gl);
        buf[gl] = '\0';
        yajl_gen_free(g);
        xt_bind_str(bs, buf, gl);
        return 0;

    default:
        return xt_admin_err(rq, 400, "bad_field", f->name, "%s: read-only",
                            f->name);
    }
}


static const char *
xt_crud_unique(const xt_res_t *res)
{
    const xt_field_t  *f;

    for (f = res->fields; f->name; f++) {
        if (f->flags & XF_UNIQUE) {
            return f->name;
        }
    }
    return NULL;
}


/* keys of the body: fields, hooks' keys; nothing else */
static int
xt_crud_keys(xt_admin_req_t *rq, const xt_res_t *res, int create)
{
    const xt_field_t  *f;
    const char        *key;
    size_t             i, j, k;

    for (i = 0; i < rq->json->u.object.len; i++) {
        key = rq->json->u.object.keys[i];
        for (j = 0; j < i; j++) {
            if (strcmp(rq->json->u.object.keys[j], key) == 0) {
                return xt_admin_err(rq, 400, "bad_field", key,
                                    "%.64s: given twice", key);
            }
        }
        for (f = res->fields; f->name; f++) {
            if (strcmp(f->name, key) == 0) {
                break;
            }
        }
        for (k = 0; res->extra_keys && res->extra_keys[k]; k++) {
            if (strcmp(res->extra_keys[k], key) == 0) {
                break;
            }
        }
        if (res->extra_keys && res->extra_keys[k]) {
            continue;           /* the hooks' key (maybe also a view) */
        }
        if (f->name) {
            if (f->flags & XF_RO) {
                return xt_admin_err(rq, 400, "bad_field", key,
                                    "%.64s: read-only", key);
            }
            if (!create && (f->flags & XF_ONCE)) {
                return xt_admin_err(rq, 400, "bad_field", key,
                                    "%.64s: cannot be changed", key);
            }
            continue;
        }
        return xt_admin_err(rq, 400, "bad_field", key,
                            "%.64s: unknown field", key);
    }
    if (create) {
        for (f = res->fields; f->name; f++) {
            if ((f->flags & XF_REQ) && xt_field_get(rq->json, f->name) == NULL)
            {
                return xt_admin_err(rq, 400, "bad_field", f->name,
                                    "%s: required", f->name);
            }
        }
    }
    return 0;
}


static int
xt_crud_write(xt_admin_req_t *rq, const xt_res_t *res, long long id)
{
    const xt_field_t  *f;
    char               sql[XT_SQL_MAX];
    size_t             n, nv = 0;
    xt_binds_t         bs;
    xt_keep_t          keep;
    yajl_val           v;
    int                create = id == 0, rc = -1;
    long long          affected;

    if (res->table == NULL) {
        rq->allow = "GET";
        return xt_admin_err(rq, 405, "method_not_allowed", NULL,
                            "%s is read-only", res->name);
    }
    if (xt_crud_keys(rq, res, create) != 0) {
        return -1;
    }
    if (!create) {
        rc = xt_crud_exists(rq, res, id);
        if (rc <= 0) {
            return rc < 0 ? -1 : xt_admin_err(rq, 404, "not_found", NULL,
                                              "%s %lld: not found",
                                              res->name, id);
        }
    }
    if (res->validate && res->validate(rq, id, create) != 0) {
        return -1;
    }

    memset(&keep, 0, sizeof(keep));
    xt_binds_reset(&bs);
    rc = -1;
    if (create) {
        n = (size_t) snprintf(sql, sizeof(sql), "INSERT INTO %s (",
                              res->table);
    } else {
        n = (size_t) snprintf(sql, sizeof(sql), "UPDATE %s SET ", res->table);
    }
    for (f = res->fields; f->name; f++) {
        v = xt_field_get(rq->json, f->name);
        if (v == NULL || (f->flags & XF_RO)) {
            continue;
        }
        if (xt_crud_value(rq, f, v, &bs, &keep) != 0) {
            goto out;
        }
        n += (size_t) snprintf(sql + n, sizeof(sql) - n,
                               create ? "%s%s" : "%s%s = ?",
                               nv ? ", " : "", f->col);
        nv++;
    }
    if (create) {
        size_t  i;

        if (res->create_cols) {
            n += (size_t) snprintf(sql + n, sizeof(sql) - n, "%s%s",
                                   nv ? ", " : "", res->create_cols);
        }
        n += (size_t) snprintf(sql + n, sizeof(sql) - n, ") VALUES (");
        for (i = 0; i < nv; i++) {
            n += (size_t) snprintf(sql + n, sizeof(sql) - n, "%s?",
                                   i ? ", " : "");
        }
        if (res->create_vals) {
            n += (size_t) snprintf(sql + n, sizeof(sql) - n, "%s%s",
                                   nv ? ", " : "", res->create_vals);
        }
        snprintf(sql + n, sizeof(sql) - n, ")");
        if (xt_sql_exec(rq, sql, &bs, xt_crud_unique(res)) < 0) {
            goto out;
        }
        id = xt_sql_insert_id(rq);
        if (id == 0) {
            /* no AUTO_INCREMENT: the key is a body field (seasons) */
            v = xt_field_get(rq->json, res->id_col);
            id = v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
        }
    } else if (nv) {
        snprintf(sql + n, sizeof(sql) - n, " WHERE %s = ?", res->id_col);
        xt_bind_int(&bs, id);
        affected = xt_sql_exec(rq, sql, &bs, xt_crud_unique(res));
        if (affected < 0) {
            goto out;
        }
    }
    if (res->store && res->store(rq, id, create) != 0) {
        goto out;
    }
    if (xt_admin_audit(rq, create ? "create" : "update", res->name, id, NULL)
        != 0)
    {
        goto out;
    }
    rq->status = create ? 201 : 200;
    rc = xt_crud_emit_one(rq, res, id);
out:
    xt_keep_free(&keep);
    return rc;
}


static int
xt_crud_delete(xt_admin_req_t *rq, const xt_res_t *res, long long id)
{
    char        sql[512];
    xt_binds_t  bs;
    long long   n;

    if (res->table == NULL) {
        rq->allow = "GET";
        return xt_admin_err(rq, 405, "method_not_allowed", NULL,
                            "%s is read-only", res->name);
    }
    if (rq->json && rq->json->u.object.len) {
        return xt_admin_err(rq, 400, "bad_field", rq->json->u.object.keys[0],
                            "DELETE takes no body");
    }
    if (res->before_delete && res->before_delete(rq, id) != 0) {
        return -1;
    }
    snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s = ?%s%s", res->table,
             res->id_col, res->scope ? " AND " : "",
             res->scope ? res->scope : "");
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    n = xt_sql_exec(rq, sql, &bs, NULL);
    if (n < 0) {
        return -1;
    }
    if (n == 0) {
        return xt_admin_err(rq, 404, "not_found", NULL, "%s %lld: not found",
                            res->name, id);
    }
    if (xt_admin_audit(rq, "delete", res->name, id, NULL) != 0) {
        return -1;
    }
    yajl_gen_map_open(rq->g);
    xt_gen_key(rq->g, "deleted");
    yajl_gen_integer(rq->g, id);
    yajl_gen_map_close(rq->g);
    return 0;
}


int
xt_admin_crud(xt_admin_req_t *rq, const xt_res_t *res)
{
    const char  *m = rq->method;
    long long    id;

    if (rq->nseg == 1) {
        if (strcmp(m, "GET") == 0) {
            return xt_crud_list(rq, res);
        }
        if (strcmp(m, "POST") == 0 && res->table) {
            return xt_crud_write(rq, res, 0);
        }
        rq->allow = res->table ? "GET, POST" : "GET";
        return xt_admin_err(rq, 405, "method_not_allowed", NULL,
                            "%s takes %s", res->name, rq->allow);
    }
    id = xt_admin_seg_id(rq->seg[1]);
    if (id < 0) {
        return xt_admin_err(rq, 404, "not_found", NULL, "%s: bad id",
                            res->name);
    }
    if (rq->nseg == 2) {
        if (strcmp(m, "GET") == 0) {
            return xt_crud_emit_one(rq, res, id);
        }
        if ((strcmp(m, "PATCH") == 0 || strcmp(m, "PUT") == 0) && res->table)
        {
            return xt_crud_write(rq, res, id);
        }
        if (strcmp(m, "DELETE") == 0 && res->table) {
            return xt_crud_delete(rq, res, id);
        }
        rq->allow = res->table ? "GET, PATCH, DELETE" : "GET";
        return xt_admin_err(rq, 405, "method_not_allowed", NULL,
                            "%s/{id} takes %s", res->name, rq->allow);
    }
    if (rq->nseg == 3 && res->action) {
        if (strcmp(m, "POST") != 0) {
            rq->allow = "POST";
            return xt_admin_err(rq, 405, "method_not_allowed", NULL,
                                "actions take POST");
        }
        return res->action(rq, id, rq->seg[2]);
    }
    return xt_admin_err(rq, 404, "not_found", NULL, "no such path");
}


int
xt_admin_ids_exist(xt_admin_req_t *rq, const char *key, const long long *ids,
    size_t n, const char *sql)
{
    size_t      i;
    xt_binds_t  bs;
    long long   one;
    int         rc;
    char        f[160];

    for (i = 0; i < n; i++) {
        xt_binds_reset(&bs);
        xt_bind_int(&bs, ids[i]);
        rc = xt_sql_int(rq, sql, &bs, 0, &one);
        if (rc < 0) {
            return -1;
        }
        if (rc == 0) {
            snprintf(f, sizeof(f), "%s[%zu]", key, i);
            return xt_admin_err(rq, 400, "bad_field", f, "%s: no such id %lld",
                                f, ids[i]);
        }
    }
    return 0;
}


static int
xt_emit_id_cb(void *ctx, xt_row_t *r)
{
    yajl_gen_integer((yajl_gen) ctx, r->ival[0]);
    return 0;
}


int
xt_admin_emit_ids(xt_admin_req_t *rq, const char *key, const char *sql,
    long long id)
{
    xt_binds_t  bs;
    xt_row_t    r;

    xt_gen_key(rq->g, key);
    yajl_gen_array_open(rq->g);
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    xt_row_init(&r);
    xt_row_int(&r);
    if (xt_sql_each(rq, sql, &bs, &r, xt_emit_id_cb, rq->g) < 0) {
        return -1;
    }
    yajl_gen_array_close(rq->g);
    return 0;
}
