/*
 * /admin/api/lines: subscribers.  Passwords are write-only (the store keeps
 * salt + SHA-256, see docs/SECURITY.md); a generated one is shown
 * once.  Actions: password, extend, ban, unban, kill (a per-line kick
 * generation compiled into lines.snap ends the line's open connections).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "xt_json_gen.h"
#include "xt_secret.h"
#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"
#include "admin/xt_admin_sql.h"

#define XT_LINE_BOUQUETS_MAX  256
#define XT_EXP_MAX            253402300799LL     /* 9999-12-31 */

static const char *const  xt_line_status[] = {
    "active", "disabled", "banned", NULL
};
static const char *const  xt_line_outputs[] = { "ts", "m3u8", "rtmp", NULL };

static const xt_field_t  xt_line_fields[] = {
    { .name = "username", .col = "username", .type = XF_STR,
      .flags = XF_REQ | XF_UNIQUE | XF_SEARCH, .min = 1, .max = 64,
      .check = xt_check_username,
      .hint = "1..64 characters of [A-Za-z0-9._@-]" },
    { .name = "status", .col = "status", .type = XF_ENUM,
      .enums = xt_line_status },
    { .name = "exp_date", .col = "exp_date", .type = XF_NINT,
      .max = XT_EXP_MAX },
    { .name = "max_connections", .col = "max_connections", .type = XF_INT,
      .max = 1000000 },
    { .name = "is_trial", .col = "is_trial", .type = XF_BOOL, .max = 1 },
    { .name = "outputs", .col = "allowed_outputs", .type = XF_SET, .max = 3,
      .enums = xt_line_outputs },
    { .name = "allowed_ips", .col = "allowed_ips", .type = XF_CSV, .max = 1024,
      .check = xt_check_ip_item, .hint = "an IPv4/IPv6 address or CIDR" },
    { .name = "allowed_uas", .col = "allowed_uas", .type = XF_CSV,
      .max = 1024 },
    { .name = "message", .col = "message", .type = XF_STR, .max = 1024 },
    { .name = "notes", .col = "notes", .type = XF_TEXT, .max = 1024 },
    { .name = "created_at", .col = "created_at", .type = XF_INT,
      .flags = XF_RO },
    { .name = "kick", .col = "kick", .type = XF_INT, .flags = XF_RO },
    { .name = "expired",
      .col = "(exp_date IS NOT NULL AND exp_date < UNIX_TIMESTAMP())",
      .type = XF_BOOL, .flags = XF_RO },
    { .name = "connections", .col = "(SELECT COUNT(*) FROM live_connections c "
      "WHERE c.line_id = `lines`.id)", .type = XF_INT, .flags = XF_RO },
    { .name = "bouquets",
      .col = "(SELECT GROUP_CONCAT(b.bouquet_id ORDER BY b.sort_order, "
      "b.bouquet_id) FROM line_bouquets b WHERE b.line_id = `lines`.id)",
      .type = XF_IDLIST, .flags = XF_RO },
    { .name = NULL }
};

static const xt_filter_t  xt_line_filters[] = {
    { "bouquet", "id IN (SELECT line_id FROM line_bouquets "
      "WHERE bouquet_id = ?)", XQ_INT, NULL },
    { NULL, NULL, 0, NULL }
};

static const char *const  xt_line_extra[] = { "password", "bouquets", NULL };


static int
xt_line_password_ok(xt_admin_req_t *rq, yajl_val body, const char **pw)
{
    *pw = NULL;
    if (xt_field_str(rq, body, "password", 1, 64, 0, pw) != 0) {
        return -1;
    }
    if (*pw && !xt_credential_valid(*pw, strlen(*pw))) {
        return xt_admin_err(rq, 400, "bad_field", "password", "password: "
                            "1..64 characters of [A-Za-z0-9._@-] (it travels "
                            "in stream URLs)");
    }
    return 0;
}


/* hash pw (or a generated one when pw is NULL) into the line */
static int
xt_line_set_password(xt_admin_req_t *rq, long long id, const char *pw)
{
    uint8_t     salt[XT_SALT_LEN], hash[XT_HASH_LEN];
    xt_binds_t  bs;

    if (pw == NULL) {
        if (xt_secret_generate(rq->once_secret, 16) != 0) {
            return xt_admin_err(rq, 503, "unavailable", NULL, "no randomness");
        }
        pw = rq->once_secret;
    }
    if (xt_secret_make(pw, strlen(pw), salt, hash) != 0) {
        return xt_admin_err(rq, 503, "unavailable", NULL, "hashing failed");
    }
    xt_binds_reset(&bs);
    xt_bind_str(&bs, salt, sizeof(salt));
    xt_bind_str(&bs, hash, sizeof(hash));
    xt_bind_int(&bs, id);
    return xt_sql_exec(rq, "UPDATE `lines` SET password_salt = ?, "
                       "password_hash = ? WHERE id = ?", &bs, NULL) < 0
           ? -1 : 0;
}


static int
xt_line_validate(xt_admin_req_t *rq, long long id, int create)
{
    const char  *pw;
    long long    ids[XT_LINE_BOUQUETS_MAX];
    size_t       n;
    int          present;

    (void) id;
    (void) create;
    if (xt_line_password_ok(rq, rq->json, &pw) != 0
        || xt_field_ids(rq, rq->json, "bouquets", XT_LINE_BOUQUETS_MAX, ids,
                        &n, &present) != 0)
    {
        return -1;
    }
    return xt_admin_ids_exist(rq, "bouquets", ids, n,
                              "SELECT 1 FROM bouquets WHERE id = ?");
}


static int
xt_line_store(xt_admin_req_t *rq, long long id, int create)
{
    const char  *pw;
    long long    ids[XT_LINE_BOUQUETS_MAX];
    size_t       n, i;
    int          present;
    xt_binds_t   bs;

    (void) xt_line_password_ok(rq, rq->json, &pw);
    if ((pw || create) && xt_line_set_password(rq, id, pw) != 0) {
        return -1;
    }
    (void) xt_field_ids(rq, rq->json, "bouquets", XT_LINE_BOUQUETS_MAX, ids,
                        &n, &present);
    if (!present) {
        return 0;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    if (xt_sql_exec(rq, "DELETE FROM line_bouquets WHERE line_id = ?", &bs,
                    NULL) < 0)
    {
        return -1;
    }
    for (i = 0; i < n; i++) {
        xt_binds_reset(&bs);
        xt_bind_int(&bs, id);
        xt_bind_int(&bs, ids[i]);
        xt_bind_int(&bs, (long long) i);
        if (xt_sql_exec(rq, "INSERT INTO line_bouquets (line_id, bouquet_id, "
                        "sort_order) VALUES (?, ?, ?)", &bs, "bouquets") < 0)
        {
            return -1;
        }
    }
    return 0;
}


static int
xt_line_emit(xt_admin_req_t *rq, long long id)
{
    (void) id;
    if (rq->once_secret[0]) {
        xt_gen_key(rq->g, "password");
        xt_gen_cstr(rq->g, rq->once_secret);
    }
    return 0;
}


static int
xt_line_filter(xt_admin_req_t *rq, const char *k, const char *v,
    char *where, size_t wlen, xt_binds_t *bs)
{
    long long  secs = 0;
    size_t     i;

    if (strcmp(k, "status") == 0) {
        if (v == NULL) {
            return 1;
        }
        if (strcmp(v, "expired") == 0) {
            snprintf(where, wlen, " AND exp_date IS NOT NULL "
                     "AND exp_date < UNIX_TIMESTAMP()");
            return 1;
        }
        for (i = 0; xt_line_status[i]; i++) {
            if (strcmp(xt_line_status[i], v) == 0) {
                snprintf(where, wlen, " AND status = ?");
                xt_bind_cstr(bs, xt_line_status[i]);
                return 1;
            }
        }
        return xt_admin_err(rq, 400, "bad_param", "status", "status: active, "
                            "disabled, banned or expired");
    }
    if (strcmp(k, "expiring_within") == 0) {
        if (v == NULL) {
            return 1;
        }
        for (i = 0; v[i]; i++) {
            if (v[i] < '0' || v[i] > '9' || i >= 10) {
                return xt_admin_err(rq, 400, "bad_param", k,
                                    "expiring_within: seconds");
            }
            secs = secs * 10 + (v[i] - '0');
        }
        if (i == 0) {
            return xt_admin_err(rq, 400, "bad_param", k,
                                "expiring_within: seconds");
        }
        snprintf(where, wlen, " AND exp_date IS NOT NULL AND exp_date >= "
                 "UNIX_TIMESTAMP() AND exp_date <= UNIX_TIMESTAMP() + ?");
        xt_bind_int(bs, secs);
        return 1;
    }
    return 0;
}


static int xt_line_action(xt_admin_req_t *rq, long long id, const char *a);

static const xt_res_t  xt_lines_res = {
    .name = "lines",
    .from = "`lines`",
    .table = "`lines`",
    .id_col = "id",
    .fields = xt_line_fields,
    .filters = xt_line_filters,
    .extra_keys = xt_line_extra,
    .order = "id",
    .create_cols = "password_salt, password_hash, created_at",
    .create_vals = "UNHEX(REPEAT('00', 16)), UNHEX(REPEAT('00', 32)), "
                   "UNIX_TIMESTAMP()",
    .validate = xt_line_validate,
    .store = xt_line_store,
    .emit = xt_line_emit,
    .filter = xt_line_filter,
    .action = xt_line_action,
};


static int
xt_line_extend(xt_admin_req_t *rq, long long id)
{
    static const char *const  keys[] = { "days", "exp_date", NULL };
    long long                 days, exp, cur, now = (long long) time(NULL);
    int                       pd, pe, rc;
    xt_binds_t                bs;
    yajl_val                  ev;

    if (xt_fields_only(rq, rq->json, keys) != 0
        || xt_field_int(rq, rq->json, "days", 1, 3650, 0, &days, &pd) != 0)
    {
        return -1;
    }
    ev = xt_field_get(rq->json, "exp_date");
    pe = ev != NULL;
    if (pd == pe) {
        return xt_admin_err(rq, 400, "bad_field", "days",
                            "days: give days or exp_date");
    }
    xt_binds_reset(&bs);
    if (pe) {
        if (YAJL_IS_NULL(ev)) {
            xt_bind_null(&bs);
        } else if (xt_field_int(rq, rq->json, "exp_date", 0, XT_EXP_MAX, 1,
                                &exp, &pe) != 0)
        {
            return xt_admin_err(rq, 400, "bad_field", "exp_date", "exp_date: "
                                "unix seconds 0..%lld or null", XT_EXP_MAX);
        } else {
            xt_bind_int(&bs, exp);
        }
    } else {
        xt_binds_t  q;

        xt_binds_reset(&q);
        xt_bind_int(&q, id);
        rc = xt_sql_int(rq, "SELECT exp_date FROM `lines` WHERE id = ?", &q,
                        0, &cur);
        if (rc < 0) {
            return -1;
        }
        exp = (cur > now ? cur : now) + days * 86400;
        xt_bind_int(&bs, exp);
    }
    xt_bind_int(&bs, id);
    return xt_sql_exec(rq, "UPDATE `lines` SET exp_date = ? WHERE id = ?",
                       &bs, NULL) < 0 ? -1 : 0;
}


static int
xt_line_action(xt_admin_req_t *rq, long long id, const char *a)
{
    static const char *const  none[] = { NULL };
    static const char *const  pwk[] = { "password", NULL };
    xt_binds_t                bs;
    const char               *pw;
    long long                 kick;
    int                       rc;

    rc = xt_crud_exists(rq, &xt_lines_res, id);
    if (rc <= 0) {
        return rc < 0 ? -1 : xt_admin_err(rq, 404, "not_found", NULL,
                                          "lines %lld: not found", id);
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);

    if (strcmp(a, "password") == 0) {
        if (xt_fields_only(rq, rq->json, pwk) != 0
            || xt_line_password_ok(rq, rq->json, &pw) != 0)
        {
            return -1;
        }
        if (pw) {
            snprintf(rq->once_secret, sizeof(rq->once_secret), "%s", pw);
        }
        if (xt_line_set_password(rq, id, rq->once_secret[0]
                                 ? rq->once_secret : NULL) != 0
            || xt_admin_audit(rq, "password", "lines", id, NULL) != 0)
        {
            return -1;
        }
        yajl_gen_map_open(rq->g);
        xt_gen_key(rq->g, "id");
        yajl_gen_integer(rq->g, id);
        xt_gen_key(rq->g, "password");
        xt_gen_cstr(rq->g, rq->once_secret);
        yajl_gen_map_close(rq->g);
        return 0;
    }

    if (strcmp(a, "extend") == 0) {
        if (xt_line_extend(rq, id) != 0) {
            return -1;
        }
    } else if (strcmp(a, "ban") == 0 || strcmp(a, "unban") == 0) {
        if (xt_fields_only(rq, rq->json, none) != 0
            || xt_sql_exec(rq, a[0] == 'b'
                           ? "UPDATE `lines` SET status = 'banned' WHERE id = ?"
                           : "UPDATE `lines` SET status = 'active' WHERE id = ?",
                           &bs, NULL) < 0)
        {
            return -1;
        }
    } else if (strcmp(a, "kill") == 0) {
        if (xt_fields_only(rq, rq->json, none) != 0
            || xt_admin_line_kill(rq, id, &kick) != 0
            || xt_admin_audit(rq, "kill", "lines", id, NULL) != 0)
        {
            return -1;
        }
        yajl_gen_map_open(rq->g);
        xt_gen_key(rq->g, "id");
        yajl_gen_integer(rq->g, id);
        xt_gen_key(rq->g, "kick");
        yajl_gen_integer(rq->g, kick);
        yajl_gen_map_close(rq->g);
        return 0;
    } else {
        return xt_admin_err(rq, 404, "not_found", NULL, "lines: no action "
                            "\"%.32s\"", a);
    }
    if (xt_admin_audit(rq, a, "lines", id, NULL) != 0) {
        return -1;
    }
    return xt_crud_emit_one(rq, &xt_lines_res, id);
}


int
xt_admin_lines(xt_admin_req_t *rq)
{
    return xt_admin_crud(rq, &xt_lines_res);
}


int
xt_admin_line_kill(xt_admin_req_t *rq, long long id, long long *kick)
{
    xt_binds_t  bs;

    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    if (xt_sql_exec(rq, "UPDATE `lines` SET kick = kick + 1 WHERE id = ?",
                    &bs, NULL) < 0
        || xt_sql_int(rq, "SELECT kick FROM `lines` WHERE id = ?", &bs, 0,
                      kick) < 0)
    {
        return -1;
    }
    return 0;
}
