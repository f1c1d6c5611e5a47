#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "xt_hex.h"
#include "xt_secret.h"
#include "admin/xt_admin_pbkdf2.h"

#define XT_PREFIX  "pbkdf2-sha256$"


/* lower-case hex of even length into out (at most max bytes) */
static int
xt_unhex(const char *p, size_t n, uint8_t *out, size_t min, size_t max,
    size_t *outlen)
{
    if (n % 2 || n / 2 < min || n / 2 > max
        || xt_hex_decode_lower(out, p, n) != 0)
    {
        return -1;
    }
    *outlen = n / 2;
    return 0;
}


int
xt_pbkdf2_parse(const char *text, size_t len, xt_pbkdf2_t *o)
{
    const char     *p, *end, *d;
    unsigned long   it = 0;
    size_t          plen = sizeof(XT_PREFIX) - 1;

    memset(o, 0, sizeof(*o));
    if (len > XT_PBKDF2_TEXT_MAX || len < plen
        || memcmp(text, XT_PREFIX, plen) != 0)
    {
        return -1;
    }
    p = text + plen;
    end = text + len;

    /* iterations: decimal, no leading zero, no sign */
    d = memchr(p, '$', (size_t) (end - p));
    if (d == NULL || d == p || (*p == '0') || d - p > 8) {
        return -1;
    }
    for (; p < d; p++) {
        if (*p < '0' || *p > '9') {
            return -1;
        }
        it = it * 10 + (unsigned long) (*p - '0');
    }
    if (it < XT_PBKDF2_ITER_MIN || it > XT_PBKDF2_ITER_MAX) {
        return -1;
    }
    o->iterations = (unsigned) it;
    p = d + 1;

    d = memchr(p, '$', (size_t) (end - p));
    if (d == NULL
        || xt_unhex(p, (size_t) (d - p), o->salt, XT_PBKDF2_SALT_MIN,
                    XT_PBKDF2_SALT_MAX, &o->salt_len) != 0)
    {
        return -1;
    }
    p = d + 1;
    if (memchr(p, '$', (size_t) (end - p)) != NULL
        || xt_unhex(p, (size_t) (end - p), o->hash, XT_PBKDF2_HASH_MIN,
                    XT_PBKDF2_HASH_MAX, &o->hash_len) != 0)
    {
        return -1;
    }
    return 0;
}


int
xt_pbkdf2_make(const char *password, size_t len, unsigned iterations,
    char *out, size_t outlen)
{
    uint8_t  salt[16], hash[32];
    size_t   i, n;
    int      w;

    if (iterations < XT_PBKDF2_ITER_MIN || iterations > XT_PBKDF2_ITER_MAX
        || xt_random(salt, sizeof(salt)) != 0
        || PKCS5_PBKDF2_HMAC(password, (int) len, salt, sizeof(salt),
                             (int) iterations, EVP_sha256(), sizeof(hash),
                             hash) != 1)
    {
        return -1;
    }
    w = snprintf(out, outlen, XT_PREFIX "%u$", iterations);
    if (w < 0 || (size_t) w + 2 * (sizeof(salt) + sizeof(hash)) + 2 > outlen) {
        return -1;
    }
    n = (size_t) w;
    for (i = 0; i < sizeof(salt); i++) {
        n += (size_t) snprintf(out + n, outlen - n, "%02x", salt[i]);
    }
    out[n++] = '$';
    for (i = 0; i < sizeof(hash); i++) {
        n += (size_t) snprintf(out + n, outlen - n, "%02x", hash[i]);
    }
    out[n] = '\0';
    return 0;
}


int
xt_pbkdf2_verify(const char *text, const char *password, size_t len)
{
    xt_pbkdf2_t  k;
    uint8_t      h[XT_PBKDF2_HASH_MAX];

    if (text == NULL || xt_pbkdf2_parse(text, strlen(text), &k) != 0) {
        return 0;
    }
    if (PKCS5_PBKDF2_HMAC(password, (int) len, k.salt, (int) k.salt_len,
                          (int) k.iterations, EVP_sha256(), (int) k.hash_len,
                          h) != 1)
    {
        return 0;
    }
    return CRYPTO_memcmp(h, k.hash, k.hash_len) == 0;
}
