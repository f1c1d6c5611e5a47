/*
 * Hand-off tokens and the node-side URL (see xt_handoff.h).  Pure C over
 * xt_token.c's prepared HMAC key: no nginx headers, unit-tested in
 * tests/test_handoff.c.
 */

#include <string.h>

#include <openssl/crypto.h>

#include "xt_handoff.h"
#include "xt_hex.h"


#define XT_HO_MAC_HEX  32


xt_ho_key_t *
xt_ho_key_new(const unsigned char *secret, size_t len)
{
    if (len < XT_HANDOFF_SECRET_MIN) {
        return NULL;
    }

    return xt_token_key_new(secret, len);
}


void
xt_ho_key_free(xt_ho_key_t *key)
{
    xt_token_key_free(key);
}


static int
xt_ho_mac(xt_ho_key_t *key, const xt_handoff_t *h, const char *addr,
    size_t addr_len, char hex[XT_HO_MAC_HEX])
{
    char          *p;
    char           msg[4 + 4 * 11 + 2 + 20 + 3 + 1 + XT_HANDOFF_ADDR_MAX];
    unsigned char  mac[XT_TOKEN_MAC_SIZE];

    if (addr_len > XT_HANDOFF_ADDR_MAX || h->expires < 0) {
        return -1;
    }

    /* "xh1|server|line|kind|stream|expires|len:addr" */
    p = msg;
    memcpy(p, "xh1|", 4);
    p = xt_token_put_u64(p + 4, h->server_id);
    *p++ = '|';
    p = xt_token_put_u64(p, h->line_id);
    *p++ = '|';
    *p++ = (char) h->kind;
    *p++ = '|';
    p = xt_token_put_u64(p, h->stream_id);
    *p++ = '|';
    p = xt_token_put_u64(p, (uint64_t) h->expires);
    *p++ = '|';
    p = xt_token_put_u64(p, addr_len);
    *p++ = ':';
    memcpy(p, addr, addr_len);
    p += addr_len;

    if (xt_token_mac_raw(key, msg, (size_t) (p - msg), mac) != 0) {
        return -1;
    }

    xt_hex_encode(hex, mac, XT_HO_MAC_HEX / 2);

    return 0;
}


static int
xt_ho_kind_ok(xt_ho_kind_e k)
{
    return k == XT_HO_LIVE_TS || k == XT_HO_LIVE_HLS || k == XT_HO_MOVIE
           || k == XT_HO_EPISODE;
}


size_t
xt_handoff_sign(xt_ho_key_t *key, const xt_handoff_t *h, const char *addr,
    size_t addr_len, char *out, size_t out_size)
{
    char   *p;
    char    buf[XT_HANDOFF_MAX_LEN];
    char    hex[XT_HO_MAC_HEX];

    if (!xt_ho_kind_ok(h->kind) || xt_ho_mac(key, h, addr, addr_len, hex)
                                   != 0)
    {
        return 0;
    }

    /* at most 10+1+10+1+19+1+32 = 74 bytes */
    p = xt_token_put_u64(buf, h->server_id);
    *p++ = '-';
    p = xt_token_put_u64(p, h->line_id);
    *p++ = '-';
    p = xt_token_put_u64(p, (uint64_t) h->expires);
    *p++ = '-';
    memcpy(p, hex, XT_HO_MAC_HEX);
    p += XT_HO_MAC_HEX;

    if ((size_t) (p - buf) >= out_size) {
        return 0;
    }

    memcpy(out, buf, (size_t) (p - buf));

    return (size_t) (p - buf);
}


/* decimal without sign or leading zero, up to max, then the separator */
static const char *
xt_ho_uint(const char *p, const char *end, uint64_t max, uint64_t *out)
{
    uint64_t  v = 0;
    size_t    n = 0;

    while (p < end && *p >= '0' && *p <= '9') {
        if (n == 1 && v == 0) {
            return NULL;
        }

        if (v > (max - (uint64_t) (*p - '0')) / 10) {
            return NULL;
        }

        v = v * 10 + (uint64_t) (*p - '0');
        p++;
        n++;
    }

    if (n == 0 || p == end || *p != '-') {
        return NULL;
    }

    *out = v;
    return p + 1;
}


xt_ho_rc_e
xt_handoff_verify(xt_ho_key_t *key, const char *s, size_t len,
    const char *addr, size_t addr_len, uint32_t my_server_id, int64_t now,
    xt_handoff_t *h)
{
    size_t       i;
    uint64_t     v;
    const char  *p, *end;
    char         want[XT_HO_MAC_HEX];

    if (len == 0 || len > XT_HANDOFF_MAX_LEN || !xt_ho_kind_ok(h->kind)
        || addr_len > XT_HANDOFF_ADDR_MAX)
    {
        return XT_HO_MALFORMED;
    }

    p = s;
    end = s + len;

    if ((p = xt_ho_uint(p, end, UINT32_MAX, &v)) == NULL) {
        return XT_HO_MALFORMED;
    }
    h->server_id = (uint32_t) v;

    if ((p = xt_ho_uint(p, end, UINT32_MAX, &v)) == NULL) {
        return XT_HO_MALFORMED;
    }
    h->line_id = (uint32_t) v;

    if ((p = xt_ho_uint(p, end, INT64_MAX, &v)) == NULL) {
        return XT_HO_MALFORMED;
    }
    h->expires = (int64_t) v;

    if (end - p != XT_HO_MAC_HEX) {
        return XT_HO_MALFORMED;
    }

    for (i = 0; i < XT_HO_MAC_HEX; i++) {
        if (xt_hex_digit_lower((unsigned char) p[i]) < 0) {
            return XT_HO_MALFORMED;
        }
    }

    if (xt_ho_mac(key, h, addr, addr_len, want) != 0) {
        return XT_HO_ERROR;
    }

    if (CRYPTO_memcmp(want, p, XT_HO_MAC_HEX) != 0) {
        return XT_HO_BAD_MAC;
    }

    /* signed by the main: now the fields may be judged */
    if (h->server_id != my_server_id) {
        return XT_HO_OTHER_SERVER;
    }

    return h->expires < now ? XT_HO_EXPIRED : XT_HO_OK;
}


const char *
xt_handoff_rc_text(xt_ho_rc_e rc)
{
    switch (rc) {
    case XT_HO_OK:
        return "ok";
    case XT_HO_MALFORMED:
        return "malformed";
    case XT_HO_BAD_MAC:
        return "bad signature (forged, or another stream or address)";
    case XT_HO_EXPIRED:
        return "expired";
    case XT_HO_OTHER_SERVER:
        return "issued for another server";
    default:
        return "internal error";
    }
}


static int
xt_ho_prefix(const char *path, size_t len, const char *lit, size_t *at)
{
    size_t  n = strlen(lit);

    if (len >= n && memcmp(path, lit, n) == 0) {
        *at = n;
        return 1;
    }

    return 0;
}


int
xt_handoff_url(const char *path, size_t len, xt_handoff_url_t *u)
{
    size_t       at, i;
    uint64_t     id;
    const char  *p, *end, *slash, *dot;
    int          live = 0;

    memset(u, 0, sizeof(*u));

    if (xt_ho_prefix(path, len, "/live/_h/", &at)) {
        live = 1;
        u->kind = XT_HO_LIVE_TS;

    } else if (xt_ho_prefix(path, len, "/movie/_h/", &at)) {
        u->kind = XT_HO_MOVIE;

    } else if (xt_ho_prefix(path, len, "/series/_h/", &at)) {
        u->kind = XT_HO_EPISODE;

    } else {
        return 0;
    }

    u->bad = 1;
    p = path + at;
    end = path + len;

    slash = memchr(p, '/', (size_t) (end - p));
    if (slash == NULL || slash == p
        || (size_t) (slash - p) > XT_HANDOFF_MAX_LEN)
    {
        return 1;
    }

    for (i = 0; p + i < slash; i++) {
        char c = p[i];

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-')) {
            return 1;
        }
    }

    u->token = p;
    u->token_len = (size_t) (slash - p);

    /* "ID.EXT": digits without a leading zero, then [A-Za-z0-9]{1,8} */
    p = slash + 1;
    dot = memchr(p, '.', (size_t) (end - p));
    if (dot == NULL || dot == p || (*p == '0')) {
        return 1;
    }

    id = 0;
    for (i = 0; p + i < dot; i++) {
        if (p[i] < '0' || p[i] > '9' || i >= 10) {
            return 1;
        }
        id = id * 10 + (uint64_t) (p[i] - '0');
    }

    if (id == 0 || id > UINT32_MAX) {
        return 1;
    }

    u->id = (uint32_t) id;
    u->ext = dot + 1;
    u->ext_len = (size_t) (end - dot - 1);

    if (u->ext_len == 0 || u->ext_len > 8) {
        return 1;
    }

    for (i = 0; i < u->ext_len; i++) {
        char c = u->ext[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')))
        {
            return 1;
        }
    }

    if (live) {
        if (u->ext_len == 2 && memcmp(u->ext, "ts", 2) == 0) {
            u->kind = XT_HO_LIVE_TS;

        } else if (u->ext_len == 4 && memcmp(u->ext, "m3u8", 4) == 0) {
            u->kind = XT_HO_LIVE_HLS;

        } else {
            return 1;
        }
    }

    u->bad = 0;
    return 1;
}
