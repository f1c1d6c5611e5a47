/*
 * Line password check: SHA-256(salt || password) compared in constant time.
 */

#ifndef XT_PASSWORD_H
#define XT_PASSWORD_H

#include <stddef.h>
#include <stdint.h>

#include "xt_snap_format.h"


/* 1 when the password matches, 0 otherwise (also on any internal error) */
int xt_password_check(const uint8_t salt[XT_SALT_LEN],
    const uint8_t hash[XT_HASH_LEN], const unsigned char *pw, size_t len);

/* SHA-256(salt || pw) into out; 0 or -1 */
int xt_password_hash(const uint8_t salt[XT_SALT_LEN], const unsigned char *pw,
    size_t len, uint8_t out[XT_HASH_LEN]);

#endif /* XT_PASSWORD_H */
