/*
 * Stream URL parser (see xt_route.h).  Pure C, unit-tested in
 * tests/test_route.c.
 */

#include <string.h>

#include "xt_route.h"


#define XT_ROUTE_MAX_SEGS  8


typedef struct {
    xt_span_t  seg[XT_ROUTE_MAX_SEGS];
    size_t     n;
} xt_segs_t;


static int xt_route_split(const char *path, size_t len, xt_segs_t *s);
static int xt_route_uint(xt_span_t v, uint64_t max, uint64_t *out);
static int xt_route_id_ext(xt_span_t last, xt_route_t *rt, int ext_required);
static int xt_route_span_is(xt_span_t v, const char *lit);


int
xt_route_valid_cred(const char *p, size_t len)
{
    size_t  i;
    char    c;

    if (len == 0 || len > XT_ROUTE_CRED_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = p[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@'
            || c == '-')
        {
            continue;
        }

        return 0;
    }

    return 1;
}


int
xt_route_raw_ok(const char *raw, size_t len)
{
    size_t         i, seg;
    unsigned char  c, h1, h2;

    seg = 0;

    for (i = 0; i < len; i++) {
        c = (unsigned char) raw[i];

        if (c == '?') {
            break;
        }

        if (c <= 0x20 || c >= 0x7f || c == '\\') {
            return 0;
        }

        if (c == '%') {
            if (i + 2 >= len) {
                return 0;
            }

            h1 = (unsigned char) raw[i + 1] | 0x20;
            h2 = (unsigned char) raw[i + 2] | 0x20;

            /* %2e %2f %5c %00 and any other control byte */
            if ((h1 == '2' && (h2 == 'e' || h2 == 'f'))
                || (h1 == '5' && h2 == 'c')
                || (h1 == '7' && h2 == 'f')
                || h1 == '0' || h1 == '1' || h1 >= '8')
            {
                return 0;
            }
        }

        if (c == '/') {
            /* the segment that just ended: "." or ".." */
            if ((i - seg == 1 && raw[seg] == '.')
                || (i - seg == 2 && raw[seg] == '.' && raw[seg + 1] == '.'))
            {
                return 0;
            }

            seg = i + 1;
        }
    }

    if ((i - seg == 1 && raw[seg] == '.')
        || (i - seg == 2 && raw[seg] == '.' && raw[seg + 1] == '.'))
    {
        return 0;
    }

    return 1;
}


/* Splits "/a/b/c" into non-empty segments; an empty segment is an error. */
static int
xt_route_split(const char *path, size_t len, xt_segs_t *s)
{
    size_t  i, start;

    s->n = 0;

    if (len == 0 || path[0] != '/') {
        return -1;
    }

    start = 1;

    for (i = 1; i <= len; i++) {
        if (i < len && path[i] != '/') {
            if (path[i] == '\0') {
                return -1;
            }
            continue;
        }

        if (i == start || s->n == XT_ROUTE_MAX_SEGS) {
            return -1;
        }

        s->seg[s->n].data = path + start;
        s->seg[s->n].len = i - start;
        s->n++;
        start = i + 1;
    }

    return 0;
}


/* Digits only, no sign, no leading zero, 1..max. */
static int
xt_route_uint(xt_span_t v, uint64_t max, uint64_t *out)
{
    size_t    i;
    uint64_t  n = 0, d;

    if (v.len == 0 || v.len > 20 || (v.data[0] == '0' && v.len > 1)) {
        return -1;
    }

    for (i = 0; i < v.len; i++) {
        if (v.data[i] < '0' || v.data[i] > '9') {
            return -1;
        }

        d = (uint64_t) (v.data[i] - '0');

        if (n > (max - d) / 10) {
            return -1;
        }

        n = n * 10 + d;
    }

    *out = n;
    return 0;
}


static int
xt_route_span_is(xt_span_t v, const char *lit)
{
    size_t  n = strlen(lit);

    return v.len == n && memcmp(v.data, lit, n) == 0;
}


/* "ID" or "ID.EXT" with EXT [A-Za-z0-9]{1,8} */
static int
xt_route_id_ext(xt_span_t last, xt_route_t *rt, int ext_required)
{
    size_t     i;
    uint64_t   id;
    xt_span_t  idpart;
    const char *dot;

    dot = memchr(last.data, '.', last.len);

    idpart.data = last.data;
    idpart.len = dot ? (size_t) (dot - last.data) : last.len;

    if (xt_route_uint(idpart, UINT32_MAX, &id) != 0 || id == 0) {
        return -1;
    }

    rt->id = (uint32_t) id;
    rt->ext.data = "";
    rt->ext.len = 0;
    rt->ext_kind = XT_EXT_NONE;

    if (dot == NULL) {
        return ext_required ? -1 : 0;
    }

    rt->ext.data = dot + 1;
    rt->ext.len = last.len - idpart.len - 1;

    if (rt->ext.len == 0 || rt->ext.len > XT_ROUTE_EXT_MAX) {
        return -1;
    }

    for (i = 0; i < rt->ext.len; i++) {
        char c = rt->ext.data[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')))
        {
            return -1;
        }
    }

    if (xt_route_span_is(rt->ext, "ts")) {
        rt->ext_kind = XT_EXT_TS;

    } else if (xt_route_span_is(rt->ext, "m3u8")) {
        rt->ext_kind = XT_EXT_M3U8;

    } else {
        rt->ext_kind = XT_EXT_OTHER;
    }

    return 0;
}


static int
xt_route_creds(const xt_segs_t *s, size_t at, xt_route_t *rt)
{
    rt->username = s->seg[at];
    rt->password = s->seg[at + 1];

    if (!xt_route_valid_cred(rt->username.data, rt->username.len)
        || !xt_route_valid_cred(rt->password.data, rt->password.len))
    {
        return -1;
    }

    return 0;
}


static xt_route_rc_e
xt_route_hls(const xt_segs_t *s, xt_route_t *rt)
{
    uint64_t    v;
    xt_span_t   last, num;
    const char *dot;

    if (s->n != 4) {
        return XT_ROUTE_NOT_FOUND;
    }

    if (xt_route_uint(s->seg[1], UINT32_MAX, &v) != 0 || v == 0) {
        return XT_ROUTE_BAD;
    }
    rt->id = (uint32_t) v;

    if (xt_route_span_is(s->seg[2], "archive")) {
        rt->variant = XT_ROUTE_ARCHIVE_VARIANT;

    } else if (xt_route_uint(s->seg[2], 63, &v) != 0) {
        return XT_ROUTE_BAD;

    } else {
        rt->variant = (uint32_t) v;
    }

    if (rt->variant == XT_ROUTE_ARCHIVE_VARIANT
        && xt_route_span_is(s->seg[3], "index.m3u8"))
    {
        return XT_ROUTE_BAD;
    }

    last = s->seg[3];

    if (xt_route_span_is(last, "index.m3u8")) {
        rt->kind = XT_ROUTE_HLS_PLAYLIST;
        rt->ext_kind = XT_EXT_M3U8;
        return XT_ROUTE_OK;
    }

    dot = memchr(last.data, '.', last.len);
    if (dot != NULL && rt->variant != XT_ROUTE_ARCHIVE_VARIANT
        && (size_t) (last.data + last.len - dot) == 4
        && memcmp(dot, ".key", 4) == 0)
    {
        rt->kind = XT_ROUTE_HLS_KEY;    /* seq = the key index */

    } else if (dot == NULL || (size_t) (last.data + last.len - dot) != 3
               || dot[1] != 't' || dot[2] != 's')
    {
        return XT_ROUTE_BAD;

    } else {
        rt->kind = XT_ROUTE_HLS_SEGMENT;
        rt->ext_kind = XT_EXT_TS;
    }

    num.data = last.data;
    num.len = (size_t) (dot - last.data);

    if (xt_route_uint(num, UINT64_MAX >> 1, &v) != 0) {
        return XT_ROUTE_BAD;
    }

    rt->seq = v;

    return XT_ROUTE_OK;
}


xt_route_rc_e
xt_route_parse(const char *path, size_t len, xt_route_t *rt)
{
    uint64_t   v;
    size_t     i;
    xt_segs_t  s;

    memset(rt, 0, sizeof(*rt));

    if (xt_route_split(path, len, &s) != 0 || s.n == 0) {
        return XT_ROUTE_NOT_FOUND;
    }

    if (xt_route_span_is(s.seg[0], "hls")) {
        return xt_route_hls(&s, rt);
    }

    if (s.n == 3) {
        /* the short live form /U/P/ID[.ext] */
        rt->kind = XT_ROUTE_LIVE;

        if (xt_route_creds(&s, 0, rt) != 0
            || xt_route_id_ext(s.seg[2], rt, 0) != 0)
        {
            return XT_ROUTE_NOT_FOUND;
        }

        if (rt->ext_kind == XT_EXT_OTHER) {
            return XT_ROUTE_NOT_FOUND;
        }

        return XT_ROUTE_OK;
    }

    if (s.n == 4) {
        if (xt_route_span_is(s.seg[0], "live")) {
            rt->kind = XT_ROUTE_LIVE;

        } else if (xt_route_span_is(s.seg[0], "movie")) {
            rt->kind = XT_ROUTE_MOVIE;

        } else if (xt_route_span_is(s.seg[0], "series")) {
            rt->kind = XT_ROUTE_SERIES;

        } else {
            return XT_ROUTE_NOT_FOUND;
        }

        if (xt_route_creds(&s, 1, rt) != 0
            || xt_route_id_ext(s.seg[3], rt, rt->kind != XT_ROUTE_LIVE)
               != 0)
        {
            return XT_ROUTE_BAD;
        }

        return XT_ROUTE_OK;
    }

    if (s.n == 2 && xt_route_span_is(s.seg[0], "streaming")
        && xt_route_span_is(s.seg[1], "timeshift.php"))
    {
        rt->kind = XT_ROUTE_TIMESHIFT_PHP;
        return XT_ROUTE_OK;
    }

    if (s.n == 6 && xt_route_span_is(s.seg[0], "timeshifts")) {
        /* XC's other order: /timeshifts/U/P/DURATION/ID/START.EXT */
        xt_span_t   last = s.seg[5];
        const char *dot = NULL;

        for (i = last.len; i > 0; i--) {
            if (last.data[i - 1] == '.') {
                dot = last.data + i - 1;
                break;
            }
        }

        rt->kind = XT_ROUTE_TIMESHIFT;

        if (dot == NULL || xt_route_creds(&s, 1, rt) != 0
            || xt_route_uint(s.seg[3], 24 * 60 * 31, &v) != 0 || v == 0
            || xt_route_id_ext(s.seg[4], rt, 0) != 0
            || rt->ext_kind != XT_EXT_NONE)
        {
            return XT_ROUTE_BAD;
        }

        rt->ext.data = dot + 1;
        rt->ext.len = (size_t) (last.data + last.len - dot - 1);
        rt->ext_kind = xt_route_span_is(rt->ext, "ts") ? XT_EXT_TS
                       : xt_route_span_is(rt->ext, "m3u8") ? XT_EXT_M3U8
                       : XT_EXT_OTHER;
        rt->duration = (uint32_t) v;
        rt->start.data = last.data;
        rt->start.len = (size_t) (dot - last.data);

    } else if (s.n == 6 && xt_route_span_is(s.seg[0], "timeshift")) {
        rt->kind = XT_ROUTE_TIMESHIFT;

        if (xt_route_creds(&s, 1, rt) != 0
            || xt_route_uint(s.seg[3], 24 * 60 * 31, &v) != 0 || v == 0
            || xt_route_id_ext(s.seg[5], rt, 1) != 0)
        {
            return XT_ROUTE_BAD;
        }

        rt->duration = (uint32_t) v;
        rt->start = s.seg[4];

    } else {
        return XT_ROUTE_NOT_FOUND;
    }

    /* START is checked against the calendar by the delivery (it needs the
       server's zone); here only its length and alphabet */
    if (rt->start.len == 0 || rt->start.len > XT_ROUTE_START_MAX
        || rt->ext_kind == XT_EXT_OTHER)
    {
        return XT_ROUTE_BAD;
    }

    for (i = 0; i < rt->start.len; i++) {
        char c = rt->start.data[i];

        if (!((c >= '0' && c <= '9') || c == '-' || c == ':')) {
            return XT_ROUTE_BAD;
        }
    }

    return XT_ROUTE_OK;
}
