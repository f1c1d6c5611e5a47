/*
 * HLS segment tokens (xt_token.c) on any bytes: a token that parses
 * (whatever its MAC) is signed again from its fields, and that token must
 * verify to the same fields; the session id of any user agent is never 0.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xt_token.h"


static const unsigned char  secret[] = "fuzz-secret-0123456789abcdef";
static xt_token_key_t      *key;


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t         n, alen;
    xt_token_t     t, u;
    xt_token_rc_e  rc;
    char           again[XT_TOKEN_MAX_LEN + 1];

    if (key == NULL) {
        key = xt_token_key_new(secret, sizeof(secret) - 1);
        assert(key != NULL);
    }

    memset(&t, 0, sizeof(t));
    t.stream_id = 42;

    rc = xt_token_verify_key(key, (const char *) data, size, 1700000000, &t);
    assert(rc <= XT_TOKEN_EXPIRED);

    if (rc != XT_TOKEN_MALFORMED) {
        n = xt_token_sign_key(key, &t, again, sizeof(again));
        assert(n > 0 && n <= XT_TOKEN_MAX_LEN);

        /* a parsed token is canonical: signing gives back the same text
           up to the MAC */
        assert(n == size && memcmp(again, data, n - 32) == 0);

        memset(&u, 0, sizeof(u));
        u.stream_id = 42;
        rc = xt_token_verify_key(key, again, n, 1700000000, &u);
        assert(rc == XT_TOKEN_OK || rc == XT_TOKEN_EXPIRED);
        assert(u.expires == t.expires && u.line_id == t.line_id
               && u.session == t.session && u.variant == t.variant);
    }

    /* the first bytes as an address (at most 64) */
    alen = size < 64 ? size : 64;
    assert(xt_token_session_key(key, 7, (const char *) data, alen,
                                (uint32_t) size, 42) != 0);

    return 0;
}
