/* Unit tests of the Prometheus writer (common/xt_prom.c) and the module's
 * metrics core (xt_metrics.c): names, escaping, bounds, census, render. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_metrics.h"

#include "xt_test.h"

int  xt_test_passed, xt_test_failed;

static int32_t  dead_pid = 666;

static int
alive(int32_t pid)
{
    return pid != dead_pid;
}


/* every line a comment (# HELP/# TYPE) or `name[{l="v",...}] value` */
static int
exposition_ok(const char *s, size_t len)
{
    const char  *end = s + len, *nl, *p;

    while (s < end) {
        nl = memchr(s, '\n', (size_t) (end - s));
        if (nl == NULL) {
            return 0;                       /* last line unterminated */
        }
        if (*s == '#') {
            if (strncmp(s, "# HELP ", 7) != 0 && strncmp(s, "# TYPE ", 7) != 0) {
                return 0;
            }
        } else {
            for (p = s; p < nl && *p != '{' && *p != ' '; p++) { /* name */ }
            if (p == s) {
                return 0;
            }
            if (*p == '{') {
                for (p++; p < nl && *p != '}'; p++) {
                    if (*p == '\\') {
                        p++;
                    }
                }
                if (p >= nl) {
                    return 0;
                }
                p++;
            }
            if (p >= nl || *p != ' ' || p + 1 >= nl) {
                return 0;
            }
        }
        s = nl + 1;
    }
    return 1;
}


static void
test_prom(void)
{
    char          buf[512];
    xt_prom_t     p;
    const char   *lab[] = { "name", "a\"b\\c\nd", NULL };
    const char   *bad[] = { "__x", "v", NULL };
    const char   *badc[] = { "a:b", "v", NULL };

    CHECK(xt_prom_name_ok("xtream_requests_total"));
    CHECK(xt_prom_name_ok("a:b_c9"));
    CHECK(!xt_prom_name_ok("9abc"));
    CHECK(!xt_prom_name_ok(""));
    CHECK(!xt_prom_name_ok("a-b"));
    CHECK(xt_prom_label_ok("endpoint"));
    CHECK(!xt_prom_label_ok("__name"));
    CHECK(!xt_prom_label_ok("a:b"));

    xt_prom_init(&p, buf, sizeof(buf), NULL, NULL);
    xt_prom_family(&p, "m", "gauge", "help with \\ and\nnewline \"quotes\"");
    xt_prom_u64(&p, "m", lab, 7);
    CHECK(!p.failed);
    buf[p.len] = '\0';
    CHECK(strcmp(buf, "# HELP m help with \\\\ and\\nnewline \"quotes\"\n"
                      "# TYPE m gauge\n"
                      "m{name=\"a\\\"b\\\\c\\nd\"} 7\n") == 0);
    CHECK(exposition_ok(buf, p.len));

    xt_prom_init(&p, buf, sizeof(buf), NULL, NULL);
    xt_prom_f64(&p, "f", NULL, NAN);
    xt_prom_f64(&p, "f", NULL, INFINITY);
    xt_prom_f64(&p, "f", NULL, -INFINITY);
    xt_prom_f64(&p, "f", NULL, 25.5);
    xt_prom_f64(&p, "f", NULL, 1765000000.25);
    xt_prom_i64(&p, "i", NULL, -3);
    buf[p.len] = '\0';
    CHECK(strcmp(buf, "f NaN\nf +Inf\nf -Inf\nf 25.5\nf 1765000000.25\n"
                      "i -3\n") == 0);

    /* bad names and types are refused, nothing half-written */
    xt_prom_init(&p, buf, sizeof(buf), NULL, NULL);
    xt_prom_u64(&p, "x", bad, 1);
    CHECK(p.failed && p.len == 0);
    xt_prom_init(&p, buf, sizeof(buf), NULL, NULL);
    xt_prom_u64(&p, "x", badc, 1);
    CHECK(p.failed && p.len == 0);
    xt_prom_init(&p, buf, sizeof(buf), NULL, NULL);
    xt_prom_family(&p, "x", "histogramm", "h");
    CHECK(p.failed);

    /* a fixed buffer never overflows */
    xt_prom_init(&p, buf, 10, NULL, NULL);
    xt_prom_u64(&p, "long_metric_name", NULL, 123456789);
    CHECK(p.failed && p.len <= 10);

    /* a growing one does */
    xt_prom_init(&p, NULL, 0, xt_prom_grow_malloc, NULL);
    {
        int  i;

        for (i = 0; i < 2000; i++) {
            xt_prom_u64(&p, "grow_test", lab, (uint64_t) i);
        }
    }
    CHECK(!p.failed && p.len > 2000 * 20);
    CHECK(exposition_ok(p.buf, p.len));
    free(p.buf);
}


static void
test_status(void)
{
    CHECK(strcmp(xt_metrics_status_name(xt_metrics_status_idx(200)), "200")
          == 0);
    CHECK(strcmp(xt_metrics_status_name(xt_metrics_status_idx(504)), "504")
          == 0);
    CHECK(strcmp(xt_metrics_status_name(xt_metrics_status_idx(429)), "429")
          == 0);
    CHECK(strcmp(xt_metrics_status_name(xt_metrics_status_idx(418)),
                 "other") == 0);
    CHECK(strcmp(xt_metrics_status_name(xt_metrics_status_idx(0)), "other")
          == 0);
    CHECK(strcmp(xt_metrics_status_name(xt_metrics_status_idx(999)),
                 "other") == 0);
    CHECK(strcmp(xt_metrics_endpoint_name(XT_EP_LIVE_TS), "live_ts") == 0);
    CHECK(strcmp(xt_metrics_endpoint_name(99), "other") == 0);
}


static void
test_census_render(void)
{
    void               *cm, *fm;
    char               *out;
    uint32_t            s;
    uint8_t             a1[16] = { 1 }, a2[16] = { 2 };
    xt_prom_t           p;
    xt_conns_t         *t;
    xt_flood_t         *f;
    xt_census_t         c;
    xt_metrics_t        m;
    xt_metrics_view_t   v;
    xt_metrics_snap_t   snaps[2] = { { "lines", 1, 42, 1000 },
                                     { "epg", 0, 0, 0 } };

    cm = malloc(xt_conns_size(32));
    t = xt_conns_init(cm, 32, 10000);
    /* line 1: a TS viewer; line 2: a movie; line 3: an HLS session
       fresh, line 4: one gone idle; line 5: a TS of a dead worker */
    CHECK(xt_conns_acquire(t, 1, 10, XT_CONN_STREAM, 0, 0, XT_POLICY_REJECT,
                           100, 50000, alive, &s, NULL) == XT_ACQ_OK);
    xt_census_tag(t, s, XT_MTAG_TS);
    CHECK(xt_conns_acquire(t, 2, 11, XT_CONN_STREAM, 0, 0, XT_POLICY_REJECT,
                           100, 50000, alive, &s, NULL) == XT_ACQ_OK);
    xt_census_tag(t, s, XT_MTAG_MOVIE);
    CHECK(xt_conns_acquire(t, 3, 10, XT_CONN_HLS, 77, 0, XT_POLICY_REJECT,
                           100, 55000, alive, &s, NULL) == XT_ACQ_OK);
    CHECK(xt_conns_acquire(t, 4, 10, XT_CONN_HLS, 78, 0, XT_POLICY_REJECT,
                           100, 30000, alive, &s, NULL) == XT_ACQ_OK);
    CHECK(xt_conns_acquire(t, 5, 10, XT_CONN_STREAM, 0, 0, XT_POLICY_REJECT,
                           dead_pid, 50000, alive, &s, NULL) == XT_ACQ_OK);
    xt_census_tag(t, s, XT_MTAG_TS);
    xt_census_tag(t, 9999, XT_MTAG_TS);         /* out of range: ignored */

    fm = malloc(xt_flood_size(16));
    f = xt_flood_init(fm, 16, 2, 60, 300);
    CHECK(xt_flood_fail(f, a1, "u", 1, 1000) == 0);     /* a1: one failure */
    CHECK(xt_flood_fail(f, a2, "u", 1, 1000) == 0);
    CHECK(xt_flood_fail(f, a2, "u", 1, 1001) == 300);   /* a2: locked out */

    xt_census_take(&c, t, f, 56000, 1010, alive);
    CHECK(c.conns[XT_MTAG_TS] == 1);
    CHECK(c.conns[XT_MTAG_MOVIE] == 1);
    CHECK(c.conns[XT_MTAG_HLS] == 1);
    CHECK(c.conns[XT_MTAG_EPISODE] == 0);
    CHECK(c.used == 5 && c.capacity == 32);
    CHECK(c.lock_addresses == 1 && c.fail_addresses == 1);
    xt_census_take(&c, t, f, 56000, 1400, alive);  /* lock and window over */
    CHECK(c.lock_addresses == 0 && c.fail_addresses == 0);
    xt_census_take(&c, t, f, 56000, 1010, alive);

    xt_metrics_init(&m, 900);
    xt_metrics_count(&m, XT_EP_PLAYER_API, 200);
    xt_metrics_count(&m, XT_EP_PLAYER_API, 200);
    xt_metrics_count(&m, XT_EP_LIVE_TS, 403);
    xt_metrics_count(&m, 1234, 418);            /* both out of range */
    xt_metrics_add(&m.lockouts, 1);

    memset(&v, 0, sizeof(v));
    v.m = &m;
    v.census = &c;
    v.snaps = snaps;
    v.nsnaps = 2;
    v.now = 1010;
    v.xtreamd_age = 3;
    v.pid = 4242;

    xt_prom_init(&p, NULL, 0, xt_prom_grow_malloc, NULL);
    xt_metrics_render(&p, &v);
    CHECK(!p.failed);
    xt_prom_raw(&p, "", 1);
    out = p.buf;
    CHECK(exposition_ok(out, p.len - 1));
    CHECK(strstr(out, "\nxtream_requests_total{endpoint=\"player_api\","
                      "code=\"200\"} 2\n") != NULL);
    CHECK(strstr(out, "\nxtream_requests_total{endpoint=\"live_ts\","
                      "code=\"403\"} 1\n") != NULL);
    CHECK(strstr(out, "\nxtream_requests_total{endpoint=\"other\","
                      "code=\"other\"} 1\n") != NULL);
    CHECK(strstr(out, "endpoint=\"xmltv\"") == NULL);   /* no zero series */
    CHECK(strstr(out, "\nxtream_connections_active{kind=\"ts\"} 1\n") != NULL);
    CHECK(strstr(out, "\nxtream_connections_active{kind=\"movie\"} 1\n")
          != NULL);
    CHECK(strstr(out, "\nxtream_connections_active{kind=\"episode\"} 0\n")
          != NULL);
    CHECK(strstr(out, "\nxtream_hls_sessions 1\n") != NULL);
    CHECK(strstr(out, "\nxtream_lockout_addresses 1\n") != NULL);
    CHECK(strstr(out, "\nxtream_lockouts_total 1\n") != NULL);
    CHECK(strstr(out, "\nxtream_snapshot_generation{kind=\"lines\"} 42\n")
          != NULL);
    CHECK(strstr(out, "\nxtream_snapshot_age_seconds{kind=\"lines\"} 10\n")
          != NULL);
    CHECK(strstr(out, "\nxtream_snapshot_loaded{kind=\"epg\"} 0\n") != NULL);
    CHECK(strstr(out, "xtream_snapshot_generation{kind=\"epg\"}") == NULL);
    CHECK(strstr(out, "\nxtream_xtreamd_metrics_age_seconds 3\n") != NULL);
    CHECK(strstr(out, "\nxtream_worker_pid 4242\n") != NULL);
    free(out);

    /* without a zone: no counters, but snapshots and a clear flag */
    v.m = NULL;
    v.census = NULL;
    v.xtreamd_age = -1;
    xt_prom_init(&p, NULL, 0, xt_prom_grow_malloc, NULL);
    xt_metrics_render(&p, &v);
    xt_prom_raw(&p, "", 1);
    CHECK(strstr(p.buf, "\nxtream_metrics_zone 0\n") != NULL);
    CHECK(strstr(p.buf, "xtream_requests_total") == NULL);
    CHECK(strstr(p.buf, "\nxtream_xtreamd_metrics_present 0\n") != NULL);
    CHECK(strstr(p.buf, "xtream_xtreamd_metrics_age_seconds") == NULL);
    free(p.buf);

    free(cm);
    free(fm);
}


int
main(void)
{
    test_prom();
    test_status();
    test_census_render();

    printf("test_metrics: %d passed, %d failed\n", xt_test_passed,
           xt_test_failed);
    return xt_test_failed ? 1 : 0;
}
