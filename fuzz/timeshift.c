/*
 * Catch-up (xt_timeshift.c): the START / DURATION / epoch segments of
 * /timeshift/U/P/DURATION/START/ID.ext and of the "shift" URLs, the Range
 * header of an archive request, and the worker's archive index files.
 * See fuzz/README.md.
 *
 * Input: byte 0 picks the parser (0 START in UTC, 1 START in
 * Europe/London, 2 epoch, 3 minutes, 4 Range with the body size in bytes
 * 1..8, 5 archive index with from/to ms in bytes 1..16), the rest is the
 * text.
 */

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "xt_timeshift.h"


static xt_tz_t  utc, london;        /* large: not on the stack */
static int      have_london;


static uint64_t
be64(const uint8_t *p)
{
    uint64_t  v = 0;
    int       i;

    for (i = 0; i < 8; i++) {
        v = v << 8 | p[i];
    }

    return v;
}


static int
sink(void *ctx, const char *p, size_t len)
{
    (void) ctx;
    assert(len == 0 || p != NULL);
    return 0;
}


/* a parsed START shows the same wall clock when the instant is formatted
   back in its zone */
static void
start_round_trip(const xt_tz_t *tz, const char *s, size_t len, int64_t t)
{
    char  out[XT_TZ_TIME_LEN + 1], want[XT_TZ_TIME_LEN + 1];

    assert(t >= 0 - 86400 && t <= XT_TZ_T_MAX + 86400);

    xt_tz_format(tz, t, out);

    if (len == 11) {                            /* YYYYMMDD-HH */
        snprintf(want, sizeof(want), "%.4s-%.2s-%.2s %.2s:00:00", s, s + 4,
                 s + 6, s + 9);
    } else {                                    /* YYYY-MM-DD:HH-MM[-SS] */
        snprintf(want, sizeof(want), "%.10s %.2s:%.2s:%.2s", s, s + 11,
                 s + 14, len == 19 ? s + 17 : "00");
    }

    assert(strcmp(out, want) == 0);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t          n, i;
    int64_t         t;
    uint32_t        minutes;
    uint64_t        total, from, to;
    const char     *s, *err;
    xt_range_rc_e   rc;
    xt_arch_seg_t   segs[16];

    if (utc.name[0] == '\0') {
        xt_tz_utc(&utc);
        have_london = xt_tz_load(&london, "/usr/share/zoneinfo",
                                 "Europe/London", &err) == 0;
    }

    if (size < 1) {
        return 0;
    }

    s = (const char *) data + 1;
    n = size - 1;

    switch (data[0] % 6) {

    case 0:
    case 1:
        if (data[0] % 6 == 1 && !have_london) {
            return 0;
        }
        if (xt_ts_parse_start(s, n, data[0] % 6 ? &london : &utc, &t) == 0) {
            start_round_trip(data[0] % 6 ? &london : &utc, s, n, t);
        }
        break;

    case 2:
        if (xt_ts_parse_epoch(s, n, &t) == 0) {
            assert(t >= 1 && t <= 99999999999LL);
        }
        break;

    case 3:
        if (xt_ts_parse_minutes(s, n, &minutes) == 0) {
            assert(minutes >= 1 && minutes <= XT_TS_MAX_MINUTES);
        }
        break;

    case 4:
        if (n < 8) {
            return 0;
        }
        total = be64(data + 1);
        rc = xt_ts_range(s + 8, n - 8, total, &from, &to);
        assert(rc <= XT_RANGE_UNSATISFIABLE);
        if (rc == XT_RANGE_OK) {
            assert(from <= to && to < total);
        }
        break;

    default:
        if (n < 16) {
            return 0;
        }
        from = be64(data + 1);
        to = be64(data + 9);
        i = 0;
        if (xt_arch_index_select(s + 16, n - 16, (int64_t) from,
                                 (int64_t) to, segs, 16, &i) == 0)
        {
            assert(i <= 16);
            for (n = 1; n < i; n++) {
                assert(segs[n].start_ms > segs[n - 1].start_ms);
            }
            (void) xt_ts_playlist(segs, i, 42, "tok", 3, sink, NULL);
        }
        break;
    }

    return 0;
}
