/*
 * Allowed addresses, user agents and outputs (see xt_access.h).
 */

#include <string.h>
#include <arpa/inet.h>

#include "xt_snap_format.h"
#include "xt_access.h"


void
xt_access_addr_v4(uint8_t out[XT_ACCESS_ADDR_LEN], const uint8_t v4[4])
{
    memset(out, 0, 10);
    out[10] = 0xff;
    out[11] = 0xff;
    memcpy(out + 12, v4, 4);
}


void
xt_access_addr_v6(uint8_t out[XT_ACCESS_ADDR_LEN], const uint8_t v6[16])
{
    memcpy(out, v6, 16);
}


/* one entry, trimmed, into a 16-byte address and a prefix length */
static int
xt_access_parse(const char *p, size_t len, uint8_t net[XT_ACCESS_ADDR_LEN],
    unsigned *bits)
{
    size_t       i, alen;
    unsigned     n, max;
    char         buf[64];
    uint8_t      v4[4];
    const char  *slash;

    if (len == 0 || len >= sizeof(buf)) {
        return -1;
    }

    slash = memchr(p, '/', len);
    alen = slash ? (size_t) (slash - p) : len;

    memcpy(buf, p, alen);
    buf[alen] = '\0';

    if (inet_pton(AF_INET, buf, v4) == 1) {
        xt_access_addr_v4(net, v4);
        max = 32;

    } else if (inet_pton(AF_INET6, buf, net) == 1) {
        max = 128;

    } else {
        return -1;
    }

    n = max;

    if (slash) {
        i = alen + 1;

        if (i == len || len - i > 3) {
            return -1;
        }

        for (n = 0; i < len; i++) {
            if (p[i] < '0' || p[i] > '9') {
                return -1;
            }
            n = n * 10 + (unsigned) (p[i] - '0');
        }

        if (n > max) {
            return -1;
        }
    }

    *bits = (max == 32) ? n + 96 : n;

    return 0;
}


static int
xt_access_match(const uint8_t net[XT_ACCESS_ADDR_LEN], unsigned bits,
    const uint8_t addr[XT_ACCESS_ADDR_LEN])
{
    unsigned  whole = bits / 8, rest = bits % 8;
    uint8_t   mask;

    if (memcmp(net, addr, whole) != 0) {
        return 0;
    }

    if (rest == 0) {
        return 1;
    }

    mask = (uint8_t) (0xff << (8 - rest));

    return (net[whole] & mask) == (addr[whole] & mask);
}


/* calls fn on each trimmed, non-empty entry; stops at the first 1 */
typedef int (*xt_access_entry_pt)(const char *p, size_t len, const void *ctx,
    size_t ctx_len);

static int
xt_access_each(const char *list, size_t len, xt_access_entry_pt fn,
    const void *ctx, size_t ctx_len, int *nonempty)
{
    const char  *p, *end, *comma, *s, *e;

    p = list;
    end = list + len;
    *nonempty = 0;

    while (p < end) {
        comma = memchr(p, ',', (size_t) (end - p));
        e = comma ? comma : end;
        s = p;

        while (s < e && (*s == ' ' || *s == '\t')) {
            s++;
        }

        while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
            e--;
        }

        if (e > s) {
            *nonempty = 1;

            if (fn(s, (size_t) (e - s), ctx, ctx_len)) {
                return 1;
            }
        }

        p = comma ? comma + 1 : end;
    }

    return 0;
}


static int
xt_access_ip_entry(const char *p, size_t len, const void *ctx, size_t unused)
{
    unsigned  bits;
    uint8_t   net[XT_ACCESS_ADDR_LEN];

    (void) unused;

    if (xt_access_parse(p, len, net, &bits) != 0) {
        return 0;
    }

    return xt_access_match(net, bits, ctx);
}


int
xt_access_ip_allowed(const char *list, size_t len,
    const uint8_t addr[XT_ACCESS_ADDR_LEN])
{
    int  nonempty;

    if (xt_access_each(list, len, xt_access_ip_entry, addr, 0, &nonempty)) {
        return 1;
    }

    return !nonempty;
}


/* xtreamd checks stored lists with the module's own reading */
int
xt_access_ip_entry_valid(const char *p, size_t len)
{
    unsigned  bits;
    uint8_t   net[XT_ACCESS_ADDR_LEN];

    return xt_access_parse(p, len, net, &bits) == 0;
}


static int
xt_access_ip_entry_bad(const char *p, size_t len, const void *ctx,
    size_t unused)
{
    (void) ctx;
    (void) unused;

    return !xt_access_ip_entry_valid(p, len);
}


int
xt_access_ip_list_valid(const char *list, size_t len)
{
    int  nonempty;

    return !xt_access_each(list, len, xt_access_ip_entry_bad, NULL, 0,
                           &nonempty);
}


static int
xt_access_ua_entry(const char *p, size_t len, const void *ctx, size_t ctx_len)
{
    return len == ctx_len && memcmp(p, ctx, len) == 0;
}


int
xt_access_ua_allowed(const char *list, size_t len, const char *ua,
    size_t ua_len)
{
    int  nonempty;

    if (xt_access_each(list, len, xt_access_ua_entry, ua, ua_len,
                       &nonempty))
    {
        return ua_len > 0;
    }

    return !nonempty;
}


int
xt_access_output_allowed(uint32_t outputs, int ext_is_m3u8)
{
    return (outputs & (ext_is_m3u8 ? XT_OUT_M3U8 : XT_OUT_TS)) != 0;
}


int
xt_access_host_valid(const char *host, size_t len)
{
    size_t  i;
    char    c;

    if (len == 0 || len > 253) {
        return 0;
    }

    if (host[0] == '[') {
        if (len < 4 || host[len - 1] != ']') {
            return 0;
        }

        for (i = 1; i < len - 1; i++) {
            c = host[i];

            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
                  || (c >= 'A' && c <= 'F') || c == ':' || c == '.'))
            {
                return 0;
            }
        }

        return 1;
    }

    for (i = 0; i < len; i++) {
        c = host[i];

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' || c == '.'))
        {
            return 0;
        }
    }

    return 1;
}
