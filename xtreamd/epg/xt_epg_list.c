/* `xtreamctl epg list|unmapped [--json]` */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "xt_epg_cmd.h"
#include "xt_json_gen.h"

#define XT_EPG_STALE_S  30      /* a running import writes every second */

enum {
    L_ID, L_NAME, L_URL, L_ENABLED, L_INTERVAL, L_LANG, L_NEXT, L_IMPORT,
    L_ATTEMPT, L_STATUS, L_ERROR, L_DUR, L_FORMAT, L_BYTES, L_CHANNELS,
    L_PROGS, L_SKIPPED, L_DETAIL, L_OUTSIDE, L_PSTATE, L_PPID, L_PSTART,
    L_PAT, L_PPROGS, L_PBYTES, L_PTOTAL, L_COUNT
};

static const int  xt_is_str[L_COUNT] = {
    [L_NAME] = 256, [L_URL] = 2049, [L_LANG] = 17, [L_STATUS] = 17,
    [L_ERROR] = 1025, [L_FORMAT] = 9, [L_DETAIL] = 1025, [L_PSTATE] = 17
};


static const char *
xt_iso(long long t, char *buf, size_t cap)
{
    time_t     tt = (time_t) t;
    struct tm  tm;

    if (t <= 0) {
        return "never";
    }
    gmtime_r(&tt, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}


#define S(k)  (int) r->len[k], r->sval[k]

static void
xt_print_text(xt_row_t *r, long long now)
{
    char       a[32], b[32];
    long long  el;
    double     rate, eta;

    printf("source %lld \"%.*s\": %s, every %lld s%s%.*s, %.*s\n",
           r->ival[L_ID], S(L_NAME),
           r->ival[L_ENABLED] ? "enabled" : "disabled", r->ival[L_INTERVAL],
           r->len[L_LANG] ? ", lang " : "", S(L_LANG), S(L_URL));
    printf("  last: %.*s at %s (%lld ms); last import %s: %lld channels, "
           "%lld programmes, %lld skipped %.*s, %lld outside the window, "
           "%.*s%s%lld bytes\n", S(L_STATUS),
           xt_iso(r->ival[L_ATTEMPT], a, sizeof(a)), r->ival[L_DUR],
           xt_iso(r->ival[L_IMPORT], b, sizeof(b)), r->ival[L_CHANNELS],
           r->ival[L_PROGS], r->ival[L_SKIPPED], S(L_DETAIL),
           r->ival[L_OUTSIDE], S(L_FORMAT), r->len[L_FORMAT] ? " " : "",
           r->ival[L_BYTES]);
    if (strncmp(r->sval[L_STATUS], "error", 5) == 0 && r->len[L_STATUS] == 5) {
        printf("  error: %.*s\n", S(L_ERROR));
    }
    if (r->ival[L_ENABLED]) {
        printf("  next refresh: %s\n", r->ival[L_NEXT] <= now ? "due now"
               : xt_iso(r->ival[L_NEXT], a, sizeof(a)));
    }
    if (r->len[L_PSTATE] && !(r->len[L_PSTATE] == 4
                              && memcmp(r->sval[L_PSTATE], "idle", 4) == 0))
    {
        if (now - r->ival[L_PAT] > XT_EPG_STALE_S) {
            printf("  interrupted: %.*s stopped at %lld programmes (pid %lld,"
                   " last progress %s)\n", S(L_PSTATE), r->ival[L_PPROGS],
                   r->ival[L_PPID], xt_iso(r->ival[L_PAT], a, sizeof(a)));
            return;
        }
        el = r->ival[L_PAT] - r->ival[L_PSTART];
        rate = el > 0 ? (double) r->ival[L_PPROGS] / (double) el : 0;
        printf("  running: %.*s, %lld programmes, %.0f/s", S(L_PSTATE),
               r->ival[L_PPROGS], rate);
        if (r->ival[L_PTOTAL] > 0 && r->ival[L_PBYTES] > 0) {
            eta = el * ((double) r->ival[L_PTOTAL] / r->ival[L_PBYTES] - 1);
            printf(", %.0f%% of %.1f MB, ETA %.0f s",
                   100.0 * r->ival[L_PBYTES] / r->ival[L_PTOTAL],
                   r->ival[L_PTOTAL] / 1e6, eta);
        } else {
            printf(", %.1f MB", r->ival[L_PBYTES] / 1e6);
        }
        printf(" (pid %lld)\n", r->ival[L_PPID]);
    }
}


static void
xt_gen_detail(yajl_gen g, const char *s, size_t len)
{
    char       buf[1100], eb[64];
    yajl_val   v;
    size_t     i;

    snprintf(buf, sizeof(buf), "%.*s", (int) len, s);
    v = yajl_tree_parse(buf, eb, sizeof(eb));
    yajl_gen_map_open(g);
    if (YAJL_IS_OBJECT(v)) {
        for (i = 0; i < v->u.object.len; i++) {
            if (YAJL_IS_INTEGER(v->u.object.values[i])) {
                xt_gen_key(g, v->u.object.keys[i]);
                yajl_gen_integer(g, YAJL_GET_INTEGER(v->u.object.values[i]));
            }
        }
    }
    yajl_gen_map_close(g);
    yajl_tree_free(v);
}


static void
xt_gen_row(yajl_gen g, xt_row_t *r, long long now)
{
    static const struct { const char *key; int col; }  ints[] = {
        { "id", L_ID }, { "refresh_interval", L_INTERVAL },
        { "next_due", L_NEXT }, { "last_import", L_IMPORT },
        { "last_attempt", L_ATTEMPT }, { "last_duration_ms", L_DUR },
        { "bytes", L_BYTES }, { "channels", L_CHANNELS },
        { "programmes", L_PROGS }, { "skipped", L_SKIPPED },
        { "outside_window", L_OUTSIDE }
    };
    static const struct { const char *key; int col; }  strs[] = {
        { "name", L_NAME }, { "url", L_URL }, { "lang", L_LANG },
        { "last_status", L_STATUS }, { "last_error", L_ERROR },
        { "format", L_FORMAT }
    };
    size_t     k;
    long long  el;

    yajl_gen_map_open(g);
    for (k = 0; k < sizeof(ints) / sizeof(ints[0]); k++) {
        xt_gen_key(g, ints[k].key);
        yajl_gen_integer(g, r->ival[ints[k].col]);
    }
    for (k = 0; k < sizeof(strs) / sizeof(strs[0]); k++) {
        xt_gen_key(g, strs[k].key);
        xt_gen_strn(g, r->sval[strs[k].col], r->len[strs[k].col]);
    }
    xt_gen_key(g, "enabled");
    yajl_gen_bool(g, r->ival[L_ENABLED] != 0);
    xt_gen_key(g, "skipped_detail");
    xt_gen_detail(g, r->sval[L_DETAIL], r->len[L_DETAIL]);
    xt_gen_key(g, "progress");
    if (r->len[L_PSTATE] == 0 || (r->len[L_PSTATE] == 4
                                  && memcmp(r->sval[L_PSTATE], "idle", 4) == 0))
    {
        yajl_gen_null(g);
    } else {
        el = r->ival[L_PAT] - r->ival[L_PSTART];
        yajl_gen_map_open(g);
        xt_gen_key(g, "state");
        xt_gen_strn(g, r->sval[L_PSTATE], r->len[L_PSTATE]);
        xt_gen_key(g, "stale");
        yajl_gen_bool(g, now - r->ival[L_PAT] > XT_EPG_STALE_S);
        xt_gen_key(g, "pid");
        yajl_gen_integer(g, r->ival[L_PPID]);
        xt_gen_key(g, "started");
        yajl_gen_integer(g, r->ival[L_PSTART]);
        xt_gen_key(g, "updated");
        yajl_gen_integer(g, r->ival[L_PAT]);
        xt_gen_key(g, "programmes");
        yajl_gen_integer(g, r->ival[L_PPROGS]);
        xt_gen_key(g, "bytes");
        yajl_gen_integer(g, r->ival[L_PBYTES]);
        xt_gen_key(g, "total_bytes");
        yajl_gen_integer(g, r->ival[L_PTOTAL]);
        xt_gen_key(g, "rate");
        yajl_gen_integer(g, el > 0 ? r->ival[L_PPROGS] / el : 0);
        xt_gen_key(g, "eta_seconds");
        if (r->ival[L_PTOTAL] > 0 && r->ival[L_PBYTES] > 0) {
            yajl_gen_integer(g, (long long) (el * ((double) r->ival[L_PTOTAL]
                                                   / r->ival[L_PBYTES] - 1)));
        } else {
            yajl_gen_null(g);
        }
        yajl_gen_map_close(g);
    }
    yajl_gen_map_close(g);
}


static int
xt_count(xt_db_t *db, const char *sql, long long *n)
{
    MYSQL_STMT  *st = xt_db_prepare(db, sql);
    xt_row_t     r;
    int          rc = -1;

    if (st == NULL) {
        return -1;
    }
    xt_row_init(&r);
    xt_row_int(&r);
    if (xt_db_run(db, st, NULL) == 0 && xt_db_bind_row(db, st, &r) == 0
        && xt_db_fetch(db, st) == 1)
    {
        *n = r.ival[0];
        rc = 0;
        while (xt_db_fetch(db, st) == 1) { /* drain */ }
    }
    mysql_stmt_close(st);
    return rc;
}

static const char  xt_q_streams[] =
    "SELECT s.id, s.name, s.epg_channel_id FROM streams s "
    "WHERE s.epg_channel_id <> '' AND NOT EXISTS (SELECT 1 FROM epg_channels "
    "c WHERE c.epg_channel_id = s.epg_channel_id) ORDER BY s.id";
static const char  xt_q_channels[] =
    "SELECT c.source_id, src.name, c.epg_channel_id, c.display_name "
    "FROM epg_channels c JOIN epg_sources src ON src.id = c.source_id "
    "WHERE NOT EXISTS (SELECT 1 FROM streams s WHERE s.epg_channel_id = "
    "c.epg_channel_id) ORDER BY c.source_id, c.epg_channel_id";


static void
xt_emit(yajl_gen g)
{
    const unsigned char  *buf;
    size_t                len;

    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
        fwrite(buf, 1, len, stdout);
        yajl_gen_clear(g);
    }
}


int
xt_epg_list(xt_db_t *db, int json)
{
    MYSQL_STMT  *st;
    xt_row_t     r;
    yajl_gen     g = NULL;
    long long    now = (long long) time(NULL), ns = 0, nc = 0;
    int          k, frc, rc = 2, any = 0;
    char         q[600];

    snprintf(q, sizeof(q), "SELECT COUNT(*) FROM (%s) u", xt_q_streams);
    if (xt_count(db, q, &ns) != 0) {
        fprintf(stderr, "xtreamctl: %s\n", db->err);
        return 2;
    }
    snprintf(q, sizeof(q), "SELECT COUNT(*) FROM (%s) u", xt_q_channels);
    if (xt_count(db, q, &nc) != 0) {
        fprintf(stderr, "xtreamctl: %s\n", db->err);
        return 2;
    }
    xt_row_init(&r);
    st = xt_db_prepare(db, "SELECT id, name, url, enabled, refresh_interval, "
        "lang, next_due, last_import, last_attempt, last_status, last_error, "
        "last_duration_ms, format, bytes, channels, programmes, skipped, "
        "skipped_detail, outside_window, progress_state, progress_pid, "
        "progress_started, progress_at, progress_programmes, progress_bytes, "
        "progress_total FROM epg_sources ORDER BY id");
    if (st == NULL) {
        fprintf(stderr, "xtreamctl: %s\n", db->err);
        return 2;
    }
    for (k = 0; k < L_COUNT; k++) {
        if (xt_is_str[k] ? xt_row_str(&r, (size_t) xt_is_str[k]) != 0 : 0) {
            goto out;
        }
        if (!xt_is_str[k]) {
            xt_row_int(&r);
        }
    }
    if (xt_db_run(db, st, NULL) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        fprintf(stderr, "xtreamctl: %s\n", db->err);
        goto out;
    }
    if (json) {
        g = xt_gen_new();
        if (g == NULL) {
            goto out;
        }
        yajl_gen_map_open(g);
        xt_gen_key(g, "sources");
        yajl_gen_array_open(g);
    }
    while ((frc = xt_db_fetch(db, st)) == 1) {
        any = 1;
        for (k = 0; k < L_COUNT; k++) {
            if (xt_is_str[k] && r.isnull[k]) {
                r.len[k] = 0;
            }
        }
        if (json) {
            xt_gen_row(g, &r, now);
            xt_emit(g);
        } else {
            xt_print_text(&r, now);
        }
    }
    if (frc < 0) {
        fprintf(stderr, "xtreamctl: %s\n", db->err);
        goto out;
    }
    if (json) {
        yajl_gen_array_close(g);
        xt_gen_key(g, "unmapped");
        yajl_gen_map_open(g);
        xt_gen_key(g, "streams");
        yajl_gen_integer(g, ns);
        xt_gen_key(g, "channels");
        yajl_gen_integer(g, nc);
        yajl_gen_map_close(g);
        yajl_gen_map_close(g);
        xt_emit(g);
        printf("\n");
    } else {
        if (!any) {
            printf("no EPG source (xtreamctl epg add NAME URL)\n");
        }
        printf("unmapped: %lld stream(s) whose epg_channel_id no channel "
               "has, %lld source channel(s) no stream uses (xtreamctl epg "
               "unmapped)\n", ns, nc);
    }
    rc = 0;
out:
    if (g) {
        yajl_gen_free(g);
    }
    xt_row_free(&r);
    mysql_stmt_close(st);
    return rc;
}


int
xt_epg_unmapped(xt_db_t *db, int json)
{
    MYSQL_STMT  *st;
    xt_row_t     r;
    yajl_gen     g = NULL;
    int          pass, frc, rc = 2;

    if (json && (g = xt_gen_new()) == NULL) {
        return 2;
    }
    if (g) {
        yajl_gen_map_open(g);
    }
    for (pass = 0; pass < 2; pass++) {
        xt_row_init(&r);
        xt_row_int(&r);
        if (xt_row_str(&r, 1024) != 0 || xt_row_str(&r, 1024) != 0
            || (pass == 1 && xt_row_str(&r, 1024) != 0))
        {
            xt_row_free(&r);
            goto out;
        }
        st = xt_db_prepare(db, pass == 0 ? xt_q_streams : xt_q_channels);
        if (st == NULL || xt_db_run(db, st, NULL) != 0
            || xt_db_bind_row(db, st, &r) != 0)
        {
            fprintf(stderr, "xtreamctl: %s\n", db->err);
            if (st) {
                mysql_stmt_close(st);
            }
            xt_row_free(&r);
            goto out;
        }
        if (g) {
            xt_gen_key(g, pass == 0 ? "streams" : "channels");
            yajl_gen_array_open(g);
        }
        while ((frc = xt_db_fetch(db, st)) == 1) {
            if (g) {
                yajl_gen_map_open(g);
                xt_gen_key(g, pass == 0 ? "id" : "source_id");
                yajl_gen_integer(g, r.ival[0]);
                xt_gen_key(g, pass == 0 ? "name" : "source");
                xt_gen_strn(g, r.sval[1], r.len[1]);
                xt_gen_key(g, "epg_channel_id");
                xt_gen_strn(g, r.sval[2], r.len[2]);
                if (pass == 1) {
                    xt_gen_key(g, "display_name");
                    xt_gen_strn(g, r.sval[3], r.len[3]);
                }
                yajl_gen_map_close(g);
            } else if (pass == 0) {
                printf("stream\t%lld\t%.*s\t%.*s\tno EPG channel has this "
                       "id\n", r.ival[0], (int) r.len[1], r.sval[1],
                       (int) r.len[2], r.sval[2]);
            } else {
                printf("channel\t%lld\t%.*s\t%.*s\t%.*s\tno stream uses it\n",
                       r.ival[0], (int) r.len[1], r.sval[1], (int) r.len[2],
                       r.sval[2], (int) r.len[3], r.sval[3]);
            }
        }
        mysql_stmt_close(st);
        xt_row_free(&r);
        if (frc < 0) {
            fprintf(stderr, "xtreamctl: %s\n", db->err);
            goto out;
        }
        if (g) {
            yajl_gen_array_close(g);
        }
    }
    if (g) {
        yajl_gen_map_close(g);
        xt_emit(g);
        printf("\n");
    }
    rc = 0;
out:
    if (g) {
        yajl_gen_free(g);
    }
    return rc;
}
