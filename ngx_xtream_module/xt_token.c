/*
 * HMAC-SHA256 segment tokens (see xt_token.h).  Pure C over OpenSSL: no
 * nginx headers, unit-tested in tests/test_token.c.
 */

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "xt_token.h"


#define XT_MAC_HEX_LEN  32      /* 128 bits, hex */


static int xt_token_mac(const unsigned char *secret, size_t secret_len,
    const xt_token_t *t, char hex[XT_MAC_HEX_LEN]);
static const char *xt_token_uint(const char *p, const char *end,
    uint64_t max, uint64_t *out);


static int
xt_token_mac(const unsigned char *secret, size_t secret_len,
    const xt_token_t *t, char hex[XT_MAC_HEX_LEN])
{
    int            n;
    size_t         maclen, i;
    char           msg[160];
    unsigned char  mac[EVP_MAX_MD_SIZE];

    static const char  digits[] = "0123456789abcdef";

    n = snprintf(msg, sizeof(msg), "xt1|%lld|%u|%016llx|%u|%u",
                 (long long) t->expires, t->line_id,
                 (unsigned long long) t->session, t->stream_id, t->variant);
    if (n < 0 || (size_t) n >= sizeof(msg)) {
        return -1;
    }

    if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, secret, secret_len,
                  (unsigned char *) msg, (size_t) n, mac, sizeof(mac),
                  &maclen)
        == NULL || maclen < XT_MAC_HEX_LEN / 2)
    {
        return -1;
    }

    for (i = 0; i < XT_MAC_HEX_LEN / 2; i++) {
        hex[2 * i] = digits[mac[i] >> 4];
        hex[2 * i + 1] = digits[mac[i] & 0xf];
    }

    return 0;
}


size_t
xt_token_sign(const unsigned char *secret, size_t secret_len,
    const xt_token_t *t, char *out, size_t out_size)
{
    int   n;
    char  hex[XT_MAC_HEX_LEN];

    if (t->expires < 0 || xt_token_mac(secret, secret_len, t, hex) != 0) {
        return 0;
    }

    n = snprintf(out, out_size, "%lld_%u_%016llx_%u_%.*s",
                 (long long) t->expires, t->line_id,
                 (unsigned long long) t->session, t->variant,
                 XT_MAC_HEX_LEN, hex);
    if (n < 0 || (size_t) n >= out_size) {
        return 0;
    }

    return (size_t) n;
}


/* A decimal field without sign or leading zeros, up to max. */
static const char *
xt_token_uint(const char *p, const char *end, uint64_t max, uint64_t *out)
{
    uint64_t  v = 0;
    size_t    n = 0;

    while (p < end && *p >= '0' && *p <= '9') {
        if (n == 1 && v == 0) {
            return NULL;                /* leading zero */
        }

        if (v > (max - (uint64_t) (*p - '0')) / 10) {
            return NULL;
        }

        v = v * 10 + (uint64_t) (*p - '0');
        p++;
        n++;
    }

    if (n == 0) {
        return NULL;
    }

    *out = v;
    return p;
}


xt_token_rc_e
xt_token_verify(const unsigned char *secret, size_t secret_len,
    const char *s, size_t len, int64_t now, xt_token_t *t)
{
    int          i;
    uint64_t     v, session;
    const char  *p, *end;
    char         want[XT_MAC_HEX_LEN];

    if (len == 0 || len > XT_TOKEN_MAX_LEN) {
        return XT_TOKEN_MALFORMED;
    }

    p = s;
    end = s + len;

    p = xt_token_uint(p, end, INT64_MAX, &v);
    if (p == NULL || p == end || *p++ != '_') {
        return XT_TOKEN_MALFORMED;
    }
    t->expires = (int64_t) v;

    p = xt_token_uint(p, end, UINT32_MAX, &v);
    if (p == NULL || p == end || *p++ != '_') {
        return XT_TOKEN_MALFORMED;
    }
    t->line_id = (uint32_t) v;

    if (end - p < 17) {
        return XT_TOKEN_MALFORMED;
    }

    session = 0;
    for (i = 0; i < 16; i++, p++) {
        if (*p >= '0' && *p <= '9') {
            session = (session << 4) | (uint64_t) (*p - '0');

        } else if (*p >= 'a' && *p <= 'f') {
            session = (session << 4) | (uint64_t) (*p - 'a' + 10);

        } else {
            return XT_TOKEN_MALFORMED;
        }
    }
    t->session = session;

    if (*p++ != '_') {
        return XT_TOKEN_MALFORMED;
    }

    p = xt_token_uint(p, end, UINT32_MAX, &v);
    if (p == NULL || p == end || *p++ != '_') {
        return XT_TOKEN_MALFORMED;
    }
    t->variant = (uint32_t) v;

    if (end - p != XT_MAC_HEX_LEN) {
        return XT_TOKEN_MALFORMED;
    }

    if (xt_token_mac(secret, secret_len, t, want) != 0) {
        return XT_TOKEN_MALFORMED;
    }

    /* constant time: the MAC is the secret-derived part */
    if (CRYPTO_memcmp(want, p, XT_MAC_HEX_LEN) != 0) {
        return XT_TOKEN_BAD_MAC;
    }

    return t->expires < now ? XT_TOKEN_EXPIRED : XT_TOKEN_OK;
}


uint64_t
xt_token_session(const unsigned char *secret, size_t secret_len,
    uint32_t line_id, const char *addr, size_t addr_len, const char *ua,
    size_t ua_len, uint32_t stream_id)
{
    int            n;
    size_t         maclen, len, i;
    uint64_t       id;
    char           msg[64 + 64 + XT_SESSION_UA_MAX + 64];
    unsigned char  mac[EVP_MAX_MD_SIZE];

    if (addr_len > 64) {
        return 0;
    }

    if (ua_len > XT_SESSION_UA_MAX) {
        ua_len = XT_SESSION_UA_MAX;
    }

    n = snprintf(msg, sizeof(msg), "xs1|%u|%zu:", line_id, addr_len);
    if (n < 0) {
        return 0;
    }
    len = (size_t) n;

    memcpy(msg + len, addr, addr_len);
    len += addr_len;

    n = snprintf(msg + len, sizeof(msg) - len, "|%zu:", ua_len);
    if (n < 0) {
        return 0;
    }
    len += (size_t) n;

    memcpy(msg + len, ua, ua_len);
    len += ua_len;

    n = snprintf(msg + len, sizeof(msg) - len, "|%u", stream_id);
    if (n < 0 || (size_t) n >= sizeof(msg) - len) {
        return 0;
    }
    len += (size_t) n;

    if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, secret, secret_len,
                  (unsigned char *) msg, len, mac, sizeof(mac), &maclen)
        == NULL || maclen < 8)
    {
        return 0;
    }

    id = 0;
    for (i = 0; i < 8; i++) {
        id = (id << 8) | mac[i];
    }

    return id ? id : 1;
}
