/*
 * Catch-up parameters, archive index and window maths (xt_timeshift.h).
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "xt_timeshift.h"


/* n digits at s into *v; -1 on any other byte */
static int
xt_ts_digits(const char *s, size_t n, int64_t *v)
{
    size_t   i;
    int64_t  r = 0;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        r = r * 10 + (s[i] - '0');
    }

    *v = r;
    return 0;
}


static int
xt_ts_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}


static int
xt_ts_mdays(int64_t y, int64_t m)
{
    static const int  days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
                                 30, 31 };

    return (m == 2 && xt_ts_leap(y)) ? 29 : days[m - 1];
}


int
xt_ts_local_to_utc(const xt_tz_t *tz, int64_t local, int64_t *utc)
{
    int32_t  oa, ob;
    int64_t  ta, tb;
    int      va, vb;

    /* the offsets a day either side: within two days there is at most one
       change, so the instant is L - one of them, if any */
    oa = xt_tz_offset(tz, local - 86400);
    ob = xt_tz_offset(tz, local + 86400);

    ta = local - oa;
    tb = local - ob;
    va = (xt_tz_offset(tz, ta) == oa);
    vb = (xt_tz_offset(tz, tb) == ob);

    if (va && vb) {
        *utc = ta < tb ? ta : tb;       /* repeated hour: the first */
        return 0;
    }

    if (va || vb) {
        *utc = va ? ta : tb;
        return 0;
    }

    return -1;                          /* skipped by a DST change */
}


int
xt_ts_parse_start(const char *s, size_t len, const xt_tz_t *tz,
    int64_t *utc)
{
    int64_t  y, mo, d, h, mi, sec, local;

    sec = 0;

    if (len == 16 || len == 19) {
        /* YYYY-MM-DD:HH-MM[-SS|:SS] */
        if (s[4] != '-' || s[7] != '-' || s[10] != ':' || s[13] != '-'
            || xt_ts_digits(s, 4, &y) || xt_ts_digits(s + 5, 2, &mo)
            || xt_ts_digits(s + 8, 2, &d) || xt_ts_digits(s + 11, 2, &h)
            || xt_ts_digits(s + 14, 2, &mi))
        {
            return -1;
        }

        if (len == 19
            && ((s[16] != '-' && s[16] != ':')
                || xt_ts_digits(s + 17, 2, &sec)))
        {
            return -1;
        }

    } else if (len == 11) {
        /* YYYYMMDD-HH */
        if (s[8] != '-' || xt_ts_digits(s, 4, &y)
            || xt_ts_digits(s + 4, 2, &mo) || xt_ts_digits(s + 6, 2, &d)
            || xt_ts_digits(s + 9, 2, &h))
        {
            return -1;
        }

        mi = 0;

    } else {
        return -1;
    }

    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1
        || d > xt_ts_mdays(y, mo) || h > 23 || mi > 59 || sec > 59)
    {
        return -1;
    }

    local = xt_days_from_civil(y, (int32_t) mo, (int32_t) d) * 86400
            + h * 3600 + mi * 60 + sec;

    return xt_ts_local_to_utc(tz, local, utc);
}


int
xt_ts_parse_epoch(const char *s, size_t len, int64_t *out)
{
    int64_t  v;

    if (len == 0 || len > 11 || s[0] == '0' || xt_ts_digits(s, len, &v)) {
        return -1;
    }

    *out = v;
    return 0;
}


int
xt_ts_parse_minutes(const char *s, size_t len, uint32_t *out)
{
    int64_t  v;

    if (len == 0 || len > 4 || s[0] == '0' || xt_ts_digits(s, len, &v)
        || v < 1 || v > XT_TS_MAX_MINUTES)
    {
        return -1;
    }

    *out = (uint32_t) v;
    return 0;
}


/* "SSSSSSSSSSSSS DDDDDDDD BBBBBBBBBBBB F\n" */
int
xt_arch_record(const char *p, xt_arch_seg_t *seg)
{
    int64_t  start, dur, bytes;

    if (p[13] != ' ' || p[22] != ' ' || p[35] != ' ' || p[37] != '\n'
        || (p[36] != 'D' && p[36] != '-')
        || xt_ts_digits(p, 13, &start) || xt_ts_digits(p + 14, 8, &dur)
        || xt_ts_digits(p + 23, 12, &bytes))
    {
        return -1;
    }

    seg->start_ms = start;
    seg->dur_ms = (uint32_t) dur;
    seg->bytes = (uint64_t) bytes;
    seg->disc = (p[36] == 'D');

    return 0;
}


int
xt_arch_index_select(const char *buf, size_t len, int64_t from_ms,
    int64_t to_ms, xt_arch_seg_t *out, size_t max, size_t *n)
{
    size_t         i, nrec;
    int64_t        end;
    xt_arch_seg_t  seg;

    nrec = len / XT_ARCH_REC_LEN;       /* a torn tail is not a record */

    for (i = 0; i < nrec; i++) {
        if (xt_arch_record(buf + i * XT_ARCH_REC_LEN, &seg) != 0) {
            return -1;
        }

        end = seg.start_ms + (seg.dur_ms ? seg.dur_ms : 1);

        if (seg.start_ms >= to_ms || end <= from_ms || seg.bytes == 0) {
            continue;
        }

        if (*n > 0 && seg.start_ms <= out[*n - 1].start_ms) {
            continue;
        }

        if (*n == max) {
            return -1;
        }

        out[(*n)++] = seg;
    }

    return 0;
}


/* digits of s[*i..) while they last, into *v; -1 when none or > 2^62 */
static int
xt_range_num(const char *h, size_t len, size_t *i, uint64_t *v)
{
    size_t    start = *i;
    uint64_t  r = 0;

    while (*i < len && h[*i] >= '0' && h[*i] <= '9') {
        if (r > (UINT64_C(1) << 62) / 10) {
            return -1;
        }
        r = r * 10 + (uint64_t) (h[*i] - '0');
        (*i)++;
    }

    if (*i == start) {
        return -1;
    }

    *v = r;
    return 0;
}


static void
xt_range_ws(const char *h, size_t len, size_t *i)
{
    while (*i < len && (h[*i] == ' ' || h[*i] == '\t')) {
        (*i)++;
    }
}


xt_range_rc_e
xt_ts_range(const char *h, size_t len, uint64_t total, uint64_t *from,
    uint64_t *to)
{
    size_t    i;
    uint64_t  a, b;
    int       suffix, open_end;

    if (len < 7 || strncasecmp(h, "bytes", 5) != 0) {
        return XT_RANGE_NONE;
    }

    i = 5;
    xt_range_ws(h, len, &i);

    if (i == len || h[i++] != '=') {
        return XT_RANGE_NONE;
    }

    xt_range_ws(h, len, &i);

    a = b = 0;
    suffix = open_end = 0;

    if (i < len && h[i] == '-') {
        i++;
        suffix = 1;
        if (xt_range_num(h, len, &i, &b) != 0) {
            return XT_RANGE_NONE;
        }

    } else {
        if (xt_range_num(h, len, &i, &a) != 0 || i == len || h[i++] != '-')
        {
            return XT_RANGE_NONE;
        }

        if (i == len || h[i] < '0' || h[i] > '9') {
            open_end = 1;

        } else if (xt_range_num(h, len, &i, &b) != 0 || b < a) {
            return XT_RANGE_NONE;
        }
    }

    xt_range_ws(h, len, &i);

    if (i != len) {
        /* several ranges (or junk): the whole body, which RFC 9110 allows */
        return XT_RANGE_NONE;
    }

    if (suffix) {
        if (b == 0 || total == 0) {
            return XT_RANGE_UNSATISFIABLE;
        }
        *from = b >= total ? 0 : total - b;
        *to = total - 1;
        return XT_RANGE_OK;
    }

    if (a >= total) {
        return XT_RANGE_UNSATISFIABLE;
    }

    *from = a;
    *to = (open_end || b >= total) ? total - 1 : b;

    return XT_RANGE_OK;
}


static void
xt_ts_pdt(int64_t ms, char *out, size_t size)
{
    int64_t  s, days, y, rem;
    int32_t  m, d;

    s = ms / 1000;
    days = s / 86400;
    rem = s % 86400;

    xt_civil_from_days(days, &y, &m, &d);

    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int) y, m, d,
             (int) (rem / 3600), (int) (rem / 60 % 60), (int) (rem % 60),
             (int) (ms % 1000));
}


#define XT_TS_EMIT(p, n)  do {                                            \
        if (sink(ctx, (p), (n)) != 0) return -1;                          \
    } while (0)


int
xt_ts_playlist(const xt_arch_seg_t *segs, size_t n, uint32_t stream_id,
    const char *token, size_t token_len, xt_ts_sink_pt sink, void *ctx)
{
    size_t    i;
    int       k;
    int64_t   prev_end;
    uint32_t  max_ms;
    char      line[192], pdt[40];

    max_ms = 1000;
    for (i = 0; i < n; i++) {
        if (segs[i].dur_ms > max_ms) {
            max_ms = segs[i].dur_ms;
        }
    }

    k = snprintf(line, sizeof(line),
                 "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n"
                 "#EXT-X-TARGETDURATION:%u\n#EXT-X-MEDIA-SEQUENCE:0\n",
                 (unsigned) ((max_ms + 999) / 1000));
    XT_TS_EMIT(line, (size_t) k);

    prev_end = 0;

    for (i = 0; i < n; i++) {
        if (i > 0
            && (segs[i].disc || segs[i].start_ms > prev_end + 1000
                || segs[i].start_ms < prev_end - 1000))
        {
            XT_TS_EMIT("#EXT-X-DISCONTINUITY\n", 21);
        }

        xt_ts_pdt(segs[i].start_ms, pdt, sizeof(pdt));

        k = snprintf(line, sizeof(line),
                     "#EXT-X-PROGRAM-DATE-TIME:%s\n#EXTINF:%u.%03u,\n"
                     "/hls/%u/archive/%lld.ts?t=", pdt,
                     (unsigned) (segs[i].dur_ms / 1000),
                     (unsigned) (segs[i].dur_ms % 1000), (unsigned) stream_id,
                     (long long) segs[i].start_ms);
        XT_TS_EMIT(line, (size_t) k);
        XT_TS_EMIT(token, token_len);
        XT_TS_EMIT("\n", 1);

        prev_end = segs[i].start_ms + segs[i].dur_ms;
    }

    XT_TS_EMIT("#EXT-X-ENDLIST\n", 15);

    return 0;
}
