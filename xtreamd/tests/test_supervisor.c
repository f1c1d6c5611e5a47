/* Supervisor pure parts: health lines, back-off, stream-set diff, argv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_supervisor_int.h"
#include "xt_test.h"


static int
hp(const char *s, xt_health_t *h)
{
    return xt_health_parse(s, strlen(s), h);
}


static void
test_health(void)
{
    xt_health_t  h;
    char         big[5000];

    CHECK(hp("{\"state\":\"running\",\"fps\":25.00,\"bitrate_kbps\":412,"
             "\"speed\":1.001,\"width\":320,\"height\":180,"
             "\"video_codec\":\"h264\",\"audio_codec\":\"aac\","
             "\"segments\":12,\"last_error\":\"\"}", &h) == 0);
    CHECK(h.state == XT_WS_RUNNING && h.fps > 24.99 && h.fps < 25.01);
    CHECK(h.bitrate_kbps == 412 && h.width == 320 && h.height == 180);
    CHECK(h.segments == 12 && strcmp(h.video_codec, "h264") == 0);
    CHECK(h.speed > 1.0 && h.speed < 1.002);
    CHECK(strcmp(xt_wstate_name(h.state), "running") == 0);

    /* a trailing CR is tolerated; unknown keys ignored */
    CHECK(hp("{\"state\":\"reconnecting\",\"new\":[1,2],"
             "\"last_error\":\"Connection refused\"}\r", &h) == 0);
    CHECK(h.state == XT_WS_RECONNECTING
          && strcmp(h.last_error, "Connection refused") == 0);

    /* refused as a whole: h unchanged */
    h.segments = 99;
    CHECK(hp("", &h) == -1);
    CHECK(hp("{", &h) == -1);
    CHECK(hp("[]", &h) == -1);
    CHECK(hp("{\"fps\":1}", &h) == -1);                     /* no state */
    CHECK(hp("{\"state\":\"dancing\"}", &h) == -1);
    CHECK(hp("{\"state\":1}", &h) == -1);
    CHECK(hp("{\"state\":\"running\",\"fps\":\"25\"}", &h) == -1);
    CHECK(hp("{\"state\":\"running\",\"fps\":-1}", &h) == -1);
    CHECK(hp("{\"state\":\"running\",\"width\":1e300}", &h) == -1);
    CHECK(hp("{\"state\":\"running\",\"segments\":-3}", &h) == -1);
    CHECK(hp("{\"state\":\"running\",\"video_codec\":7}", &h) == -1);
    CHECK(hp("{\"state\":\"running\"} {\"state\":\"failed\"}", &h) == -1);
    CHECK(xt_health_parse("{\"state\":\"running\"}\0x", 22, &h) == -1);
    CHECK(h.segments == 99);
    memset(big, 'x', sizeof(big));
    memcpy(big, "{\"state\":\"running\",\"x\":\"", 24);
    memcpy(big + sizeof(big) - 2, "\"}", 2);
    CHECK(xt_health_parse(big, sizeof(big), &h) == -1);   /* too long */

    /* long error text is cut, control characters replaced */
    {
        char  xs[601];

        memset(xs, 'x', 600);
        xs[600] = '\0';
        snprintf(big, sizeof(big), "{\"state\":\"failed\",\"last_error\":"
                 "\"a\\u0001b%s\"}", xs);
    }
    CHECK(hp(big, &h) == 0);
    CHECK(h.state == XT_WS_FAILED && strlen(h.last_error) == 255
          && h.last_error[1] == '?');
}


static void
test_backoff(void)
{
    unsigned  cur = 0, d, i;

    CHECK(xt_backoff_next(0, 30000) == 500);
    CHECK(xt_backoff_next(500, 30000) == 1000);
    CHECK(xt_backoff_next(16000, 30000) == 30000);
    CHECK(xt_backoff_next(30000, 30000) == 30000);
    CHECK(xt_backoff_next(4000000000u, 30000) == 30000);   /* no overflow */
    CHECK(xt_backoff_next(0, 100) == 500);                   /* floor */

    /* failing at once: 0.5, 1, 2, 4, 8, 16, 30, 30 s */
    for (i = 0; i < 8; i++) {
        d = xt_backoff_on_exit(&cur, 100, 0, 30000);
    }
    CHECK(d == 30000);
    /* a short healthy run does not reset it ... */
    CHECK(xt_backoff_on_exit(&cur, 5000, 1, 30000) == 30000);
    /* ... a long one does */
    CHECK(xt_backoff_on_exit(&cur, XT_BACKOFF_HEALTHY_MS, 1, 30000) == 500);
    CHECK(xt_backoff_on_exit(&cur, 100, 0, 30000) == 1000);
}


static xt_spec_t
mk(uint32_t id, const char *src, unsigned seg)
{
    xt_spec_t  s;

    memset(&s, 0, sizeof(s));
    s.id = id;
    strcpy(s.mode, "copy");
    s.segment_seconds = seg;
    s.window_segments = 6;
    if (src) {
        s.sources[0] = strdup(src);
        s.nsources = 1;
    }
    return s;
}

typedef struct {
    char  log[256];
} diff_log_t;

static void
diff_cb(void *ctx, xt_diff_e what, const xt_spec_t *o, const xt_spec_t *n)
{
    diff_log_t  *l = ctx;
    static const char  c[] = "+-~=";
    size_t       len = strlen(l->log);

    snprintf(l->log + len, sizeof(l->log) - len, "%c%u ", c[what],
             n ? n->id : o->id);
}


static void
test_diff(void)
{
    xt_spec_t   a[4], b[4];
    diff_log_t  l;
    unsigned    i;

    a[0] = mk(1, "file:///a.ts", 4);
    a[1] = mk(2, "udp://x", 4);
    a[2] = mk(5, "http://y", 4);
    a[3] = mk(9, "http://z", 4);
    b[0] = mk(2, "udp://x", 4);           /* same */
    b[1] = mk(3, "udp://new", 4);         /* added */
    b[2] = mk(5, "http://y", 2);          /* changed profile */
    b[3] = mk(9, "http://z", 4);
    b[3].on_demand = 1;                   /* on_demand alone: same */
    memset(&l, 0, sizeof(l));
    CHECK(xt_spec_diff(a, 4, b, 4, diff_cb, &l) == 0);
    CHECK(strcmp(l.log, "-1 =2 +3 ~5 =9 ") == 0);

    memset(&l, 0, sizeof(l));
    CHECK(xt_spec_diff(NULL, 0, b, 2, diff_cb, &l) == 0);
    CHECK(strcmp(l.log, "+2 +3 ") == 0);
    memset(&l, 0, sizeof(l));
    CHECK(xt_spec_diff(a, 4, NULL, 0, diff_cb, &l) == 0);
    CHECK(strcmp(l.log, "-1 -2 -5 -9 ") == 0);
    /* unsorted input is refused */
    CHECK(xt_spec_diff(b + 1, 1, a + 1, 3, diff_cb, &l) == 0);
    {
        xt_spec_t  u[2] = { a[1], a[0] };
        CHECK(xt_spec_diff(u, 2, b, 4, diff_cb, &l) == -1);
    }

    /* a changed source list, a ladder, push */
    CHECK(!xt_spec_equal(&a[1], &b[1]));
    b[1].id = 2;
    CHECK(!xt_spec_equal(&a[1], &b[1]));
    b[1].id = 3;
    for (i = 0; i < 4; i++) {
        xt_spec_free(&a[i]);
        xt_spec_free(&b[i]);
    }
}


static void
test_argv(void)
{
    xt_spec_t   s = mk(42, "file:///src/a.ts", 2);
    char        buf[2048], *argv[XT_WORKER_ARGV_MAX], joined[2048] = "";
    int         argc, i;

    s.loop = 1;                         /* the column's default */
    strcpy(s.read_native_rate, "auto");
    argc = xt_spec_argv(&s, "/b/xtream-worker", "/m", 1935, 3, buf,
                        sizeof(buf), argv);
    for (i = 0; i < argc; i++) {
        strcat(joined, argv[i]);
        strcat(joined, " ");
    }
    CHECK(argv[argc] == NULL);
    CHECK(strcmp(joined, "/b/xtream-worker --stream-id 42 --output /m/42 "
                 "--mode copy --segment-seconds 2 --window 6 --status-fd 3 "
                 "--loop --read-native-rate auto --retries 1000 "
                 "--input file:///src/a.ts ") == 0);

    /* the stream's reading settings change the command */
    {
        xt_spec_t  t = mk(42, "file:///src/a.ts", 2);

        t.loop = 1;
        strcpy(t.read_native_rate, "auto");
        CHECK(xt_spec_equal(&s, &t));
        strcpy(t.read_native_rate, "off");
        CHECK(!xt_spec_equal(&s, &t));
        strcpy(t.read_native_rate, "auto");
        t.loop = 0;
        CHECK(!xt_spec_equal(&s, &t));
        xt_spec_free(&t);
    }

    /* push: the local RTMP name first, sources as backups, no --loop */
    s.push = 1;
    strcpy(s.mode, "abr");
    s.ladder = strdup("[{\"name\":\"a\",\"height\":180,\"video_kbps\":300,"
                      "\"audio_kbps\":64}]");
    strcpy(s.preset, "veryfast");
    argc = xt_spec_argv(&s, "/w", "/m", 19350, 3, buf, sizeof(buf), argv);
    joined[0] = '\0';
    for (i = 0; i < argc; i++) {
        strcat(joined, argv[i]);
        strcat(joined, " ");
    }
    CHECK(strstr(joined, "--mode abr --ladder [{") != NULL);
    CHECK(strstr(joined, "--preset veryfast") != NULL);
    CHECK(strstr(joined, "--loop") == NULL);
    CHECK(strstr(joined, "--input rtmp://127.0.0.1:19350/live/42 --input "
                 "file:///src/a.ts ") != NULL);

    /* does not fit / nothing to read / abr without ladder */
    CHECK(xt_spec_argv(&s, "/w", "/m", 1935, 3, buf, 40, argv) == -1);
    free(s.ladder);
    s.ladder = NULL;
    CHECK(xt_spec_argv(&s, "/w", "/m", 1935, 3, buf, sizeof(buf), argv)
          == -1);
    strcpy(s.mode, "copy");
    s.push = 0;
    xt_spec_free(&s);
    s = mk(1, NULL, 4);
    CHECK(xt_spec_argv(&s, "/w", "/m", 1935, 3, buf, sizeof(buf), argv)
          == -1);
}


void
test_supervisor(void)
{
    test_health();
    test_backoff();
    test_diff();
    test_argv();
}
