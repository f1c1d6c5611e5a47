/* Unit tests of the HLS segment tokens (xt_token.c). */

#include <stdio.h>
#include <string.h>

#include "xt_token.h"

static int  passed, failed;

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (cond) { passed++; }                                             \
        else { failed++; fprintf(stderr, "%s:%d: FAIL %s\n", __FILE__,      \
                                 __LINE__, #cond); }                        \
    } while (0)

static const unsigned char  key[] = "0123456789abcdef-test-secret";
static const unsigned char  key2[] = "0123456789abcdef-other-secre";

int
main(void)
{
    char        tok[XT_TOKEN_MAX_LEN + 1], bad[XT_TOKEN_MAX_LEN + 8];
    size_t      n;
    xt_token_t  t, v;

    t.expires = 1700000100;
    t.line_id = 7;
    t.stream_id = 42;
    t.variant = 1;
    t.session = 0x0123456789abcdefULL;

    n = xt_token_sign(key, sizeof(key) - 1, &t, tok, sizeof(tok));
    CHECK(n > 0 && n <= XT_TOKEN_MAX_LEN);
    tok[n] = '\0';
    CHECK(strncmp(tok, "1700000100_7_0123456789abcdef_1_", 32) == 0);

    /* good, and fields come back */
    memset(&v, 0, sizeof(v));
    v.stream_id = 42;
    CHECK(xt_token_verify(key, sizeof(key) - 1, tok, n, 1700000000, &v)
          == XT_TOKEN_OK);
    CHECK(v.line_id == 7 && v.variant == 1 && v.session == t.session
          && v.expires == t.expires);

    /* expired: the MAC is right but the time is past */
    v.stream_id = 42;
    CHECK(xt_token_verify(key, sizeof(key) - 1, tok, n, 1700000101, &v)
          == XT_TOKEN_EXPIRED);

    /* swapped stream: the same token on another stream's URL */
    v.stream_id = 43;
    CHECK(xt_token_verify(key, sizeof(key) - 1, tok, n, 1700000000, &v)
          == XT_TOKEN_BAD_MAC);

    /* other secret */
    v.stream_id = 42;
    CHECK(xt_token_verify(key2, sizeof(key2) - 1, tok, n, 1700000000, &v)
          == XT_TOKEN_BAD_MAC);

    /* forged: longer expiry with the old MAC */
    memcpy(bad, tok, n);
    bad[0] = '2';
    CHECK(xt_token_verify(key, sizeof(key) - 1, bad, n, 1700000000, &v)
          == XT_TOKEN_BAD_MAC);

    /* forged: another variant */
    memcpy(bad, tok, n);
    bad[30] = '2';
    CHECK(xt_token_verify(key, sizeof(key) - 1, bad, n, 1700000000, &v)
          == XT_TOKEN_BAD_MAC);

    /* flipped MAC digit */
    memcpy(bad, tok, n);
    bad[n - 1] = bad[n - 1] == '0' ? '1' : '0';
    CHECK(xt_token_verify(key, sizeof(key) - 1, bad, n, 1700000000, &v)
          == XT_TOKEN_BAD_MAC);

    /* malformed shapes */
    CHECK(xt_token_verify(key, sizeof(key) - 1, "", 0, 0, &v)
          == XT_TOKEN_MALFORMED);
    CHECK(xt_token_verify(key, sizeof(key) - 1, tok, n - 1, 0, &v)
          == XT_TOKEN_MALFORMED);
    memcpy(bad, tok, n);
    memcpy(bad + n, "00", 2);
    CHECK(xt_token_verify(key, sizeof(key) - 1, bad, n + 2, 0, &v)
          == XT_TOKEN_MALFORMED);
    CHECK(xt_token_verify(key, sizeof(key) - 1,
                          "01700000100_7_0123456789abcdef_1_"
                          "00000000000000000000000000000000", 65, 0, &v)
          == XT_TOKEN_MALFORMED);
    CHECK(xt_token_verify(key, sizeof(key) - 1,
                          "-1_7_0123456789abcdef_1_"
                          "00000000000000000000000000000000", 56, 0, &v)
          == XT_TOKEN_MALFORMED);
    CHECK(xt_token_verify(key, sizeof(key) - 1,
                          "99999999999999999999_7_0123456789abcdef_1_"
                          "00000000000000000000000000000000", 74, 0, &v)
          == XT_TOKEN_MALFORMED);
    CHECK(xt_token_verify(key, sizeof(key) - 1,
                          "1_7_0123456789ABCDEF_1_"
                          "00000000000000000000000000000000", 55, 0, &v)
          == XT_TOKEN_MALFORMED);
    memcpy(bad, tok, n);
    bad[5] = '\0';
    CHECK(xt_token_verify(key, sizeof(key) - 1, bad, n, 0, &v)
          == XT_TOKEN_MALFORMED);

    /* session ids: stable per (line, addr, kick, stream), distinct
       otherwise */
    {
        uint64_t  a, b;
        char      longua[2000];

        a = xt_token_session(key, sizeof(key) - 1, 7, "127.0.0.1", 9, 0, 42);
        b = xt_token_session(key, sizeof(key) - 1, 7, "127.0.0.1", 9, 0, 42);
        CHECK(a != 0 && a == b);
        CHECK(a != xt_token_session(key, sizeof(key) - 1, 8, "127.0.0.1", 9,
                                    0, 42));
        CHECK(a != xt_token_session(key, sizeof(key) - 1, 7, "127.0.0.2", 9,
                                    0, 42));
        CHECK(a != xt_token_session(key, sizeof(key) - 1, 7, "127.0.0.1", 9,
                                    1, 42));
        CHECK(a != xt_token_session(key, sizeof(key) - 1, 7, "127.0.0.1", 9,
                                    0, 43));
        CHECK(a != xt_token_session(key2, sizeof(key2) - 1, 7, "127.0.0.1",
                                    9, 0, 42));
        /* no shifting of digits between fields */
        CHECK(xt_token_session(key, sizeof(key) - 1, 7, "::1", 3, 11, 2)
              != xt_token_session(key, sizeof(key) - 1, 7, "::1", 3, 1, 12));
        memset(longua, 'x', sizeof(longua));
        CHECK(xt_token_session(key, sizeof(key) - 1, 7, "", 0, 0, 42) != 0);
        CHECK(xt_token_session(key, sizeof(key) - 1, 7, longua, 65, 0, 42)
              == 0);
    }

    /* fixed vectors (HMAC-SHA256 as computed by Python's hmac module and
       by the EVP_Q_mac implementation this replaced): the format must not
       change, tokens in players' playlists outlive a reload */
    {
        xt_token_key_t  *k;

        t.expires = 1700000100;
        t.line_id = 7;
        t.stream_id = 42;
        t.variant = 1;
        t.session = 0x0123456789abcdefULL;
        n = xt_token_sign(key, sizeof(key) - 1, &t, tok, sizeof(tok));
        CHECK(n == 64 && memcmp(tok, "1700000100_7_0123456789abcdef_1_"
                                "726971dfb4f47a943820ec7e7c0ad8a6", 64) == 0);

        /* the buffer must hold the token and a NUL, as with snprintf */
        CHECK(xt_token_sign(key, sizeof(key) - 1, &t, tok, 64) == 0);
        CHECK(xt_token_sign(key, sizeof(key) - 1, &t, tok, 65) == 64);

        t.expires = 0;
        t.line_id = 4294967295u;
        t.stream_id = 4294967295u;
        t.variant = 4294967295u;
        t.session = 1;
        n = xt_token_sign(key, sizeof(key) - 1, &t, tok, sizeof(tok));
        CHECK(n == 73 && memcmp(tok, "0_4294967295_0000000000000001_"
                                "4294967295_37969d7407710066f90d3e374893288d",
                                73) == 0);

        t.expires = INT64_MAX;
        n = xt_token_sign(key, sizeof(key) - 1, &t, tok, sizeof(tok));
        CHECK(n == 91 && memcmp(tok, "9223372036854775807_4294967295_"
                                "0000000000000001_4294967295_"
                                "a6dcf31c5b53be186164856e8391ad7b", 91) == 0);

        t.expires = -1;
        CHECK(xt_token_sign(key, sizeof(key) - 1, &t, tok, sizeof(tok)) == 0);

        /* known answers, computed with Python's hmac module */
        CHECK(xt_token_session(key, sizeof(key) - 1, 7, "127.0.0.1", 9, 0,
                               42) == 0x127da3a380f58703ULL);
        CHECK(xt_token_session(key, sizeof(key) - 1, 4294967295u, "::1", 3,
                               4294967295u, 4294967295u)
              == 0x1ca515b8384ec825ULL);
        CHECK(xt_token_session(key, sizeof(key) - 1, 0, "", 0, 0, 0)
              == 0x8fef4acbca40fcc7ULL);

        /* a prepared key gives the same answers, call after call (the
           context is re-initialised each time), and keys do not mix */
        k = xt_token_key_new(key, sizeof(key) - 1);
        CHECK(k != NULL);
        t.expires = 1700000100;
        t.line_id = 7;
        t.stream_id = 42;
        t.variant = 1;
        t.session = 0x0123456789abcdefULL;
        for (int i = 0; i < 3; i++) {
            n = xt_token_sign_key(k, &t, tok, sizeof(tok));
            CHECK(n == 64 && memcmp(tok + 32,
                                    "726971dfb4f47a943820ec7e7c0ad8a6",
                                    32) == 0);
            memset(&v, 0, sizeof(v));
            v.stream_id = 42;
            CHECK(xt_token_verify_key(k, tok, n, 1700000000, &v)
                  == XT_TOKEN_OK && v.session == t.session);
            v.stream_id = 43;
            CHECK(xt_token_verify_key(k, tok, n, 1700000000, &v)
                  == XT_TOKEN_BAD_MAC);
            CHECK(xt_token_session_key(k, 7, "127.0.0.1", 9, 0, 42)
                  == 0x127da3a380f58703ULL);
        }
        v.stream_id = 42;
        CHECK(xt_token_verify(key2, sizeof(key2) - 1, tok, n, 1700000000, &v)
              == XT_TOKEN_BAD_MAC);
        CHECK(xt_token_verify_key(k, tok, n, 1700000000, &v) == XT_TOKEN_OK);
        xt_token_key_free(k);
        xt_token_key_free(NULL);
    }

    printf("test_token: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
