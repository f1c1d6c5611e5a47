/*
 * Catch-up pieces: START in a zone (Europe/London, America/New_York with
 * their DST gaps and repeated hours), hostile START / DURATION / epoch
 * inputs, the archive index (records, torn tail, junk, overflow), the
 * Range header and the VOD playlist.
 */

#include <stdio.h>
#include <string.h>

#include "xt_timeshift.h"
#include "xt_test.h"


int  xt_test_passed;
int  xt_test_failed;

#define ZI  "/usr/share/zoneinfo"


static int
start_is(const char *s, const xt_tz_t *tz, int64_t want)
{
    int64_t  t = -1;

    return xt_ts_parse_start(s, strlen(s), tz, &t) == 0 && t == want;
}


static int
start_bad(const char *s, const xt_tz_t *tz)
{
    int64_t  t;

    return xt_ts_parse_start(s, strlen(s), tz, &t) == -1;
}


static void
test_start(void)
{
    xt_tz_t      utc, lon, ny;
    const char  *err;
    int64_t      t;
    uint32_t     m;

    xt_tz_utc(&utc);
    CHECK(xt_tz_load(&lon, ZI, "Europe/London", &err) == 0);
    CHECK(xt_tz_load(&ny, ZI, "America/New_York", &err) == 0);

    /* 2023-11-14 22:13 UTC = 1699999980 */
    CHECK(start_is("2023-11-14:22-13", &utc, 1699999980));
    CHECK(start_is("2023-11-14:22-13-20", &utc, 1700000000));
    CHECK(start_is("2023-11-14:22-13:20", &utc, 1700000000));
    CHECK(start_is("20231114-22", &utc, 1699999200));
    /* London in summer is UTC+1: 2023-07-01 13:00 BST = 12:00 UTC */
    CHECK(start_is("2023-07-01:13-00", &lon, 1688212800));
    /* winter: GMT */
    CHECK(start_is("2023-01-15:12-00", &lon, 1673784000));
    CHECK(start_is("2023-01-15:07-00", &ny, 1673784000));

    /* spring forward: London 2023-03-26 01:00..01:59 does not exist */
    CHECK(start_bad("2023-03-26:01-30", &lon));
    CHECK(start_is("2023-03-26:00-59", &lon, 1679792340));
    CHECK(start_is("2023-03-26:02-00", &lon, 1679792400));
    /* New York 2023-03-12 02:30 does not exist */
    CHECK(start_bad("2023-03-12:02-30", &ny));
    /* fall back: New York 2023-11-05 01:30 happens twice; the first
       (EDT, 05:30 UTC) */
    CHECK(start_is("2023-11-05:01-30", &ny, 1699162200));
    CHECK(start_is("2023-11-05:02-30", &ny, 1699169400));

    /* local round trip over a year, every 7 hours + 13 minutes */
    for (t = 1672531200; t < 1704067200; t += 7 * 3600 + 13 * 60) {
        char     fmt[XT_TZ_TIME_LEN + 1], s[20];
        int64_t  back;

        xt_tz_format(&lon, t, fmt);
        /* "YYYY-MM-DD HH:MM:SS" -> "YYYY-MM-DD:HH-MM-SS" */
        memcpy(s, fmt, 19);
        s[10] = ':';
        s[13] = '-';
        s[16] = '-';
        s[19] = '\0';
        back = -1;
        if (xt_ts_parse_start(s, 19, &lon, &back) != 0 || back != t) {
            /* only the repeated hour may map to its first occurrence */
            CHECK(back == t - 3600);
        }
    }

    /* calendar */
    CHECK(start_bad("2023-02-29:00-00", &utc));
    CHECK(start_is("2024-02-29:00-00", &utc, 1709164800));
    CHECK(start_bad("2023-02-30:00-00", &utc));
    CHECK(start_bad("2100-02-29:00-00", &utc));
    CHECK(start_is("2000-02-29:00-00", &utc, 951782400));
    CHECK(start_bad("2023-04-31:00-00", &utc));
    CHECK(start_bad("2023-13-01:00-00", &utc));
    CHECK(start_bad("2023-00-01:00-00", &utc));
    CHECK(start_bad("2023-01-00:00-00", &utc));
    CHECK(start_bad("2023-01-01:24-00", &utc));
    CHECK(start_bad("2023-01-01:23-60", &utc));
    CHECK(start_bad("2023-01-01:23-59-60", &utc));
    CHECK(start_bad("1969-12-31:23-59", &utc));
    CHECK(start_bad("20231301-00", &utc));
    CHECK(start_bad("20230101-24", &utc));

    /* shapes */
    CHECK(start_bad("", &utc));
    CHECK(start_bad("2023-01-01", &utc));
    CHECK(start_bad("2023-01-01 10:00", &utc));
    CHECK(start_bad("2023-01-01:10:00", &utc));
    CHECK(start_bad("2023-1-01:10-00", &utc));
    CHECK(start_bad("+023-01-01:10-00", &utc));
    CHECK(start_bad("2023-01-01:1a-00", &utc));
    CHECK(start_bad("2023-01-01:10-00-", &utc));
    CHECK(start_bad("2023-01-01:10-00-5", &utc));
    CHECK(start_bad("2023-01-01:10-00/../", &utc));
    CHECK(start_bad("99999999999999999999", &utc));
    CHECK(start_bad("1700000000", &utc));      /* not an epoch here */
    CHECK(xt_ts_parse_start("2023-01-01:10-00\0xx", 19, &utc, &t) == -1);

    /* DURATION */
    CHECK(xt_ts_parse_minutes("60", 2, &m) == 0 && m == 60);
    CHECK(xt_ts_parse_minutes("1", 1, &m) == 0 && m == 1);
    CHECK(xt_ts_parse_minutes("1440", 4, &m) == 0 && m == 1440);
    CHECK(xt_ts_parse_minutes("1441", 4, &m) == -1);
    CHECK(xt_ts_parse_minutes("0", 1, &m) == -1);
    CHECK(xt_ts_parse_minutes("060", 3, &m) == -1);
    CHECK(xt_ts_parse_minutes("-5", 2, &m) == -1);
    CHECK(xt_ts_parse_minutes("", 0, &m) == -1);
    CHECK(xt_ts_parse_minutes("4294967356", 10, &m) == -1);
    CHECK(xt_ts_parse_minutes("6 ", 2, &m) == -1);

    /* epochs */
    CHECK(xt_ts_parse_epoch("1700000000", 10, &t) == 0 && t == 1700000000);
    CHECK(xt_ts_parse_epoch("0", 1, &t) == -1);
    CHECK(xt_ts_parse_epoch("01700000000", 11, &t) == -1);
    CHECK(xt_ts_parse_epoch("170000000000", 12, &t) == -1);
    CHECK(xt_ts_parse_epoch("99999999999999999999999", 23, &t) == -1);
    CHECK(xt_ts_parse_epoch("17e8", 4, &t) == -1);
    CHECK(xt_ts_parse_epoch("-1", 2, &t) == -1);
}


static void
rec(char *out, long long start, long long dur, long long bytes, char f)
{
    snprintf(out, XT_ARCH_REC_LEN + 1, "%013lld %08lld %012lld %c\n", start,
             dur, bytes, f);
}


static void
test_index(void)
{
    char           buf[XT_ARCH_REC_LEN * 8 + 16];
    size_t         n, len;
    int            i;
    xt_arch_seg_t  out[8];

    /* four 4 s segments from 1 700 000 000 000 ms, the third after a
       restart */
    len = 0;
    for (i = 0; i < 4; i++) {
        rec(buf + len, 1700000000000LL + i * 4000, 4000, 1000 + i,
            i == 2 ? 'D' : '-');
        len += XT_ARCH_REC_LEN;
    }

    n = 0;
    CHECK(xt_arch_index_select(buf, len, 1700000005000LL, 1700000009000LL,
                               out, 8, &n) == 0);
    CHECK(n == 2 && out[0].start_ms == 1700000004000LL
          && out[0].bytes == 1001 && !out[0].disc
          && out[1].start_ms == 1700000008000LL && out[1].disc
          && out[1].dur_ms == 4000);

    /* touching ends do not overlap */
    n = 0;
    CHECK(xt_arch_index_select(buf, len, 1700000004000LL, 1700000008000LL,
                               out, 8, &n) == 0 && n == 1);

    /* a second read of the same hour adds nothing (ascending only) */
    CHECK(xt_arch_index_select(buf, len, 0, 1800000000000LL, out, 8, &n)
          == 0 && n == 3);

    /* a torn tail is ignored */
    memcpy(buf + len, "1700000016000 000", 17);
    n = 0;
    CHECK(xt_arch_index_select(buf, len + 17, 0, 1800000000000LL, out, 8, &n)
          == 0 && n == 4);

    /* junk in a record */
    buf[XT_ARCH_REC_LEN + 3] = 'x';
    n = 0;
    CHECK(xt_arch_index_select(buf, len, 0, 1800000000000LL, out, 8, &n)
          == -1);
    buf[XT_ARCH_REC_LEN + 3] = '0';
    buf[XT_ARCH_REC_LEN + 36] = '?';
    CHECK(xt_arch_index_select(buf, len, 0, 1800000000000LL, out, 8, &n)
          == -1);
    buf[XT_ARCH_REC_LEN + 36] = '-';

    /* out full */
    n = 0;
    CHECK(xt_arch_index_select(buf, len, 0, 1800000000000LL, out, 2, &n)
          == -1);

    /* nothing in the window */
    n = 0;
    CHECK(xt_arch_index_select(buf, len, 1600000000000LL, 1600000060000LL,
                               out, 8, &n) == 0 && n == 0);
    CHECK(xt_arch_index_select("", 0, 0, 1, out, 8, &n) == 0 && n == 0);
}


static void
test_range(void)
{
    uint64_t  a, b;

#define R(h) xt_ts_range(h, strlen(h), 1000, &a, &b)

    CHECK(R("bytes=0-99") == XT_RANGE_OK && a == 0 && b == 99);
    CHECK(R("bytes=500-") == XT_RANGE_OK && a == 500 && b == 999);
    CHECK(R("bytes=-100") == XT_RANGE_OK && a == 900 && b == 999);
    CHECK(R("bytes=-5000") == XT_RANGE_OK && a == 0 && b == 999);
    CHECK(R("bytes=900-5000") == XT_RANGE_OK && a == 900 && b == 999);
    CHECK(R("Bytes = 1-2") == XT_RANGE_OK && a == 1 && b == 2);
    CHECK(R("bytes=1000-") == XT_RANGE_UNSATISFIABLE);
    CHECK(R("bytes=5000-6000") == XT_RANGE_UNSATISFIABLE);
    CHECK(R("bytes=-0") == XT_RANGE_UNSATISFIABLE);
    CHECK(R("bytes=5-1") == XT_RANGE_NONE);
    CHECK(R("bytes=0-1,5-6") == XT_RANGE_NONE);
    CHECK(R("bytes=") == XT_RANGE_NONE);
    CHECK(R("bytes=-") == XT_RANGE_NONE);
    CHECK(R("bytes=a-b") == XT_RANGE_NONE);
    CHECK(R("items=0-1") == XT_RANGE_NONE);
    CHECK(R("bytes=99999999999999999999999-") == XT_RANGE_NONE);
    CHECK(R("bytes=0-99999999999999999999999") == XT_RANGE_NONE);
    CHECK(xt_ts_range("bytes=0-", 8, 0, &a, &b) == XT_RANGE_UNSATISFIABLE);
#undef R
}


static int
sink(void *ctx, const char *p, size_t len)
{
    char    *out = ctx;
    size_t   have = strlen(out);

    if (have + len >= 4096) {
        return -1;
    }
    memcpy(out + have, p, len);
    out[have + len] = '\0';
    return 0;
}


static int
sink_fail(void *ctx, const char *p, size_t len)
{
    (void) ctx;
    (void) p;
    (void) len;
    return -1;
}


static void
test_playlist(void)
{
    static char    out[4096];
    xt_arch_seg_t  segs[3] = {
        { 1700000000000LL, 4000, 100, 0 },
        { 1700000004000LL, 4480, 100, 0 },
        { 1700000020000LL, 4000, 100, 0 }       /* a gap: discontinuity */
    };

    out[0] = '\0';
    CHECK(xt_ts_playlist(segs, 3, 7, "TOK", 3, sink, out) == 0);
    CHECK(strncmp(out, "#EXTM3U\n", 8) == 0);
    CHECK(strstr(out, "#EXT-X-PLAYLIST-TYPE:VOD\n") != NULL);
    CHECK(strstr(out, "#EXT-X-TARGETDURATION:5\n") != NULL);
    CHECK(strstr(out, "#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20.000Z\n"
                      "#EXTINF:4.000,\n/hls/7/archive/1700000000000.ts?t=TOK\n")
          != NULL);
    CHECK(strstr(out, "#EXTINF:4.480,\n/hls/7/archive/1700000004000.ts?t=TOK\n"
                      "#EXT-X-DISCONTINUITY\n") != NULL);
    CHECK(strlen(out) > 15
          && strcmp(out + strlen(out) - 15, "#EXT-X-ENDLIST\n") == 0);
    /* one discontinuity only */
    CHECK(strstr(strstr(out, "DISCONTINUITY") + 1, "DISCONTINUITY") == NULL);
    CHECK(xt_ts_playlist(segs, 3, 7, "TOK", 3, sink_fail, NULL) == -1);
}


int
main(void)
{
    test_start();
    test_index();
    test_range();
    test_playlist();

    printf("test_timeshift: %d passed, %d failed\n", xt_test_passed,
           xt_test_failed);
    return xt_test_failed ? 1 : 0;
}
