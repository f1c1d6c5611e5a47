/*
 * Line passwords and RTMP stream keys: SHA-256(salt || secret) with a
 * 16-byte random salt per secret.  See README.md for why not a slow KDF.
 */
#ifndef XT_SECRET_H
#define XT_SECRET_H

#include <stddef.h>
#include <stdint.h>

#include "xt_snap_format.h"

/* fill buf with n random bytes from getrandom(); -1 on failure */
int xt_random(void *buf, size_t n);

/* out = SHA-256(salt || secret); -1 on an OpenSSL failure */
int xt_secret_hash(const uint8_t salt[XT_SALT_LEN], const char *secret,
    size_t len, uint8_t out[XT_HASH_LEN]);

/* new random salt, then the hash */
int xt_secret_make(const char *secret, size_t len,
    uint8_t salt[XT_SALT_LEN], uint8_t hash[XT_HASH_LEN]);

/* constant-time check of secret against salt/hash: 1 match, 0 not */
int xt_secret_check(const uint8_t salt[XT_SALT_LEN],
    const uint8_t hash[XT_HASH_LEN], const char *secret, size_t len);

/* a printable credential of n characters (n < size) from [A-Za-z0-9]
   without the look-alikes I O l 0 1 */
int xt_secret_generate(char *out, size_t n);

/* 1 when s is a valid username/password: 1..64 bytes of [A-Za-z0-9._@-] */
int xt_credential_valid(const char *s, size_t len);

#endif
