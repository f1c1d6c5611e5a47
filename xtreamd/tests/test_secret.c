#include <stdio.h>
#include <string.h>

#include "xt_secret.h"
#include "xt_test.h"


void
test_secret(void)
{
    /* SHA-256(00 01 .. 0f || "demo-pass"), computed with Python's
       hashlib */
    static const char  want[] =
        "aadec2a8313959cd593c1759a4bc906b5cc1b05500bdbe2d4effa016f27bc0ad";
    uint8_t            salt[XT_SALT_LEN], hash[XT_HASH_LEN], s2[XT_SALT_LEN];
    char               hex[65], pw[17];
    int                i;

    for (i = 0; i < XT_SALT_LEN; i++) {
        salt[i] = (uint8_t) i;
    }
    CHECK(xt_secret_hash(salt, "demo-pass", 9, hash) == 0);
    for (i = 0; i < XT_HASH_LEN; i++) {
        snprintf(hex + 2 * i, 3, "%02x", hash[i]);
    }
    CHECK(strcmp(hex, want) == 0);

    CHECK(xt_secret_check(salt, hash, "demo-pass", 9) == 1);
    CHECK(xt_secret_check(salt, hash, "demo-pasS", 9) == 0);
    CHECK(xt_secret_check(salt, hash, "demo-pas", 8) == 0);

    CHECK(xt_secret_make("k", 1, s2, hash) == 0);
    CHECK(memcmp(s2, salt, XT_SALT_LEN) != 0);
    CHECK(xt_secret_check(s2, hash, "k", 1) == 1);

    CHECK(xt_secret_generate(pw, 16) == 0);
    CHECK(strlen(pw) == 16 && xt_credential_valid(pw, 16));
    /* 3200 characters: none of the look-alikes (with them, about 260
       would be expected) */
    {
        int  i, bad = 0;
        for (i = 0; i < 200; i++) {
            CHECK(xt_secret_generate(pw, 16) == 0);
            bad += strpbrk(pw, "IOl01") != NULL;
        }
        CHECK(bad == 0);
    }

    CHECK(xt_credential_valid("demo.user@x-1_", 14));
    CHECK(!xt_credential_valid("", 0));
    CHECK(!xt_credential_valid("a/b", 3));
    CHECK(!xt_credential_valid("a b", 3));
    CHECK(!xt_credential_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                               65));
}
