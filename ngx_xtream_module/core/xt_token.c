/*
 * HMAC-SHA256 segment tokens (see xt_token.h).  Pure C over OpenSSL: no
 * nginx headers, unit-tested in tests/test_token.c.
 */

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "xt_hex.h"
#include "xt_token.h"


#define XT_MAC_HEX_LEN  32      /* 128 bits, hex */


struct xt_token_key_s {
    EVP_MAC_CTX  *ctx;          /* keyed once, re-initialised per MAC */
};




static int xt_token_hmac(xt_token_key_t *key, const char *msg, size_t len,
    unsigned char *mac, size_t *maclen);
static int xt_token_mac(xt_token_key_t *key, const xt_token_t *t,
    char hex[XT_MAC_HEX_LEN]);
static const char *xt_token_uint(const char *p, const char *end,
    uint64_t max, uint64_t *out);


xt_token_key_t *
xt_token_key_new(const unsigned char *secret, size_t secret_len)
{
    EVP_MAC         *mac;
    OSSL_PARAM       params[2];
    xt_token_key_t  *key;

    key = OPENSSL_zalloc(sizeof(xt_token_key_t));
    if (key == NULL) {
        return NULL;
    }

    mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) {
        OPENSSL_free(key);
        return NULL;
    }

    key->ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);                  /* the context holds a reference */

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 (char *) "SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();

    if (key->ctx == NULL
        || !EVP_MAC_init(key->ctx, secret, secret_len, params))
    {
        xt_token_key_free(key);
        return NULL;
    }

    return key;
}


void
xt_token_key_free(xt_token_key_t *key)
{
    if (key) {
        EVP_MAC_CTX_free(key->ctx);
        OPENSSL_free(key);
    }
}


/* HMAC-SHA256(secret, msg) with the prepared key */
static int
xt_token_hmac(xt_token_key_t *key, const char *msg, size_t len,
    unsigned char *mac, size_t *maclen)
{
    /* a NULL key restarts from the hashed pads: no fetch, no re-keying */
    if (!EVP_MAC_init(key->ctx, NULL, 0, NULL)
        || !EVP_MAC_update(key->ctx, (const unsigned char *) msg, len)
        || !EVP_MAC_final(key->ctx, mac, maclen, EVP_MAX_MD_SIZE))
    {
        return -1;
    }

    return 0;
}


/* snprintf's "%llu", "%lld" and "%016llx", without its cost per call */
char *
xt_token_put_u64(char *p, uint64_t v)
{
    char   tmp[20];
    size_t n = 0;

    do {
        tmp[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v);

    while (n) {
        *p++ = tmp[--n];
    }

    return p;
}


static char *
xt_token_put_i64(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return xt_token_put_u64(p, (uint64_t) 0 - (uint64_t) v);
    }

    return xt_token_put_u64(p, (uint64_t) v);
}


static char *
xt_token_put_hex16(char *p, uint64_t v)
{
    int            i;
    unsigned char  be[8];

    for (i = 7; i >= 0; i--) {
        be[i] = (unsigned char) (v & 0xff);
        v >>= 8;
    }
    xt_hex_encode(p, be, sizeof(be));

    return p + 16;
}


static int
xt_token_mac(xt_token_key_t *key, const xt_token_t *t,
    char hex[XT_MAC_HEX_LEN])
{
    char          *p;
    size_t         maclen;
    char           msg[96];         /* "xt1|" + 20 + 10 + 16 + 10 + 10 + 4 */
    unsigned char  mac[EVP_MAX_MD_SIZE];

    /* "xt1|%lld|%u|%016llx|%u|%u" */
    p = msg;
    memcpy(p, "xt1|", 4);
    p = xt_token_put_i64(p + 4, t->expires);
    *p++ = '|';
    p = xt_token_put_u64(p, t->line_id);
    *p++ = '|';
    p = xt_token_put_hex16(p, t->session);
    *p++ = '|';
    p = xt_token_put_u64(p, t->stream_id);
    *p++ = '|';
    p = xt_token_put_u64(p, t->variant);

    if (xt_token_hmac(key, msg, (size_t) (p - msg), mac, &maclen) != 0
        || maclen < XT_MAC_HEX_LEN / 2)
    {
        return -1;
    }

    xt_hex_encode(hex, mac, XT_MAC_HEX_LEN / 2);

    return 0;
}


size_t
xt_token_sign_key(xt_token_key_t *key, const xt_token_t *t, char *out,
    size_t out_size)
{
    char  *p;
    char   buf[XT_TOKEN_MAX_LEN];
    char   hex[XT_MAC_HEX_LEN];

    if (t->expires < 0 || xt_token_mac(key, t, hex) != 0) {
        return 0;
    }

    /* "%lld_%u_%016llx_%u_%.32s": at most 19+1+10+1+16+1+10+1+32 = 91 */
    p = xt_token_put_u64(buf, (uint64_t) t->expires);
    *p++ = '_';
    p = xt_token_put_u64(p, t->line_id);
    *p++ = '_';
    p = xt_token_put_hex16(p, t->session);
    *p++ = '_';
    p = xt_token_put_u64(p, t->variant);
    *p++ = '_';
    memcpy(p, hex, XT_MAC_HEX_LEN);
    p += XT_MAC_HEX_LEN;

    /* snprintf's rule: room for the text and a NUL, which is not written */
    if ((size_t) (p - buf) >= out_size) {
        return 0;
    }

    memcpy(out, buf, (size_t) (p - buf));

    return (size_t) (p - buf);
}


size_t
xt_token_sign(const unsigned char *secret, size_t secret_len,
    const xt_token_t *t, char *out, size_t out_size)
{
    size_t           n;
    xt_token_key_t  *key;

    key = xt_token_key_new(secret, secret_len);
    if (key == NULL) {
        return 0;
    }

    n = xt_token_sign_key(key, t, out, out_size);
    xt_token_key_free(key);

    return n;
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
xt_token_verify_key(xt_token_key_t *key, const char *s, size_t len,
    int64_t now, xt_token_t *t)
{
    int          i, d;
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
        d = xt_hex_digit_lower((unsigned char) *p);
        if (d < 0) {
            return XT_TOKEN_MALFORMED;
        }
        session = (session << 4) | (uint64_t) d;
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

    if (xt_token_mac(key, t, want) != 0) {
        return XT_TOKEN_MALFORMED;
    }

    /* constant time: the MAC is the secret-derived part */
    if (CRYPTO_memcmp(want, p, XT_MAC_HEX_LEN) != 0) {
        return XT_TOKEN_BAD_MAC;
    }

    return t->expires < now ? XT_TOKEN_EXPIRED : XT_TOKEN_OK;
}


xt_token_rc_e
xt_token_verify(const unsigned char *secret, size_t secret_len,
    const char *s, size_t len, int64_t now, xt_token_t *t)
{
    xt_token_rc_e    rc;
    xt_token_key_t  *key;

    key = xt_token_key_new(secret, secret_len);
    if (key == NULL) {
        return XT_TOKEN_MALFORMED;
    }

    rc = xt_token_verify_key(key, s, len, now, t);
    xt_token_key_free(key);

    return rc;
}


uint64_t
xt_token_session_key(xt_token_key_t *key, uint32_t line_id, const char *addr,
    size_t addr_len, uint32_t kick, uint32_t stream_id)
{
    char          *p;
    size_t         maclen, i;
    uint64_t       id;
    char           msg[4 + 10 + 1 + 2 + 1 + 64 + 1 + 10 + 1 + 10];
    unsigned char  mac[EVP_MAX_MD_SIZE];

    if (addr_len > 64) {
        return 0;
    }

    /* "xs2|%u|%zu:" addr "|%u|%u" */
    p = msg;
    memcpy(p, "xs2|", 4);
    p = xt_token_put_u64(p + 4, line_id);
    *p++ = '|';
    p = xt_token_put_u64(p, addr_len);
    *p++ = ':';
    memcpy(p, addr, addr_len);
    p += addr_len;
    *p++ = '|';
    p = xt_token_put_u64(p, kick);
    *p++ = '|';
    p = xt_token_put_u64(p, stream_id);

    if (xt_token_hmac(key, msg, (size_t) (p - msg), mac, &maclen) != 0
        || maclen < 8)
    {
        return 0;
    }

    id = 0;
    for (i = 0; i < 8; i++) {
        id = (id << 8) | mac[i];
    }

    return id ? id : 1;
}


uint64_t
xt_token_session(const unsigned char *secret, size_t secret_len,
    uint32_t line_id, const char *addr, size_t addr_len, uint32_t kick,
    uint32_t stream_id)
{
    uint64_t         id;
    xt_token_key_t  *key;

    key = xt_token_key_new(secret, secret_len);
    if (key == NULL) {
        return 0;
    }

    id = xt_token_session_key(key, line_id, addr, addr_len, kick, stream_id);
    xt_token_key_free(key);

    return id;
}


int
xt_token_mac_raw(xt_token_key_t *key, const char *msg, size_t len,
    unsigned char mac[XT_TOKEN_MAC_SIZE])
{
    size_t         maclen;
    unsigned char  buf[EVP_MAX_MD_SIZE];

    if (xt_token_hmac(key, msg, len, buf, &maclen) != 0
        || maclen != XT_TOKEN_MAC_SIZE)
    {
        return -1;
    }

    memcpy(mac, buf, XT_TOKEN_MAC_SIZE);

    return 0;
}
