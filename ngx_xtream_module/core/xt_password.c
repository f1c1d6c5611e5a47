/*
 * Password hashing with OpenSSL's EVP SHA-256; the comparison uses
 * CRYPTO_memcmp so its time does not depend on where the bytes differ.
 */

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "xt_password.h"


int
xt_password_hash(const uint8_t salt[XT_SALT_LEN], const unsigned char *pw,
    size_t len, uint8_t out[XT_HASH_LEN])
{
    int          rc;
    unsigned     n;
    EVP_MD_CTX  *md;

    md = EVP_MD_CTX_new();
    if (md == NULL) {
        return -1;
    }

    n = 0;
    rc = EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1
         && EVP_DigestUpdate(md, salt, XT_SALT_LEN) == 1
         && EVP_DigestUpdate(md, pw, len) == 1
         && EVP_DigestFinal_ex(md, out, &n) == 1
         && n == XT_HASH_LEN;

    EVP_MD_CTX_free(md);

    return rc ? 0 : -1;
}


int
xt_password_check(const uint8_t salt[XT_SALT_LEN],
    const uint8_t hash[XT_HASH_LEN], const unsigned char *pw, size_t len)
{
    uint8_t  got[XT_HASH_LEN];

    if (xt_password_hash(salt, pw, len, got) != 0) {
        return 0;
    }

    return CRYPTO_memcmp(got, hash, XT_HASH_LEN) == 0;
}
