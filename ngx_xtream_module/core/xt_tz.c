/*
 * TZif reader and local-time arithmetic.  The file is trusted no more than
 * any input: counts are bounded, every read is inside the buffer.
 */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xt_tz.h"


#define XT_FAIL(msg)  do { *err = (msg); return -1; } while (0)


int
xt_tz_name_valid(const char *name, size_t len)
{
    size_t  i, comp;

    if (len == 0 || len > XT_TZ_NAME_MAX || name[0] == '/') {
        return 0;
    }

    comp = 0;

    for (i = 0; i < len; i++) {
        char  c = name[i];

        if (c == '/') {
            if (comp == 0) {
                return 0;       /* "//" */
            }
            comp = 0;
            continue;
        }

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '+'
              || c == '.'))
        {
            return 0;
        }

        /* a component may not start with a dot: no "..", no hidden files */
        if (c == '.' && comp == 0) {
            return 0;
        }

        comp++;
    }

    return comp > 0;
}


void
xt_tz_utc(xt_tz_t *tz)
{
    memset(tz, 0, sizeof(xt_tz_t));
    memcpy(tz->name, "UTC", 4);
}


static uint32_t
xt_be32(const unsigned char *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16
           | (uint32_t) p[2] << 8 | p[3];
}


static int64_t
xt_be64(const unsigned char *p)
{
    return (int64_t) ((uint64_t) xt_be32(p) << 32 | xt_be32(p + 4));
}


/* POSIX TZ footer pieces: names, offsets, Mm.w.d rules */

static const char *
xt_posix_name(const char *p, const char *end)
{
    const char  *s;

    if (p < end && *p == '<') {
        s = memchr(p, '>', (size_t) (end - p));
        return s ? s + 1 : NULL;
    }

    s = p;
    while (p < end && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))) {
        p++;
    }

    return p - s >= 3 ? p : NULL;
}


/* [+-]h[h][:mm[:ss]] into seconds; hours up to 167 (RFC 8536 rule times) */
static const char *
xt_posix_time(const char *p, const char *end, int32_t *out)
{
    int32_t  sign, v[3], i, n;

    sign = 1;
    if (p < end && (*p == '+' || *p == '-')) {
        sign = *p == '-' ? -1 : 1;
        p++;
    }

    v[0] = v[1] = v[2] = 0;

    for (i = 0; i < 3; i++) {
        if (i > 0) {
            if (p >= end || *p != ':') {
                break;
            }
            p++;
        }

        n = 0;
        while (p < end && *p >= '0' && *p <= '9' && n < 3) {
            v[i] = v[i] * 10 + (*p - '0');
            p++;
            n++;
        }

        if (n == 0) {
            return NULL;
        }
    }

    if (v[0] > 167 || v[1] > 59 || v[2] > 59) {
        return NULL;
    }

    *out = sign * (v[0] * 3600 + v[1] * 60 + v[2]);

    return p;
}


static const char *
xt_posix_num(const char *p, const char *end, int32_t *out)
{
    int32_t  v, n;

    v = 0;
    n = 0;

    while (p < end && *p >= '0' && *p <= '9' && n < 3) {
        v = v * 10 + (*p - '0');
        p++;
        n++;
    }

    if (n == 0) {
        return NULL;
    }

    *out = v;

    return p;
}


static const char *
xt_posix_rule(const char *p, const char *end, xt_tz_rule_t *r)
{
    if (p >= end || *p != 'M') {
        return NULL;        /* Jn and n forms are not used by tzdata */
    }

    p = xt_posix_num(p + 1, end, &r->month);
    if (p == NULL || p >= end || *p != '.') {
        return NULL;
    }

    p = xt_posix_num(p + 1, end, &r->week);
    if (p == NULL || p >= end || *p != '.') {
        return NULL;
    }

    p = xt_posix_num(p + 1, end, &r->wday);
    if (p == NULL) {
        return NULL;
    }

    if (r->month < 1 || r->month > 12 || r->week < 1 || r->week > 5
        || r->wday > 6)
    {
        return NULL;
    }

    r->secs = 7200;

    if (p < end && *p == '/') {
        p = xt_posix_time(p + 1, end, &r->secs);
    }

    return p;
}


/* UTC offsets RFC 8536 allows (rule times may reach 167 h, offsets not) */
static int
xt_tz_off_ok(int32_t off)
{
    return off >= -25 * 3600 && off <= 26 * 3600;
}


static int
xt_posix_parse(xt_tz_t *tz, const char *p, const char *end)
{
    int32_t  off;

    p = xt_posix_name(p, end);
    if (p == NULL || (p = xt_posix_time(p, end, &off)) == NULL) {
        return -1;
    }

    tz->std_off = -off;         /* POSIX offsets count west of UTC */
    tz->dst_off = tz->std_off;

    if (!xt_tz_off_ok(tz->std_off)) {
        return -1;
    }
    tz->has_rule = 1;

    if (p == end) {
        return 0;
    }

    p = xt_posix_name(p, end);
    if (p == NULL) {
        return -1;
    }

    tz->dst_off = tz->std_off + 3600;

    if (p < end && *p != ',') {
        p = xt_posix_time(p, end, &off);
        if (p == NULL) {
            return -1;
        }
        tz->dst_off = -off;
    }

    if (!xt_tz_off_ok(tz->dst_off)) {
        return -1;
    }

    if (p >= end || *p != ',') {
        return -1;
    }

    p = xt_posix_rule(p + 1, end, &tz->dst_start);
    if (p == NULL || p >= end || *p != ',') {
        return -1;
    }

    p = xt_posix_rule(p + 1, end, &tz->dst_end);
    if (p != end) {
        return -1;
    }

    tz->has_dst = 1;

    return 0;
}


/* local (wall clock in the given offset) instant of a rule in year y */
static int64_t
xt_rule_instant(const xt_tz_rule_t *r, int64_t y, int32_t off)
{
    int32_t  mdays, first_wday, day;
    int64_t  days;

    static const int32_t  mlen[] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    days = xt_days_from_civil(y, r->month, 1);
    /* 1970-01-01 was a Thursday */
    first_wday = (int32_t) (((days % 7) + 7 + 4) % 7);

    mdays = mlen[r->month - 1];
    if (r->month == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        mdays = 29;
    }

    day = 1 + (r->wday - first_wday + 7) % 7 + (r->week - 1) * 7;
    while (day > mdays) {
        day -= 7;
    }

    return (days + day - 1) * 86400 + r->secs - off;
}


static int32_t
xt_rule_offset(const xt_tz_t *tz, int64_t t)
{
    int32_t  m, d;
    int64_t  y, start, end;

    if (!tz->has_dst) {
        return tz->std_off;
    }

    xt_civil_from_days((t + tz->std_off) / 86400
                       - ((t + tz->std_off) % 86400 < 0), &y, &m, &d);

    /* start is given in standard time, end in daylight time */
    start = xt_rule_instant(&tz->dst_start, y, tz->std_off);
    end = xt_rule_instant(&tz->dst_end, y, tz->dst_off);

    if (start < end) {
        return (t >= start && t < end) ? tz->dst_off : tz->std_off;
    }

    /* southern hemisphere: DST spans the new year */
    return (t >= end && t < start) ? tz->std_off : tz->dst_off;
}


int32_t
xt_tz_offset(const xt_tz_t *tz, int64_t t)
{
    uint32_t  lo, hi, mid;

    t = xt_tz_clamp(t);

    if (tz->ntrans == 0 || t < tz->trans[0]) {
        if (tz->ntrans == 0 && tz->has_rule) {
            return xt_rule_offset(tz, t);
        }
        return tz->initial_off;
    }

    if (t >= tz->trans[tz->ntrans - 1] && tz->has_rule) {
        return xt_rule_offset(tz, t);
    }

    /* last transition <= t */
    lo = 0;
    hi = tz->ntrans;
    while (hi - lo > 1) {
        mid = lo + (hi - lo) / 2;
        if (tz->trans[mid] <= t) {
            lo = mid;
        } else {
            hi = mid;
        }
    }

    return tz->trans_off[lo];
}


void
xt_tz_format(const xt_tz_t *tz, int64_t t, char *out)
{
    int32_t  m, d, sec;
    int64_t  y, local, days;

    t = xt_tz_clamp(t);
    local = t + xt_tz_offset(tz, t);
    days = local / 86400;
    sec = (int32_t) (local % 86400);
    if (sec < 0) {
        sec += 86400;
        days--;
    }

    xt_civil_from_days(days, &y, &m, &d);

    if (y < 0 || y > 9999) {
        y = y < 0 ? 0 : 9999;
    }

    snprintf(out, XT_TZ_TIME_LEN + 1, "%04d-%02d-%02d %02d:%02d:%02d",
             (int) y, (int) m, (int) d, (int) (sec / 3600),
             (int) (sec / 60 % 60), (int) (sec % 60));
}


typedef struct {
    uint32_t  isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} xt_tzif_counts_t;


static int
xt_tzif_header(const unsigned char *p, size_t len, xt_tzif_counts_t *c)
{
    if (len < 44 || memcmp(p, "TZif", 4) != 0) {
        return -1;
    }

    c->isutcnt = xt_be32(p + 20);
    c->isstdcnt = xt_be32(p + 24);
    c->leapcnt = xt_be32(p + 28);
    c->timecnt = xt_be32(p + 32);
    c->typecnt = xt_be32(p + 36);
    c->charcnt = xt_be32(p + 40);

    if (c->typecnt == 0 || c->typecnt > 256 || c->timecnt > XT_TZ_MAX_TRANS
        || c->charcnt > 4096 || c->leapcnt > 4096
        || (c->isutcnt != 0 && c->isutcnt != c->typecnt)
        || (c->isstdcnt != 0 && c->isstdcnt != c->typecnt))
    {
        return -1;
    }

    return 0;
}


static size_t
xt_tzif_block_size(const xt_tzif_counts_t *c, size_t tsize)
{
    return (size_t) c->timecnt * tsize + c->timecnt + c->typecnt * 6
           + c->charcnt + c->leapcnt * (tsize + 4) + c->isstdcnt
           + c->isutcnt;
}


int
xt_tz_parse(xt_tz_t *tz, const unsigned char *p, size_t len,
    const char **err)
{
    int                   v2;
    size_t                tsize, block, i;
    uint32_t              type;
    const unsigned char  *times, *idx, *types, *foot, *end, *nl;
    xt_tzif_counts_t      c;

    memset(tz, 0, sizeof(xt_tz_t));

    if (xt_tzif_header(p, len, &c) != 0) {
        XT_FAIL("not a TZif file or bad counts");
    }

    v2 = p[4] >= '2';
    tsize = 4;
    block = xt_tzif_block_size(&c, 4);

    if (block > len - 44) {
        XT_FAIL("truncated TZif data");
    }

    if (v2) {
        /* skip the 32-bit block: the 64-bit one follows with its header */
        p += 44 + block;
        len -= 44 + block;

        if (xt_tzif_header(p, len, &c) != 0) {
            XT_FAIL("bad TZif v2 header");
        }

        tsize = 8;
        block = xt_tzif_block_size(&c, 8);
        if (block > len - 44) {
            XT_FAIL("truncated TZif v2 data");
        }
    }

    times = p + 44;
    idx = times + (size_t) c.timecnt * tsize;
    types = idx + c.timecnt;

    for (i = 0; i < c.timecnt; i++) {
        tz->trans[i] = tsize == 8 ? xt_be64(times + i * 8)
                                  : (int32_t) xt_be32(times + i * 4);

        if (i > 0 && tz->trans[i] <= tz->trans[i - 1]) {
            XT_FAIL("TZif transitions not ascending");
        }

        type = idx[i];
        if (type >= c.typecnt) {
            XT_FAIL("TZif type index out of range");
        }

        tz->trans_off[i] = (int32_t) xt_be32(types + type * 6);
    }

    tz->ntrans = c.timecnt;
    tz->initial_off = (int32_t) xt_be32(types);

    for (i = 0; i < c.typecnt; i++) {
        int32_t  off = (int32_t) xt_be32(types + i * 6);

        if (!xt_tz_off_ok(off)) {
            XT_FAIL("TZif offset out of range");
        }
    }

    if (v2) {
        foot = times + block;
        end = p + len;

        if (foot < end && *foot == '\n') {
            nl = memchr(foot + 1, '\n', (size_t) (end - foot - 1));
            if (nl == NULL) {
                XT_FAIL("TZif footer not terminated");
            }

            if (nl > foot + 1
                && xt_posix_parse(tz, (const char *) foot + 1,
                                  (const char *) nl) != 0)
            {
                XT_FAIL("unsupported TZif footer rule");
            }
        }
    }

    return 0;
}


int
xt_tz_load(xt_tz_t *tz, const char *dir, const char *name, const char **err)
{
    int             fd;
    char            path[4096];
    size_t          nlen;
    ssize_t         n;
    struct stat     st;
    unsigned char  *buf;
    static unsigned char  file[XT_TZ_FILE_MAX];

    nlen = strlen(name);

    if (!xt_tz_name_valid(name, nlen)) {
        XT_FAIL("invalid time zone name");
    }

    if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir, name)
        >= sizeof(path))
    {
        XT_FAIL("time zone path too long");
    }

    /* the name is validated; links inside zoneinfo (UTC) are fine */
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        XT_FAIL("cannot open the time zone file");
    }

    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)
        || st.st_size > XT_TZ_FILE_MAX)
    {
        close(fd);
        XT_FAIL("time zone file is not a regular file of sane size");
    }

    /* configuration time only: a static buffer keeps the stack small */
    buf = file;
    n = read(fd, buf, (size_t) st.st_size);
    close(fd);

    if (n != st.st_size) {
        XT_FAIL("short read of the time zone file");
    }

    if (xt_tz_parse(tz, buf, (size_t) n, err) != 0) {
        return -1;
    }

    memcpy(tz->name, name, nlen + 1);

    return 0;
}
