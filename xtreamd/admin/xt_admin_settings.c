/* /admin/api/settings: the settings name -> value map (catalog snapshot). */
#include <string.h>

#include "xt_json_gen.h"
#include "xt_settings.h"
#include "admin/xt_admin_fields.h"
#include "admin/xt_admin_sql.h"

#define XT_SETTING_VALUE_MAX  1024


static int
xt_setting_cb(void *ctx, xt_row_t *r)
{
    yajl_gen  g = ctx;

    xt_gen_strn(g, r->sval[0], r->len[0]);
    if (xt_gen_strn(g, r->sval[1], r->len[1]) != yajl_gen_status_ok) {
        xt_gen_cstr(g, "");
    }
    return 0;
}


static int
xt_settings_emit(xt_admin_req_t *rq)
{
    xt_row_t  r;
    int       rc;

    xt_row_init(&r);
    xt_row_str(&r, 64);
    xt_row_str(&r, XT_SETTING_VALUE_MAX);
    yajl_gen_map_open(rq->g);
    xt_gen_key(rq->g, "items");
    yajl_gen_map_open(rq->g);
    rc = xt_sql_each(rq, "SELECT name, value FROM settings ORDER BY name",
                     NULL, &r, xt_setting_cb, rq->g);
    xt_row_free(&r);
    if (rc < 0) {
        return -1;
    }
    yajl_gen_map_close(rq->g);
    yajl_gen_map_close(rq->g);
    return 0;
}


int
xt_admin_settings(xt_admin_req_t *rq)
{
    yajl_val    body = rq->json, v;
    size_t      i, j, n;
    const char *k;
    char        why[160];
    xt_binds_t  bs;

    if (rq->nseg != 1) {
        return xt_admin_err(rq, 404, "not_found", NULL, "no such path");
    }
    if (strcmp(rq->method, "GET") == 0) {
        if (rq->nq) {
            return xt_admin_err(rq, 400, "bad_param", rq->qk[0],
                                "settings take no query parameters");
        }
        return xt_settings_emit(rq);
    }
    if (strcmp(rq->method, "PATCH") != 0 && strcmp(rq->method, "PUT") != 0) {
        rq->allow = "GET, PATCH";
        return xt_admin_err(rq, 405, "method_not_allowed", NULL,
                            "settings take GET and PATCH");
    }
    /* all checked before anything is written */
    for (i = 0; i < body->u.object.len; i++) {
        k = body->u.object.keys[i];
        v = body->u.object.values[i];
        if (!xt_check_setting_name(k, strlen(k))) {
            return xt_admin_err(rq, 400, "bad_field", k, "%.64s: names are "
                                "1..64 characters of [a-z0-9_]", k);
        }
        for (j = 0; j < i; j++) {
            if (strcmp(body->u.object.keys[j], k) == 0) {
                return xt_admin_err(rq, 400, "bad_field", k,
                                    "%s: given twice", k);
            }
        }
        if (YAJL_IS_NULL(v)) {
            continue;
        }
        n = YAJL_IS_STRING(v) ? strlen(v->u.string) : 0;
        if (!YAJL_IS_STRING(v) || n > XT_SETTING_VALUE_MAX
            || !xt_text_ok(v->u.string, n, 0))
        {
            return xt_admin_err(rq, 400, "bad_field", k, "%s: a string of at "
                                "most %d printable bytes, or null", k,
                                XT_SETTING_VALUE_MAX);
        }
        /* known names, valid values (docs/SETTINGS.md); null above still
           deletes any name, so a stale one can be cleaned away */
        if (xt_setting_check(k, v->u.string, n, why, sizeof(why)) != 0) {
            return xt_admin_err(rq, 400, "bad_field", k, "%s: %s", k, why);
        }
    }
    for (i = 0; i < body->u.object.len; i++) {
        k = body->u.object.keys[i];
        v = body->u.object.values[i];
        xt_binds_reset(&bs);
        xt_bind_cstr(&bs, k);
        if (YAJL_IS_NULL(v)) {
            if (xt_sql_exec(rq, "DELETE FROM settings WHERE name = ?", &bs,
                            k) < 0)
            {
                return -1;
            }
            continue;
        }
        xt_bind_cstr(&bs, v->u.string);
        if (xt_sql_exec(rq, "INSERT INTO settings (name, value) VALUES (?, ?) "
                        "ON DUPLICATE KEY UPDATE value = VALUES(value)", &bs,
                        k) < 0)
        {
            return -1;
        }
    }
    if (xt_admin_audit(rq, "update", "settings", 0, NULL) != 0) {
        return -1;
    }
    return xt_settings_emit(rq);
}
