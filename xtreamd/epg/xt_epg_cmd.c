#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xt_epg_cmd.h"
#include "xt_epg_demo.h"
#include "xt_epg_fetch.h"
#include "xt_epg_import.h"
#include "xt_epg_store.h"
#include "xt_json_gen.h"

#define XT_EPG_INTERVAL_MIN  60
#define XT_EPG_INTERVAL_MAX  (366u * 86400)

static const char  xt_epg_usage[] =
    "usage: epg add NAME URL|PATH [--interval N[s|m|h|d]] [--lang L] "
    "[--disabled]\n"
    "       epg set SOURCE [--name N] [--url U] [--interval N[s|m|h|d]] "
    "[--lang L] [--enabled 0|1]\n"
    "       epg del SOURCE | epg list [--json] | epg unmapped [--json]\n"
    "       epg refresh [SOURCE...] [--due] [--force] | epg prune | "
    "epg demo [--days N]\n"
    "  SOURCE: an id or a name";


static int
xt_bad(const char *msg, const char *arg)
{
    fprintf(stderr, "xtreamctl: epg: ");
    fprintf(stderr, msg, arg ? arg : "");
    fprintf(stderr, "\n");
    return 1;
}


static int
xt_dberr(xt_db_t *db)
{
    fprintf(stderr, "xtreamctl: %s\n", db->err);
    return 2;
}


int
xt_epg_name_ok(const char *s)
{
    size_t  n = strlen(s), i;

    if (n == 0 || n > 255 || strspn(s, "0123456789") == n
        || !xt_utf8_valid(s, n))
    {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f) {
            return 0;
        }
    }
    return 1;
}


/* http(s), or an absolute local path without "..", control characters */
int
xt_epg_url_ok(const char *u)
{
    const char  *p = strncmp(u, "file://", 7) == 0 ? u + 7 : u;
    size_t       n = strlen(u), i;

    if (xt_epg_url_is_http(u)) {
        return 1;
    }
    if (p[0] != '/' || n > 2048 || !xt_utf8_valid(u, n) || strstr(p, "/../") != NULL
        || (strlen(p) >= 3 && strcmp(p + strlen(p) - 3, "/..") == 0))
    {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if ((unsigned char) u[i] < 0x20 || u[i] == 0x7f) {
            return 0;
        }
    }
    return 1;
}


/* "90", "90m", "6h", "1d", "3600s": plain numbers are hours */
static int
xt_interval(const char *s, unsigned *out)
{
    char                *end;
    unsigned long long   v, mul = 3600;

    if (s[0] < '0' || s[0] > '9' || strlen(s) > 12) {
        return -1;
    }
    v = strtoull(s, &end, 10);
    if (*end) {
        if (end[1] != '\0') {
            return -1;
        }
        switch (*end) {
        case 's': mul = 1; break;
        case 'm': mul = 60; break;
        case 'h': mul = 3600; break;
        case 'd': mul = 86400; break;
        default: return -1;
        }
    }
    v *= mul;
    if (v < XT_EPG_INTERVAL_MIN || v > XT_EPG_INTERVAL_MAX) {
        return -1;
    }
    *out = (unsigned) v;
    return 0;
}


int
xt_epg_lang_ok(const char *s)
{
    return strlen(s) <= 16
           && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789-_") == strlen(s);
}


typedef struct {
    const char  *name, *url, *lang, *enabled;
    unsigned     interval;
    int          has_interval, disabled, json, due, force, days;
    const char  *pos[64];
    int          npos;
} xt_opts_t;


/* options shared by the subcommands; which are allowed is checked by
   the caller */
static int
xt_parse(int argc, char **argv, xt_opts_t *o)
{
    int  i;

    memset(o, 0, sizeof(*o));
    o->days = 2;
    for (i = 1; i < argc; i++) {
        const char  *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--json") == 0) {
            o->json = 1;
        } else if (strcmp(a, "--due") == 0) {
            o->due = 1;
        } else if (strcmp(a, "--force") == 0) {
            o->force = 1;
        } else if (strcmp(a, "--disabled") == 0) {
            o->disabled = 1;
        } else if (strncmp(a, "--", 2) == 0) {
            if (v == NULL) {
                return xt_bad("%s needs a value", a);
            }
            i++;
            if (strcmp(a, "--interval") == 0) {
                if (xt_interval(v, &o->interval) != 0) {
                    return xt_bad("--interval must be 60s..366d (plain "
                                  "number = hours), not \"%.40s\"", v);
                }
                o->has_interval = 1;
            } else if (strcmp(a, "--lang") == 0) {
                if (!xt_epg_lang_ok(v)) {
                    return xt_bad("--lang must be up to 16 characters of "
                                  "[A-Za-z0-9_-], not \"%.40s\"", v);
                }
                o->lang = v;
            } else if (strcmp(a, "--name") == 0) {
                o->name = v;
            } else if (strcmp(a, "--url") == 0) {
                o->url = v;
            } else if (strcmp(a, "--enabled") == 0) {
                if (strcmp(v, "0") && strcmp(v, "1")) {
                    return xt_bad("--enabled takes 0 or 1", NULL);
                }
                o->enabled = v;
            } else if (strcmp(a, "--days") == 0) {
                if (strspn(v, "0123456789") != strlen(v) || strlen(v) < 1
                    || strlen(v) > 2)
                {
                    return xt_bad("--days takes 0..99", NULL);
                }
                o->days = atoi(v);
            } else {
                return xt_bad("unknown option \"%.40s\"", a);
            }
        } else {
            if (o->npos == 64) {
                return xt_bad("too many arguments", NULL);
            }
            o->pos[o->npos++] = a;
        }
    }
    return 0;
}


int
xt_epg_cmd_check(int argc, char **argv)
{
    xt_opts_t    o;
    const char  *c = argc > 0 ? argv[0] : "";
    int          flags_only;

    if (argc < 1) {
        fprintf(stderr, "xtreamctl: %s\n", xt_epg_usage);
        return 1;
    }
    if (xt_parse(argc, argv, &o) != 0) {
        return 1;
    }
    flags_only = !o.name && !o.url && !o.lang && !o.enabled
                 && !o.has_interval && !o.disabled;
    if (strcmp(c, "add") == 0) {
        if (o.npos != 2 || o.name || o.url || o.enabled || o.json || o.due
            || o.force)
        {
            goto usage;
        }
        if (!xt_epg_name_ok(o.pos[0])) {
            return xt_bad("NAME must be 1..255 characters of UTF-8 text, "
                          "not only digits", NULL);
        }
        if (!xt_epg_url_ok(o.pos[1])) {
            return xt_bad("URL must be http(s)://..., file:///abs/path or "
                          "/abs/path (no \"..\"), not \"%.80s\"", o.pos[1]);
        }
        return 0;
    }
    if (strcmp(c, "set") == 0) {
        if (o.npos != 1 || o.disabled || o.json || o.due || o.force
            || flags_only)
        {
            goto usage;
        }
        if (o.name && !xt_epg_name_ok(o.name)) {
            return xt_bad("--name must be 1..255 characters of UTF-8 text, "
                          "not only digits", NULL);
        }
        if (o.url && !xt_epg_url_ok(o.url)) {
            return xt_bad("--url must be http(s)://..., file:///abs/path or "
                          "/abs/path (no \"..\"), not \"%.80s\"", o.url);
        }
        return 0;
    }
    if (strcmp(c, "del") == 0) {
        return (o.npos == 1 && flags_only && !o.json && !o.due && !o.force)
               ? 0 : (xt_bad("usage: epg del SOURCE", NULL));
    }
    if (strcmp(c, "list") == 0 || strcmp(c, "unmapped") == 0
        || strcmp(c, "prune") == 0)
    {
        if (o.npos || !flags_only || o.due || o.force
            || (o.json && c[0] == 'p'))
        {
            goto usage;
        }
        return 0;
    }
    if (strcmp(c, "refresh") == 0) {
        if (!flags_only || o.json || (o.due && o.npos)) {
            goto usage;
        }
        return 0;
    }
    if (strcmp(c, "demo") == 0) {
        if (o.npos || !flags_only || o.json || o.due || o.force) {
            return xt_bad("usage: epg demo [--days N] (N 0..99)", NULL);
        }
        return 0;
    }
usage:
    fprintf(stderr, "xtreamctl: %s\n", xt_epg_usage);
    return 1;
}


int
xt_epg_find_source(xt_db_t *db, const char *key, unsigned *id)
{
    MYSQL_STMT  *st;
    xt_row_t     r;
    xt_binds_t   bs;
    int          digits = strspn(key, "0123456789") == strlen(key)
                          && strlen(key) <= 9, frc, rc = -1;

    xt_row_init(&r);
    xt_row_int(&r);
    st = xt_db_prepare(db, digits ? "SELECT id FROM epg_sources WHERE id = ?"
                       : "SELECT id FROM epg_sources WHERE name = ?");
    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    if (digits) {
        xt_bind_int(&bs, atoll(key));
    } else {
        xt_bind_cstr(&bs, key);
    }
    if (xt_db_run(db, st, &bs) == 0 && xt_db_bind_row(db, st, &r) == 0) {
        frc = xt_db_fetch(db, st);
        if (frc >= 0) {
            rc = frc;
            if (frc == 1) {
                *id = (unsigned) r.ival[0];
                while (xt_db_fetch(db, st) == 1) { /* drain */ }
            }
        }
    }
    mysql_stmt_close(st);
    return rc;
}


static int
xt_find_or_fail(xt_db_t *db, const char *key, unsigned *id)
{
    int  rc = xt_epg_find_source(db, key, id);

    if (rc < 0) {
        return xt_dberr(db);
    }
    if (rc == 0) {
        return xt_bad("no EPG source \"%.80s\"", key);
    }
    return 0;
}


static int
xt_cmd_add(xt_db_t *db, xt_opts_t *o)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    int          rc;

    st = xt_db_prepare(db, "INSERT INTO epg_sources (name, url, enabled, "
                       "refresh_interval, lang, next_due) "
                       "VALUES (?, ?, ?, ?, ?, 0)");
    if (st == NULL) {
        return xt_dberr(db);
    }
    xt_binds_reset(&bs);
    xt_bind_cstr(&bs, o->pos[0]);
    xt_bind_cstr(&bs, o->pos[1]);
    xt_bind_int(&bs, o->disabled ? 0 : 1);
    xt_bind_int(&bs, o->has_interval ? o->interval : 86400);
    xt_bind_cstr(&bs, o->lang ? o->lang : "");
    rc = xt_db_run(db, st, &bs);
    if (rc != 0) {
        mysql_stmt_close(st);
        if (db->errnum == 1062) {
            return xt_bad("an EPG source named \"%.80s\" exists", o->pos[0]);
        }
        return xt_dberr(db);
    }
    printf("epg source %llu added\n",
           (unsigned long long) mysql_stmt_insert_id(st));
    mysql_stmt_close(st);
    return 0;
}


static int
xt_cmd_set(xt_db_t *db, xt_opts_t *o)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    char         sql[512];
    size_t       n;
    unsigned     id;
    int          rc;

    if ((rc = xt_find_or_fail(db, o->pos[0], &id)) != 0) {
        return rc;
    }
    /* fixed column names only; every value is a parameter */
    xt_binds_reset(&bs);
    n = (size_t) snprintf(sql, sizeof(sql), "UPDATE epg_sources SET "
                          "id = id");
    if (o->name) {
        n += (size_t) snprintf(sql + n, sizeof(sql) - n, ", name = ?");
        xt_bind_cstr(&bs, o->name);
    }
    if (o->url) {
        /* another file: no validators, due now */
        n += (size_t) snprintf(sql + n, sizeof(sql) - n, ", url = ?, "
                               "etag = '', last_modified = '', next_due = 0");
        xt_bind_cstr(&bs, o->url);
    }
    if (o->has_interval) {
        n += (size_t) snprintf(sql + n, sizeof(sql) - n,
                               ", refresh_interval = ?");
        xt_bind_int(&bs, o->interval);
    }
    if (o->lang) {
        n += (size_t) snprintf(sql + n, sizeof(sql) - n, ", lang = ?, "
                               "etag = '', last_modified = ''");
        xt_bind_cstr(&bs, o->lang);
    }
    if (o->enabled) {
        n += (size_t) snprintf(sql + n, sizeof(sql) - n, ", enabled = ?");
        xt_bind_int(&bs, atoi(o->enabled));
    }
    snprintf(sql + n, sizeof(sql) - n, " WHERE id = ?");
    xt_bind_int(&bs, id);
    st = xt_db_prepare(db, sql);
    if (st == NULL) {
        return xt_dberr(db);
    }
    rc = xt_db_run(db, st, &bs);
    mysql_stmt_close(st);
    if (rc != 0) {
        if (db->errnum == 1062) {
            return xt_bad("an EPG source named \"%.80s\" exists", o->name);
        }
        return xt_dberr(db);
    }
    printf("epg source %u updated\n", id);
    return 0;
}


static int
xt_db_exec_id(xt_db_t *db, const char *sql, unsigned id)
{
    MYSQL_STMT  *st = xt_db_prepare(db, sql);
    xt_binds_t   bs;
    int          rc = -1;

    if (st != NULL) {
        xt_binds_reset(&bs);
        xt_bind_int(&bs, id);
        rc = xt_db_run(db, st, &bs);
        mysql_stmt_close(st);
    }
    return rc;
}


int
xt_epg_delete_source_rows(xt_db_t *db, unsigned id)
{
    static const char *const  q[] = {
        "DELETE FROM epg_programmes WHERE source_id = ?",
        "DELETE FROM epg_channels WHERE source_id = ?",
    };
    unsigned     k;
    int          rc = 0;

    /* per-row triggers off: one epg counter bump below instead */
    if (xt_db_exec(db, "SET @xt_bulk = 1") != 0) {
        return -1;
    }
    for (k = 0; k < 2 && rc == 0; k++) {
        rc = xt_db_exec_id(db, q[k], id);
    }
    /* reset even on error: later statements of this session must fire
       their triggers (the admin API keeps its connection) */
    if (xt_db_exec(db, "SET @xt_bulk = NULL") != 0) {
        rc = -1;
    }
    if (rc == 0 && xt_db_exec(db, "UPDATE change_counters SET counter = "
                              "counter + 1 WHERE domain = 'epg'") != 0)
    {
        rc = -1;
    }
    return rc;
}


static int
xt_cmd_del(xt_db_t *db, xt_opts_t *o)
{
    unsigned     id;
    int          rc;

    if ((rc = xt_find_or_fail(db, o->pos[0], &id)) != 0) {
        return rc;
    }
    /* not while it is being imported: wait for that import to end */
    if (xt_db_exec(db, "DO GET_LOCK('xtream_epg_import', 600)") != 0
        || xt_db_begin(db) != 0)
    {
        return xt_dberr(db);
    }
    if (xt_epg_delete_source_rows(db, id) != 0
        || xt_db_exec_id(db, "DELETE FROM epg_sources WHERE id = ?", id) != 0
        || xt_db_commit(db) != 0)
    {
        xt_db_rollback(db);
        return xt_dberr(db);
    }
    (void) xt_db_exec(db, "DO RELEASE_LOCK('xtream_epg_import')");
    printf("epg source %u deleted with its channels and programmes\n", id);
    return 0;
}


static int
xt_cmd_prune(xt_db_t *db, const xt_config_t *cf, int quiet)
{
    unsigned long long  rows;
    int64_t             before = (int64_t) time(NULL)
                                 - (int64_t) cf->epg_past_days * 86400;

    if (xt_epg_prune(db, before, &rows) != 0) {
        return xt_dberr(db);
    }
    if (!quiet || rows) {
        printf("epg prune: %llu programme(s) ended before the %u-day "
               "window removed\n", rows, cf->epg_past_days);
    }
    return 0;
}


static void
xt_print_result(unsigned id, const xt_epg_result_t *r)
{
    unsigned  k;
    int       first = 1;

    if (strcmp(r->status, "ok") != 0) {
        printf("epg source %u: %s%s%s\n", id, r->status, r->err[0] ? ": " : "",
               r->err);
        return;
    }
    printf("epg source %u: ok, %llu programmes, %llu channels, %llu skipped",
           id, r->programmes, r->channels, r->skipped);
    for (k = 0; k < XT_EPG_SKIP_COUNT; k++) {
        if (r->skip[k]) {
            printf("%s%s=%llu", first ? " (" : ", ", xt_epg_skip_names[k],
                   r->skip[k]);
            first = 0;
        }
    }
    printf("%s, %llu outside the window, %s, %.1f s\n", first ? "" : ")",
           r->outside, r->gzip ? "gzip" : "plain", r->seconds);
}


static int
xt_cmd_refresh(xt_db_t *db, const xt_config_t *cf, xt_opts_t *o)
{
    xt_db_t          sdb;
    xt_epg_run_t     run;
    xt_epg_result_t  res;
    uint32_t        *ids = NULL;
    size_t           n = 0, i;
    unsigned         id;
    int              rc, worst = 0;

    if (o->npos) {
        ids = calloc((size_t) o->npos, sizeof(*ids));
        if (ids == NULL) {
            fprintf(stderr, "xtreamctl: out of memory\n");
            return 2;
        }
        for (i = 0; i < (size_t) o->npos; i++) {
            if ((rc = xt_find_or_fail(db, o->pos[i], &id)) != 0) {
                free(ids);
                return rc;
            }
            ids[n++] = id;
        }
    } else if (xt_epg_due_sources(db, (int64_t) time(NULL), !o->due, &ids,
                                  &n) != 0)
    {
        return xt_dberr(db);
    }
    if (n == 0 && !o->due) {
        printf("epg refresh: no enabled source\n");
    }
    if (n && xt_db_connect(&sdb, cf) != 0) {
        free(ids);
        fprintf(stderr, "xtreamctl: %s\n", sdb.err);
        return 2;
    }
    memset(&run, 0, sizeof(run));
    run.cf = cf;
    run.db = db;
    run.sdb = &sdb;
    run.force = o->force;
    for (i = 0; i < n; i++) {
        rc = xt_epg_import_source(&run, ids[i], &res);
        xt_print_result(ids[i], &res);
        fflush(stdout);
        if (rc > worst) {
            worst = rc;
        }
        if (rc == 2 && (db->my == NULL || xt_db_gone(db))) {
            break;
        }
    }
    if (n) {
        xt_db_close(&sdb);
    }
    free(ids);
    /* the scheduled run (xtreamd) also keeps the window */
    if (o->due && worst < 2 && xt_cmd_prune(db, cf, 1) != 0) {
        worst = 2;
    }
    return worst;
}


int
xt_epg_cmd(xt_db_t *db, const xt_config_t *cf, int argc, char **argv)
{
    xt_opts_t  o;
    char       err[600];
    size_t     nch, npr;

    if (xt_parse(argc, argv, &o) != 0) {
        return 1;
    }
    if (strcmp(argv[0], "add") == 0) {
        return xt_cmd_add(db, &o);
    }
    if (strcmp(argv[0], "set") == 0) {
        return xt_cmd_set(db, &o);
    }
    if (strcmp(argv[0], "del") == 0) {
        return xt_cmd_del(db, &o);
    }
    if (strcmp(argv[0], "list") == 0) {
        return xt_epg_list(db, o.json);
    }
    if (strcmp(argv[0], "unmapped") == 0) {
        return xt_epg_unmapped(db, o.json);
    }
    if (strcmp(argv[0], "refresh") == 0) {
        return xt_cmd_refresh(db, cf, &o);
    }
    if (strcmp(argv[0], "prune") == 0) {
        return xt_cmd_prune(db, cf, 0);
    }
    /* demo */
    if (xt_epg_demo(db, (unsigned) o.days, (int64_t) time(NULL), &nch, &npr,
                    err, sizeof(err)) != 0)
    {
        fprintf(stderr, "xtreamctl: %s\n", err);
        return 2;
    }
    printf("epg demo: %zu channel(s), %zu programme(s)\n", nch, npr);
    return 0;
}
