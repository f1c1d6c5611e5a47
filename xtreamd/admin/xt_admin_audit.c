/*
 * The audit log: one admin_audit row per change, written by the handler
 * inside the change's own transaction (a rolled-back change leaves no
 * row), and the GET /audit list.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "xt_json_gen.h"
#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"
#include "admin/xt_admin_sql.h"

#define XT_AUDIT_DETAIL_MAX  8192


static int
xt_secret_key(const char *k)
{
    return strcmp(k, "password") == 0 || strcmp(k, "stream_key") == 0;
}


/* the body with secrets replaced by "***" */
static void
xt_gen_sanitised(yajl_gen g, yajl_val v)
{
    size_t  i;

    if (v && YAJL_IS_OBJECT(v)) {
        yajl_gen_map_open(g);
        for (i = 0; i < v->u.object.len; i++) {
            xt_gen_cstr(g, v->u.object.keys[i]);
            if (xt_secret_key(v->u.object.keys[i])
                && !YAJL_IS_NULL(v->u.object.values[i]))
            {
                xt_gen_cstr(g, "***");
            } else {
                xt_gen_sanitised(g, v->u.object.values[i]);
            }
        }
        yajl_gen_map_close(g);
    } else {
        xt_gen_tree(g, v);
    }
}


int
xt_admin_audit(xt_admin_req_t *rq, const char *action, const char *resource,
    long long id, const char *id_str)
{
    char                  idb[32], who[96];
    const unsigned char  *buf = NULL;
    size_t                len = 0;
    yajl_gen              g = NULL;
    xt_binds_t            bs;
    long long             n;

    if (id_str == NULL) {
        snprintf(idb, sizeof(idb), "%lld", id);
        id_str = id ? idb : "";
    }
    if (rq->json && rq->json->u.object.len) {
        g = xt_gen_new();
        if (g) {
            xt_gen_sanitised(g, rq->json);
            yajl_gen_get_buf(g, &buf, &len);
            if (len > XT_AUDIT_DETAIL_MAX) {
                /* huge bodies (long plots, many ids): keep the fact */
                buf = (const unsigned char *) "{\"truncated\":true}";
                len = strlen((const char *) buf);
            }
        }
    }
    snprintf(who, sizeof(who), "%s", rq->admin_name[0] ? rq->admin_name : "?");

    xt_binds_reset(&bs);
    xt_bind_int(&bs, (long long) time(NULL));
    xt_bind_cstr(&bs, who);
    xt_bind_cstr(&bs, rq->address);
    xt_bind_cstr(&bs, action);
    xt_bind_cstr(&bs, resource);
    xt_bind_cstr(&bs, id_str);
    if (buf) {
        xt_bind_str(&bs, buf, len);
    } else {
        xt_bind_null(&bs);
    }
    n = xt_sql_exec(rq, "INSERT INTO admin_audit (at, admin, address, action, "
                    "resource, resource_id, detail) VALUES (?, ?, ?, ?, ?, ?, "
                    "?)", &bs, NULL);
    if (g) {
        yajl_gen_free(g);
    }
    return n < 0 ? -1 : 0;
}


static const xt_field_t  xt_audit_fields[] = {
    { .name = "at", .col = "at", .type = XF_INT, .flags = XF_RO },
    { .name = "admin", .col = "admin", .type = XF_STR,
      .flags = XF_RO | XF_SEARCH, .max = 80 },
    { .name = "address", .col = "address", .type = XF_STR, .flags = XF_RO,
      .max = 64 },
    { .name = "action", .col = "action", .type = XF_STR, .flags = XF_RO,
      .max = 16 },
    { .name = "resource", .col = "resource", .type = XF_STR, .flags = XF_RO,
      .max = 32 },
    { .name = "resource_id", .col = "resource_id", .type = XF_STR,
      .flags = XF_RO, .max = 64 },
    { .name = NULL }
};


static int
xt_audit_filter(xt_admin_req_t *rq, const char *k, const char *v,
    char *where, size_t wlen, xt_binds_t *bs)
{
    long long  t;
    size_t     i;

    if (strcmp(k, "resource") == 0 || strcmp(k, "resource_id") == 0) {
        if (v == NULL) {
            return 1;
        }
        if (strlen(v) > 64 || !xt_text_ok(v, strlen(v), 0)) {
            return xt_admin_err(rq, 400, "bad_param", k, "%s: at most 64 "
                                "printable bytes", k);
        }
        snprintf(where, wlen, " AND %s = ?", k);
        xt_bind_cstr(bs, v);
        return 1;
    }
    if (strcmp(k, "since") == 0) {
        if (v == NULL) {
            return 1;
        }
        t = 0;
        for (i = 0; v[i]; i++) {
            if (v[i] < '0' || v[i] > '9' || i > 15) {
                return xt_admin_err(rq, 400, "bad_param", k,
                                    "since: unix seconds");
            }
            t = t * 10 + (v[i] - '0');
        }
        if (i == 0) {
            return xt_admin_err(rq, 400, "bad_param", k, "since: unix seconds");
        }
        snprintf(where, wlen, " AND at >= ?");
        xt_bind_int(bs, t);
        return 1;
    }
    return 0;
}


/* detail is stored JSON text: emitted as an object again */
static int
xt_audit_emit(xt_admin_req_t *rq, long long id)
{
    xt_binds_t  bs;
    xt_row_t    r;
    int         rc;
    yajl_val    t = NULL;
    char        err[64];

    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    xt_row_init(&r);
    xt_row_str(&r, XT_AUDIT_DETAIL_MAX + 64);
    rc = xt_sql_row(rq, "SELECT detail FROM admin_audit WHERE id = ?", &bs,
                    &r);
    xt_gen_key(rq->g, "detail");
    if (rc == 1 && !r.isnull[0]) {
        r.sval[0][r.len[0]] = '\0';
        t = yajl_tree_parse(r.sval[0], err, sizeof(err));
    }
    xt_gen_tree(rq->g, t);
    if (t) {
        yajl_tree_free(t);
    }
    xt_row_free(&r);
    return rc < 0 ? -1 : 0;
}


static const xt_res_t  xt_audit_res = {
    .name = "audit",
    .from = "admin_audit",
    .id_col = "id",
    .fields = xt_audit_fields,
    .order = "id DESC",
    .emit = xt_audit_emit,
    .filter = xt_audit_filter,
};


int
xt_admin_audit_list(xt_admin_req_t *rq)
{
    return xt_admin_crud(rq, &xt_audit_res);
}
