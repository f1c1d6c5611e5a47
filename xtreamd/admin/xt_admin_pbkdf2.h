/*
 * Admin passwords: PBKDF2-HMAC-SHA256 (OpenSSL PKCS5_PBKDF2_HMAC), stored
 * as "pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX" (admins.password_kdf).
 * Slow on purpose: humans choose these and they are checked rarely.
 */
#ifndef XT_ADMIN_PBKDF2_H
#define XT_ADMIN_PBKDF2_H

#include <stddef.h>
#include <stdint.h>

#define XT_PBKDF2_ITER_DEFAULT  210000     /* OWASP 2023 for SHA-256 */
#define XT_PBKDF2_ITER_MIN      1000
#define XT_PBKDF2_ITER_MAX      10000000
#define XT_PBKDF2_SALT_MIN      16
#define XT_PBKDF2_SALT_MAX      64
#define XT_PBKDF2_HASH_MIN      32
#define XT_PBKDF2_HASH_MAX      64
#define XT_PBKDF2_TEXT_MAX      255

typedef struct {
    unsigned  iterations;
    uint8_t   salt[XT_PBKDF2_SALT_MAX];
    size_t    salt_len;
    uint8_t   hash[XT_PBKDF2_HASH_MAX];
    size_t    hash_len;
} xt_pbkdf2_t;

/* strict parse of the stored text (exactly that shape, lower-case hex,
   bounds above); 0 or -1 */
int xt_pbkdf2_parse(const char *text, size_t len, xt_pbkdf2_t *out);

/* a new random salt and the text; 0 or -1 */
int xt_pbkdf2_make(const char *password, size_t len, unsigned iterations,
    char *out, size_t outlen);

/* 1 when password matches text (constant-time compare), 0 when not or
   when text does not parse */
int xt_pbkdf2_verify(const char *text, const char *password, size_t len);

#endif
