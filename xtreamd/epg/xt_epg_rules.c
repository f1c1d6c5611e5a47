/* EPG import rules: XMLTV times, skip reasons, overlap set (pure). */
#include <stdlib.h>
#include <string.h>

#include "xt_civil.h"
#include "xt_epg_rules.h"
#include "xt_grow.h"

const char *const  xt_epg_skip_names[XT_EPG_SKIP_COUNT] = {
    "missing_field", "bad_time", "before_1970", "too_far",
    "stop_not_after_start", "too_long", "overlap", "malformed_xml",
    "bad_encoding", "bad_channel_id", "other_source", "limit"
};


static int
xt_digits(const char *s, size_t n, int *v)
{
    size_t  i;

    *v = 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}


int
xt_epg_parse_time(const char *s, size_t len, int64_t *out)
{
    static const unsigned char  mdays[12] = { 31, 29, 31, 30, 31, 30, 31,
                                              31, 30, 31, 30, 31 };
    size_t   nd = 0, i;
    int      Y, M, D, h, m, sec = 0, zh, zm, sign;
    int64_t  t;

    while (nd < len && nd < 15 && s[nd] >= '0' && s[nd] <= '9') {
        nd++;
    }
    if (nd != 12 && nd != 14) {
        return -1;
    }
    xt_digits(s, 4, &Y);
    xt_digits(s + 4, 2, &M);
    xt_digits(s + 6, 2, &D);
    xt_digits(s + 8, 2, &h);
    xt_digits(s + 10, 2, &m);
    if (nd == 14) {
        xt_digits(s + 12, 2, &sec);
    }
    if (M < 1 || M > 12 || D < 1 || D > mdays[M - 1] || h > 23 || m > 59
        || sec > 60)
    {
        return -1;
    }
    if (M == 2 && D == 29 && !((Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0))
    {
        return -1;
    }
    t = xt_days_from_civil(Y, M, D) * 86400
        + h * 3600 + m * 60 + sec;

    i = nd;
    while (i < len && s[i] == ' ') {
        i++;
    }
    if (i == len) {
        *out = t;                       /* no zone: UTC */
        return 0;
    }
    if ((len - i == 1 && s[i] == 'Z')
        || (len - i == 3 && (memcmp(s + i, "UTC", 3) == 0
                             || memcmp(s + i, "GMT", 3) == 0)))
    {
        *out = t;
        return 0;
    }
    if (s[i] != '+' && s[i] != '-') {
        return -1;
    }
    sign = s[i] == '-' ? -1 : 1;
    i++;
    if (len - i == 4) {
        if (xt_digits(s + i, 2, &zh) || xt_digits(s + i + 2, 2, &zm)) {
            return -1;
        }
    } else if (len - i == 5 && s[i + 2] == ':') {
        if (xt_digits(s + i, 2, &zh) || xt_digits(s + i + 3, 2, &zm)) {
            return -1;
        }
    } else {
        return -1;
    }
    if (zh > 14 || zm > 59 || (zh == 14 && zm)) {
        return -1;
    }
    /* local time = UTC + offset */
    *out = t - sign * (zh * 3600 + zm * 60);
    return 0;
}


int
xt_epg_time_rule(int64_t start, int64_t stop, int64_t now)
{
    if (start < 0 || stop < 0) {
        return XT_EPG_SKIP_BEFORE_1970;
    }
    if (start > now + XT_EPG_MAX_AHEAD) {
        return XT_EPG_SKIP_TOO_FAR;
    }
    if (stop <= start) {
        return XT_EPG_SKIP_NOT_AFTER;
    }
    if (stop - start > XT_EPG_MAX_SECONDS) {
        return XT_EPG_SKIP_TOO_LONG;
    }
    return -1;
}


int
xt_epg_outside(int64_t start, int64_t stop, int64_t from, int64_t to)
{
    return stop <= from || start >= to;
}


int
xt_epg_channel_id_ok(const char *s, size_t len)
{
    size_t  i;

    if (len == 0 || len > XT_EPG_CHANNEL_ID_MAX) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f) {
            return 0;
        }
    }
    return 1;
}


size_t
xt_epg_utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max) {
        return len;
    }
    /* back off continuation bytes so the cut lands before a lead byte */
    while (max > 0 && ((unsigned char) s[max] & 0xc0) == 0x80) {
        max--;
    }
    return max;
}


int
xt_epg_has_fffd(const char *s, size_t len)
{
    const char  *p, *e;

    /* an empty element's text is (NULL, 0): no arithmetic on NULL */
    if (len < 3) {
        return 0;
    }
    p = s;
    e = s + len;

    while (p + 3 <= e && (p = memchr(p, '\xef', (size_t) (e - p))) != NULL) {
        if (p + 3 <= e && p[1] == '\xbf' && p[2] == '\xbd') {
            return 1;
        }
        p++;
    }
    return 0;
}


int
xt_epg_ivset_add(xt_epg_ivset_t *s, int64_t start, int64_t stop)
{
    size_t  lo = 0, hi = s->n, mid;

    /* first interval whose start is >= start */
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (s->iv[2 * mid] < start) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if ((lo > 0 && s->iv[2 * (lo - 1) + 1] > start)
        || (lo < s->n && s->iv[2 * lo] < stop))
    {
        return 1;
    }
    /* an item is one [start, stop) pair */
    if (xt_grow((void **) &s->iv, &s->cap, s->n, 2 * sizeof(int64_t)) != 0) {
        return -1;
    }
    memmove(s->iv + 2 * (lo + 1), s->iv + 2 * lo,
            (s->n - lo) * 2 * sizeof(int64_t));
    s->iv[2 * lo] = start;
    s->iv[2 * lo + 1] = stop;
    s->n++;
    return 0;
}


void
xt_epg_ivset_free(xt_epg_ivset_t *s)
{
    free(s->iv);
    memset(s, 0, sizeof(*s));
}
