#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "xt_secret.h"


int
xt_random(void *buf, size_t n)
{
    ssize_t         r;
    unsigned char  *p = buf;

    while (n) {
        r = getrandom(p, n, 0);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += r;
        n -= (size_t) r;
    }
    return 0;
}


int
xt_secret_hash(const uint8_t salt[XT_SALT_LEN], const char *secret,
    size_t len, uint8_t out[XT_HASH_LEN])
{
    int          ok;
    unsigned     olen = 0;
    EVP_MD_CTX  *ctx;

    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        return -1;
    }
    ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)
         && EVP_DigestUpdate(ctx, salt, XT_SALT_LEN)
         && EVP_DigestUpdate(ctx, secret, len)
         && EVP_DigestFinal_ex(ctx, out, &olen)
         && olen == XT_HASH_LEN;
    EVP_MD_CTX_free(ctx);
    return ok ? 0 : -1;
}


int
xt_secret_make(const char *secret, size_t len, uint8_t salt[XT_SALT_LEN],
    uint8_t hash[XT_HASH_LEN])
{
    if (xt_random(salt, XT_SALT_LEN) != 0) {
        return -1;
    }
    return xt_secret_hash(salt, secret, len, hash);
}


int
xt_secret_check(const uint8_t salt[XT_SALT_LEN],
    const uint8_t hash[XT_HASH_LEN], const char *secret, size_t len)
{
    uint8_t  h[XT_HASH_LEN];

    if (xt_secret_hash(salt, secret, len, h) != 0) {
        return 0;
    }
    return CRYPTO_memcmp(h, hash, XT_HASH_LEN) == 0;
}


int
xt_secret_generate(char *out, size_t n)
{
    /* no look-alikes (I, O, l, 0, 1): these passwords are read off a
       screen or a printed card and typed on a TV remote */
    static const char  set[] =
        "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    unsigned char      b;
    size_t             i = 0, k = sizeof(set) - 1;

    /* rejection sampling: bytes >= k * (256 / k) are redrawn, so every
       character is equally likely (57 characters: 5.8 bits each) */
    while (i < n) {
        if (xt_random(&b, 1) != 0) {
            return -1;
        }
        if (b < k * (256 / k)) {
            out[i++] = set[b % k];
        }
    }
    out[n] = '\0';
    return 0;
}


int
xt_credential_valid(const char *s, size_t len)
{
    size_t  i;
    char    c;

    if (len == 0 || len > 64) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@'
              || c == '-'))
        {
            return 0;
        }
    }
    return 1;
}
