/*
 * xtreamctl's admin commands over the same core as the HTTP API:
 *   xtreamctl [--json] api METHOD PATH [JSON]
 *   xtreamctl [--json] admin add USER [--password P] [--role admin|viewer]
 *   xtreamctl admin passwd USER [--password P] | admin del USER | admin list
 * Each builds an xt_admin_req_t (cli = 1, admin "cli:<unix user>") and
 * runs xt_admin_handle(): routing, validation, transaction and audit are
 * the API's.  Exit 0 (2xx), 1 (4xx: "xtreamctl: field: message", the API's message), 2.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "xt_json_gen.h"
#include "xt_secret.h"
#include "admin/xt_admin.h"
#include "admin/xt_admin_cli.h"


int
xt_admin_cli_request(xt_db_t *db, const xt_config_t *cf, const char *method,
    const char *path, const char *body, int json, yajl_val *out)
{
    xt_admin_req_t        rq;
    const unsigned char  *p;
    size_t                len;
    struct passwd        *pw = getpwuid(getuid());
    char                 *q, *amp, *eq, pathbuf[512];
    int                   rc;

    xt_admin_req_init(&rq, db, cf);
    rq.cli = 1;
    snprintf(rq.admin_name, sizeof(rq.admin_name), "cli:%s",
             pw ? pw->pw_name : "?");
    snprintf(rq.address, sizeof(rq.address), "local");
    snprintf(rq.method, sizeof(rq.method), "%s", method);
    if (path[0] != '/' || strlen(path) >= sizeof(pathbuf)) {
        fprintf(stderr, "xtreamctl: PATH must start with / (e.g. /lines)\n");
        xt_admin_req_free(&rq);
        return 1;
    }
    snprintf(pathbuf, sizeof(pathbuf), "%s", path);
    q = strchr(pathbuf, '?');
    if (q) {
        *q++ = '\0';
        while (q && *q && rq.nq < XT_ADMIN_QMAX) {
            amp = strchr(q, '&');
            if (amp) {
                *amp = '\0';
            }
            eq = strchr(q, '=');
            if (eq) {
                *eq = '\0';
            }
            rq.qk[rq.nq] = q;
            rq.qv[rq.nq] = eq ? eq + 1 : "";
            rq.nq++;
            q = amp ? amp + 1 : NULL;
        }
    }
    /* the API's own path shape: /admin/api/... */
    snprintf(rq.path, sizeof(rq.path), "/admin/api%.490s",
             strncmp(pathbuf, "/admin/api/", 11) == 0 ? pathbuf + 10
                                                       : pathbuf);
    rq.body = body;
    rq.body_len = body ? strlen(body) : 0;
    if (rq.body_len > XT_ADMIN_BODY_MAX) {
        fprintf(stderr, "xtreamctl: the JSON is larger than 256 KiB\n");
        xt_admin_req_free(&rq);
        return 1;
    }
    xt_admin_handle(&rq);
    xt_admin_body(&rq, &p, &len);
    if (rq.status >= 400) {
        /* the message names the field itself ("max_connections: ...") */
        fprintf(stderr, "xtreamctl: %s\n", rq.err_msg);
        if (json) {
            fwrite(p, 1, len, stdout);
            fputc('\n', stdout);
        }
        rc = rq.status >= 500 ? 2 : 1;
    } else {
        rc = 0;
        if (out) {
            char  *t = malloc(len + 1), err[64];

            if (t) {
                memcpy(t, p, len);
                t[len] = '\0';
                *out = yajl_tree_parse(t, err, sizeof(err));
                free(t);
            }
        } else {
            fwrite(p, 1, len, stdout);
            fputc('\n', stdout);
        }
    }
    xt_admin_req_free(&rq);
    return rc;
}


int
xt_admin_cli_api(xt_db_t *db, const xt_config_t *cf, int argc, char **argv,
    int json)
{
    (void) json;
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "xtreamctl: usage: api METHOD PATH [JSON]\n");
        return 1;
    }
    return xt_admin_cli_request(db, cf, argv[0], argv[1], argc == 3 ? argv[2] : NULL,
                      1, NULL);
}


/* the admin id of a username through GET /admins?q=..., exact match */
static long long
xt_cli_admin_id(xt_db_t *db, const xt_config_t *cf, const char *user)
{
    char        path[200];
    yajl_val    res = NULL, items, it, v;
    const char *ip[] = { "items", NULL }, *up[] = { "username", NULL };
    const char *idp[] = { "id", NULL };
    long long   id = -1;
    size_t      i;

    if (!xt_credential_valid(user, strlen(user))) {
        fprintf(stderr, "xtreamctl: username: 1..64 characters of "
                "[A-Za-z0-9._@-]\n");
        return -1;
    }
    snprintf(path, sizeof(path), "/admins?limit=500&q=%s", user);
    if (xt_admin_cli_request(db, cf, "GET", path, NULL, 0, &res) != 0 || res == NULL) {
        return -1;
    }
    items = yajl_tree_get(res, ip, yajl_t_array);
    for (i = 0; items && i < items->u.array.len; i++) {
        it = items->u.array.values[i];
        v = yajl_tree_get(it, up, yajl_t_string);
        if (v && strcmp(v->u.string, user) == 0) {
            v = yajl_tree_get(it, idp, yajl_t_number);
            id = v ? YAJL_GET_INTEGER(v) : -1;
        }
    }
    yajl_tree_free(res);
    if (id < 0) {
        fprintf(stderr, "xtreamctl: no admin \"%s\"\n", user);
    }
    return id;
}


char *
xt_admin_gen_take(yajl_gen g)
{
    const unsigned char  *p;
    size_t                len;
    char                 *out = NULL;

    if (yajl_gen_get_buf(g, &p, &len) == yajl_gen_status_ok) {
        out = malloc(len + 1);
        if (out) {
            memcpy(out, p, len);
            out[len] = '\0';
        }
    }
    yajl_gen_free(g);
    return out;
}


/* a JSON body {"username":..,"password":..,"role":..} through yajl */
static char *
xt_cli_body(const char *user, const char *pass, const char *role)
{
    yajl_gen  g = xt_gen_new();

    if (g == NULL) {
        return NULL;
    }
    yajl_gen_map_open(g);
    if (user) {
        xt_gen_key(g, "username");
        xt_gen_cstr(g, user);
    }
    if (pass) {
        xt_gen_key(g, "password");
        xt_gen_cstr(g, pass);
    }
    if (role) {
        xt_gen_key(g, "role");
        xt_gen_cstr(g, role);
    }
    yajl_gen_map_close(g);
    return xt_admin_gen_take(g);
}


int
xt_admin_cli_admin(xt_db_t *db, const xt_config_t *cf, int argc, char **argv,
    int json)
{
    const char  *cmd, *user = NULL, *pass = NULL, *role = NULL;
    char         gen[24], path[64], *body;
    long long    id;
    int          i, rc;
    yajl_val     res = NULL;

    if (argc < 1) {
        goto usage;
    }
    cmd = argv[0];
    if (strcmp(cmd, "list") == 0) {
        if (argc != 1) {
            goto usage;
        }
        if (json) {
            return xt_admin_cli_request(db, cf, "GET", "/admins?limit=500", NULL, 1,
                              NULL);
        }
        rc = xt_admin_cli_request(db, cf, "GET", "/admins?limit=500", NULL, 0, &res);
        if (rc == 0 && res) {
            const char *ip[] = { "items", NULL };
            yajl_val    items = yajl_tree_get(res, ip, yajl_t_array);
            size_t      k;

            for (k = 0; items && k < items->u.array.len; k++) {
                const char *f[][2] = { { "id", NULL }, { "username", NULL },
                                       { "role", NULL },
                                       { "last_login", NULL } };
                yajl_val    it = items->u.array.values[k], a, b, c, d;

                a = yajl_tree_get(it, f[0], yajl_t_number);
                b = yajl_tree_get(it, f[1], yajl_t_string);
                c = yajl_tree_get(it, f[2], yajl_t_string);
                d = yajl_tree_get(it, f[3], yajl_t_number);
                printf("%lld\t%s\t%s\t%lld\n", a ? YAJL_GET_INTEGER(a) : 0,
                       b ? b->u.string : "", c ? c->u.string : "",
                       d ? YAJL_GET_INTEGER(d) : 0);
            }
        }
        if (res) {
            yajl_tree_free(res);
        }
        return rc;
    }
    if (argc < 2) {
        goto usage;
    }
    user = argv[1];
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--password") == 0 && i + 1 < argc) {
            pass = argv[++i];
        } else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc
                   && strcmp(cmd, "passwd") != 0)
        {
            role = argv[++i];
        } else {
            fprintf(stderr, "xtreamctl: unknown option \"%.64s\"\n", argv[i]);
            return 1;
        }
    }
    if (strcmp(cmd, "del") == 0 && (pass || role)) {
        goto usage;
    }
    if ((strcmp(cmd, "add") == 0 || strcmp(cmd, "passwd") == 0)
        && pass == NULL)
    {
        if (xt_secret_generate(gen, 16) != 0) {
            fprintf(stderr, "xtreamctl: no random bytes\n");
            return 2;
        }
        pass = gen;
    }

    if (strcmp(cmd, "add") == 0) {
        body = xt_cli_body(user, pass, role);
        if (body == NULL) {
            fprintf(stderr, "xtreamctl: out of memory\n");
            return 2;
        }
        rc = xt_admin_cli_request(db, cf, "POST", "/admins", body, json,
                        json ? NULL : &res);
        free(body);
    } else if (strcmp(cmd, "passwd") == 0 || strcmp(cmd, "del") == 0) {
        id = xt_cli_admin_id(db, cf, user);
        if (id < 0) {
            return 1;
        }
        snprintf(path, sizeof(path), "/admins/%lld", id);
        if (cmd[0] == 'd') {
            return xt_admin_cli_request(db, cf, "DELETE", path, NULL, json,
                              json ? NULL : &res) == 0
                   ? (res ? (yajl_tree_free(res), 0) : 0) : 1;
        }
        body = xt_cli_body(NULL, pass, NULL);
        if (body == NULL) {
            fprintf(stderr, "xtreamctl: out of memory\n");
            return 2;
        }
        rc = xt_admin_cli_request(db, cf, "PATCH", path, body, json,
                        json ? NULL : &res);
        free(body);
    } else {
        goto usage;
    }
    if (res) {
        yajl_tree_free(res);
    }
    if (rc == 0 && pass == gen) {
        /* a generated password, once (stderr under --json: stdout is JSON) */
        fprintf(json ? stderr : stdout, json ? "password: %s\n" : "%s\n",
                gen);
    }
    return rc;

usage:
    fprintf(stderr, "xtreamctl: usage: admin add USER [--password P] "
            "[--role admin|viewer] | admin passwd USER [--password P] | "
            "admin del USER | admin list\n");
    return 1;
}
