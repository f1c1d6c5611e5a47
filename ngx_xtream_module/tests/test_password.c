/*
 * Password check: known SHA-256 vector, right/wrong/empty/prefix passwords.
 */

#include <string.h>

#include "xt_password.h"
#include "xt_test.h"


void
test_password(void)
{
    uint8_t  salt[XT_SALT_LEN], hash[XT_HASH_LEN];

    /* `printf %s 0123456789abcdefsecret | sha256sum` */
    static const uint8_t  expect[XT_HASH_LEN] = {
        0xc5, 0x31, 0x0e, 0x3d, 0x1e, 0x58, 0x23, 0xef,
        0x77, 0xce, 0x3a, 0x58, 0x04, 0x98, 0x8a, 0x72,
        0xfc, 0x60, 0xc3, 0x07, 0xa0, 0xc8, 0x95, 0x9f,
        0x34, 0x61, 0xe2, 0x02, 0xe4, 0xa8, 0xd8, 0x14,
    };

    memcpy(salt, "0123456789abcdef", XT_SALT_LEN);
    CHECK(xt_password_hash(salt, (const unsigned char *) "secret", 6, hash)
          == 0);
    CHECK(memcmp(hash, expect, XT_HASH_LEN) == 0);

    CHECK(xt_password_check(salt, hash, (const unsigned char *) "secret", 6));
    CHECK(!xt_password_check(salt, hash, (const unsigned char *) "secreT", 6));
    CHECK(!xt_password_check(salt, hash, (const unsigned char *) "secre", 5));
    CHECK(!xt_password_check(salt, hash, (const unsigned char *) "secrets",
                             7));
    CHECK(!xt_password_check(salt, hash, (const unsigned char *) "", 0));

    salt[0] ^= 1;
    CHECK(!xt_password_check(salt, hash, (const unsigned char *) "secret",
                             6));
}
