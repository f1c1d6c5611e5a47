/*
 * Request life: route, authenticate, CSRF and role checks, body parse,
 * one transaction around every change, the error document.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <openssl/crypto.h>
#include <mysqld_error.h>

#include "xt_json_gen.h"
#include "admin/xt_admin.h"
#include "admin/xt_admin_sql.h"

#define XT_API_PREFIX  "/admin/api/"

typedef struct {
    const char           *name;
    xt_admin_handler_pt   handler;
} xt_admin_route_t;

static const xt_admin_route_t  xt_admin_routes[] = {
    { "lines",       xt_admin_lines },
    { "bouquets",    xt_admin_bouquets },
    { "categories",  xt_admin_categories },
    { "profiles",    xt_admin_profiles },
    { "streams",     xt_admin_streams },
    { "movies",      xt_admin_movies },
    { "series",      xt_admin_series },
    { "episodes",    xt_admin_episodes },
    { "servers",     xt_admin_servers },
    { "settings",    xt_admin_settings },
    { "admins",      xt_admin_admins },
    { "connections", xt_admin_connections },
    { "activity",    xt_admin_activity },
    { "audit",       xt_admin_audit_list },
    { "stats",       xt_admin_stats },
    { "epg-sources", xt_admin_epg_sources },
    { "epg-channels", xt_admin_epg_channels },
    { NULL, NULL }
};


void
xt_admin_req_init(xt_admin_req_t *rq, xt_db_t *db, const xt_config_t *cf)
{
    memset(rq, 0, sizeof(*rq));
    rq->db = db;
    rq->cf = cf;
    rq->status = 200;
    rq->g = xt_gen_new();
}


void
xt_admin_req_free(xt_admin_req_t *rq)
{
    if (rq->json) {
        yajl_tree_free(rq->json);
        rq->json = NULL;
    }
    if (rq->g) {
        yajl_gen_free(rq->g);
        rq->g = NULL;
    }
}


void
xt_admin_body(xt_admin_req_t *rq, const unsigned char **p, size_t *len)
{
    if (rq->g == NULL || yajl_gen_get_buf(rq->g, p, len) != yajl_gen_status_ok)
    {
        *p = (const unsigned char *) "{}";
        *len = 2;
    }
}


int
xt_admin_err(xt_admin_req_t *rq, int status, const char *code,
    const char *field, const char *fmt, ...)
{
    va_list  ap;

    rq->status = status;
    rq->err_code = code;
    snprintf(rq->err_field, sizeof(rq->err_field), "%s", field ? field : "");
    va_start(ap, fmt);
    vsnprintf(rq->err_msg, sizeof(rq->err_msg), fmt, ap);
    va_end(ap);
    return -1;
}


int
xt_admin_db_err(xt_admin_req_t *rq, const char *field)
{
    xt_db_t  *db = rq->db;

    switch (db->errnum) {
    case ER_DUP_ENTRY:
        return xt_admin_err(rq, 409, "conflict", field,
                            "%s: already exists", field ? field : "value");
    case ER_ROW_IS_REFERENCED:
    case ER_ROW_IS_REFERENCED_2:
        return xt_admin_err(rq, 409, "conflict", field,
                            "still referenced by other rows");
    case ER_NO_REFERENCED_ROW:
    case ER_NO_REFERENCED_ROW_2:
        return xt_admin_err(rq, 400, "bad_field", field,
                            "%s: refers to a row that does not exist",
                            field ? field : "value");
    case ER_LOCK_DEADLOCK:
    case ER_LOCK_WAIT_TIMEOUT:
        return xt_admin_err(rq, 409, "conflict", NULL,
                            "a concurrent change got there first, retry");
    default:
        break;
    }
    return xt_admin_err(rq, 503, "unavailable", NULL, "database: %.200s",
                        db->err);
}


const char *
xt_admin_q(xt_admin_req_t *rq, const char *key)
{
    unsigned  i;

    for (i = 0; i < rq->nq; i++) {
        if (strcmp(rq->qk[i], key) == 0) {
            return rq->qv[i];
        }
    }
    return NULL;
}


int
xt_admin_q_check(xt_admin_req_t *rq, const char *const *allowed)
{
    unsigned  i, j, k;

    for (i = 0; i < rq->nq; i++) {
        for (k = 0; allowed[k]; k++) {
            if (strcmp(allowed[k], rq->qk[i]) == 0) {
                break;
            }
        }
        if (allowed[k] == NULL) {
            return xt_admin_err(rq, 400, "bad_param", rq->qk[i],
                                "%.64s: unknown query parameter", rq->qk[i]);
        }
        for (j = 0; j < i; j++) {
            if (strcmp(rq->qk[j], rq->qk[i]) == 0) {
                return xt_admin_err(rq, 400, "bad_param", rq->qk[i],
                                    "%.64s: given twice", rq->qk[i]);
            }
        }
    }
    return 0;
}


long long
xt_admin_seg_id(const char *s)
{
    long long  v = 0;
    size_t     i, n = strlen(s);

    if (n == 0 || n > 10 || s[0] == '0') {
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v <= 4294967295LL ? v : -1;
}


static int
xt_admin_split(xt_admin_req_t *rq)
{
    const char  *p, *s;
    size_t       n, plen = sizeof(XT_API_PREFIX) - 1;

    if (strncmp(rq->path, XT_API_PREFIX, plen) != 0) {
        return xt_admin_err(rq, 404, "not_found", NULL, "no such path");
    }
    p = rq->path + plen;
    while (*p) {
        s = strchr(p, '/');
        n = s ? (size_t) (s - p) : strlen(p);
        if (n == 0 || n >= sizeof(rq->seg[0]) || rq->nseg >= XT_ADMIN_SEGS) {
            return xt_admin_err(rq, 404, "not_found", NULL, "no such path");
        }
        memcpy(rq->seg[rq->nseg], p, n);
        rq->seg[rq->nseg][n] = '\0';
        rq->nseg++;
        p += n;
        if (*p == '/') {
            p++;
            if (*p == '\0') {
                break;      /* one trailing slash is fine */
            }
        }
    }
    if (rq->nseg == 0) {
        return xt_admin_err(rq, 404, "not_found", NULL, "no such path");
    }
    return 0;
}


/* non-GET bodies: a JSON object, or empty (= {}) */
static int
xt_admin_parse_body(xt_admin_req_t *rq)
{
    char        err[128];
    const char *b = rq->body ? rq->body : "";
    size_t      i;

    for (i = 0; i < rq->body_len; i++) {
        if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n') {
            break;
        }
    }
    if (i == rq->body_len) {
        b = "{}";
    } else if (strlen(b) != rq->body_len) {
        return xt_admin_err(rq, 400, "bad_json", NULL,
                            "the body contains a NUL byte");
    } else if (strstr(b, "\\u0000") != NULL) {
        /* the tree parser keeps C strings: a NUL would cut a value */
        return xt_admin_err(rq, 400, "bad_json", NULL,
                            "\\u0000 is not allowed in strings");
    }
    err[0] = '\0';
    rq->json = yajl_tree_parse(b, err, sizeof(err));
    if (rq->json == NULL) {
        char  *nl = strchr(err, '\n');

        if (nl) {
            *nl = '\0';
        }
        return xt_admin_err(rq, 400, "bad_json", NULL, "not valid JSON: %s",
                            err);
    }
    if (!YAJL_IS_OBJECT(rq->json)) {
        return xt_admin_err(rq, 400, "bad_json", NULL,
                            "the body must be a JSON object");
    }
    return 0;
}


/* @xt_server_id: views of this server's stream status use it */
static int
xt_admin_session_vars(xt_admin_req_t *rq)
{
    xt_binds_t  bs;

    xt_binds_reset(&bs);
    xt_bind_int(&bs, rq->cf ? rq->cf->server_id : 1);
    return xt_sql_exec(rq, "SET @xt_server_id = ?", &bs, NULL) < 0 ? -1 : 0;
}


static int
xt_admin_is(const char *m, const char *want)
{
    return strcmp(m, want) == 0;
}


static int
xt_admin_dispatch(xt_admin_req_t *rq)
{
    const xt_admin_route_t  *r;
    int                      change, rc;

    if (xt_admin_split(rq) != 0) {
        return -1;
    }
    if (!xt_admin_is(rq->method, "GET") && !xt_admin_is(rq->method, "POST")
        && !xt_admin_is(rq->method, "PATCH") && !xt_admin_is(rq->method, "PUT")
        && !xt_admin_is(rq->method, "DELETE"))
    {
        rq->allow = "GET, POST, PATCH, PUT, DELETE";
        return xt_admin_err(rq, 405, "method_not_allowed", NULL,
                            "method %.8s is not supported", rq->method);
    }
    change = !xt_admin_is(rq->method, "GET");

    if (strcmp(rq->seg[0], "login") == 0 && rq->nseg == 1) {
        if (!xt_admin_is(rq->method, "POST")) {
            rq->allow = "POST";
            return xt_admin_err(rq, 405, "method_not_allowed", NULL,
                                "login takes POST");
        }
        if (xt_admin_parse_body(rq) != 0) {
            return -1;
        }
        return xt_admin_login(rq);
    }

    if (rq->cli) {
        rq->role = XT_ROLE_ADMIN;
    } else if (xt_admin_authenticate(rq) != 0) {
        return -1;
    }

    if (strcmp(rq->seg[0], "session") == 0 && rq->nseg == 1) {
        if (change) {
            rq->allow = "GET";
            return xt_admin_err(rq, 405, "method_not_allowed", NULL,
                                "session takes GET");
        }
        return xt_admin_session(rq);
    }

    if (change && !rq->cli) {
        if (rq->csrf_header == NULL || strlen(rq->csrf_header) != 64
            || CRYPTO_memcmp(rq->csrf_header, rq->csrf, 64) != 0)
        {
            return xt_admin_err(rq, 403, "csrf", NULL, rq->csrf_header
                                ? "wrong X-CSRF-Token"
                                : "missing X-CSRF-Token header");
        }
    }

    if (strcmp(rq->seg[0], "logout") == 0 && rq->nseg == 1) {
        if (!xt_admin_is(rq->method, "POST")) {
            rq->allow = "POST";
            return xt_admin_err(rq, 405, "method_not_allowed", NULL,
                                "logout takes POST");
        }
        return xt_admin_logout(rq);
    }

    for (r = xt_admin_routes; r->name; r++) {
        if (strcmp(r->name, rq->seg[0]) == 0) {
            break;
        }
    }
    if (r->name == NULL) {
        return xt_admin_err(rq, 404, "not_found", NULL, "no such resource");
    }

    if (change && rq->role != XT_ROLE_ADMIN) {
        return xt_admin_err(rq, 403, "forbidden", NULL,
                            "role viewer is read-only");
    }
    if (!change) {
        return r->handler(rq);
    }

    if (xt_admin_parse_body(rq) != 0) {
        return -1;
    }
    if (xt_db_begin(rq->db) != 0) {
        return xt_admin_db_err(rq, NULL);
    }
    rc = r->handler(rq);
    if (rc == 0 && xt_db_commit(rq->db) != 0) {
        rc = xt_admin_db_err(rq, NULL);
    }
    if (rc != 0) {
        xt_db_rollback(rq->db);
    }
    if (rq->after_tx) {
        rq->after_tx(rq);
    }
    return rc;
}


void
xt_admin_handle(xt_admin_req_t *rq)
{
    if (rq->g == NULL) {
        rq->status = 503;
        return;
    }
    if (rq->db == NULL || rq->db->my == NULL) {
        (void) xt_admin_err(rq, 503, "unavailable", NULL,
                            "the database is not reachable");
    } else if (xt_admin_session_vars(rq) == 0 && xt_admin_dispatch(rq) == 0) {
        return;
    }
    xt_admin_render_error(rq);
}


void
xt_admin_render_error(xt_admin_req_t *rq)
{
    if (rq->err_code == NULL) {
        (void) xt_admin_err(rq, 500, "internal", NULL, "internal error");
    }
    if (rq->g == NULL) {
        return;
    }
    xt_gen_restart(rq->g);
    yajl_gen_map_open(rq->g);
    xt_gen_key(rq->g, "error");
    yajl_gen_map_open(rq->g);
    xt_gen_key(rq->g, "code");
    xt_gen_cstr(rq->g, rq->err_code);
    xt_gen_key(rq->g, "message");
    if (xt_gen_cstr(rq->g, rq->err_msg) != yajl_gen_status_ok) {
        xt_gen_cstr(rq->g, "(message not UTF-8)");
    }
    if (rq->err_field[0]) {
        xt_gen_key(rq->g, "field");
        if (xt_gen_cstr(rq->g, rq->err_field) != yajl_gen_status_ok) {
            xt_gen_cstr(rq->g, "?");
        }
    }
    yajl_gen_map_close(rq->g);
    yajl_gen_map_close(rq->g);
}
