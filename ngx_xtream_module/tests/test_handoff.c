/* Unit tests of the hand-off tokens and node URLs (xt_handoff.c). */

#include <stdio.h>
#include <string.h>

#include "xt_handoff.h"

static int  passed, failed;

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (cond) { passed++; }                                             \
        else { failed++; fprintf(stderr, "%s:%d: FAIL %s\n", __FILE__,      \
                                 __LINE__, #cond); }                        \
    } while (0)

static const unsigned char  secret[] = "0123456789abcdef-cluster";
static const unsigned char  other[] = "0123456789abcdef-clusteR";

#define ADDR  "127.0.0.9"


static xt_ho_rc_e
verify(xt_ho_key_t *k, const char *tok, size_t n, uint32_t stream,
    xt_ho_kind_e kind, const char *addr, uint32_t me, int64_t now,
    xt_handoff_t *v)
{
    memset(v, 0, sizeof(*v));
    v->stream_id = stream;
    v->kind = kind;
    return xt_handoff_verify(k, tok, n, addr, strlen(addr), me, now, v);
}


static void
test_tokens(void)
{
    char           tok[XT_HANDOFF_MAX_LEN + 1], bad[XT_HANDOFF_MAX_LEN + 8];
    size_t         n;
    xt_ho_key_t   *k, *k2;
    xt_handoff_t   h, v;

    CHECK(xt_ho_key_new(secret, 15) == NULL);      /* too short a secret */
    k = xt_ho_key_new(secret, sizeof(secret) - 1);
    k2 = xt_ho_key_new(other, sizeof(other) - 1);
    CHECK(k != NULL && k2 != NULL);

    h.server_id = 3;
    h.line_id = 7;
    h.stream_id = 42;
    h.kind = XT_HO_LIVE_TS;
    h.expires = 1700000100;

    n = xt_handoff_sign(k, &h, ADDR, strlen(ADDR), tok, sizeof(tok));
    tok[n] = '\0';
    /* known answer: printf 'xh1|3|7|l|42|1700000100|9:127.0.0.9' |
       openssl dgst -sha256 -hmac 0123456789abcdef-cluster (first 128 bits) */
    CHECK(strcmp(tok, "3-7-1700000100-a512f40193e64f69f5438bab211e6eff")
          == 0);

    CHECK(verify(k, tok, n, 42, XT_HO_LIVE_TS, ADDR, 3, 1700000000, &v)
          == XT_HO_OK);
    CHECK(v.server_id == 3 && v.line_id == 7 && v.expires == 1700000100);

    /* the deadline itself still counts */
    CHECK(verify(k, tok, n, 42, XT_HO_LIVE_TS, ADDR, 3, 1700000100, &v)
          == XT_HO_OK);
    CHECK(verify(k, tok, n, 42, XT_HO_LIVE_TS, ADDR, 3, 1700000101, &v)
          == XT_HO_EXPIRED);

    /* bound to stream, kind, address and secret */
    CHECK(verify(k, tok, n, 43, XT_HO_LIVE_TS, ADDR, 3, 1700000000, &v)
          == XT_HO_BAD_MAC);
    CHECK(verify(k, tok, n, 42, XT_HO_LIVE_HLS, ADDR, 3, 1700000000, &v)
          == XT_HO_BAD_MAC);
    CHECK(verify(k, tok, n, 42, XT_HO_LIVE_TS, "127.0.0.8", 3, 1700000000,
                 &v) == XT_HO_BAD_MAC);
    CHECK(verify(k2, tok, n, 42, XT_HO_LIVE_TS, ADDR, 3, 1700000000, &v)
          == XT_HO_BAD_MAC);

    /* a good token for another node */
    CHECK(verify(k, tok, n, 42, XT_HO_LIVE_TS, ADDR, 4, 1700000000, &v)
          == XT_HO_OTHER_SERVER);

    /* edited fields: the MAC covers them */
    memcpy(bad, tok, n + 1);
    bad[2] = '8';                               /* line 7 -> 8 */
    CHECK(verify(k, bad, n, 42, XT_HO_LIVE_TS, ADDR, 3, 1700000000, &v)
          == XT_HO_BAD_MAC);
    memcpy(bad, "4", 1);                        /* server 3 -> 4 */
    memcpy(bad + 1, tok + 1, n);
    CHECK(verify(k, bad, n, 42, XT_HO_LIVE_TS, ADDR, 4, 1700000000, &v)
          == XT_HO_BAD_MAC);
    memcpy(bad, tok, n + 1);
    bad[n - 1] = bad[n - 1] == '0' ? '1' : '0'; /* one MAC digit */
    CHECK(verify(k, bad, n, 42, XT_HO_LIVE_TS, ADDR, 3, 1700000000, &v)
          == XT_HO_BAD_MAC);

    /* malformed */
    CHECK(verify(k, tok, n - 1, 42, XT_HO_LIVE_TS, ADDR, 3, 1, &v)
          == XT_HO_MALFORMED);
    CHECK(verify(k, "", 0, 42, XT_HO_LIVE_TS, ADDR, 3, 1, &v)
          == XT_HO_MALFORMED);
    CHECK(verify(k, "03-7-1700000100-a512f40193e64f69f5438bab211e6eff", 48,
                 42, XT_HO_LIVE_TS, ADDR, 3, 1, &v) == XT_HO_MALFORMED);
    CHECK(verify(k, "3-7-1700000100-A512F40193E64F69F5438BAB211E6EFF", 47,
                 42, XT_HO_LIVE_TS, ADDR, 3, 1, &v) == XT_HO_MALFORMED);
    CHECK(verify(k, "3-7-99999999999999999999-a512f40193e64f69f5438bab211e6e",
                 55, 42, XT_HO_LIVE_TS, ADDR, 3, 1, &v) == XT_HO_MALFORMED);
    CHECK(verify(k, "3--7-1700000100-a512f40193e64f69f5438bab211e6eff", 48,
                 42, XT_HO_LIVE_TS, ADDR, 3, 1, &v) == XT_HO_MALFORMED);
    memset(bad, '1', sizeof(bad));
    CHECK(verify(k, bad, sizeof(bad), 42, XT_HO_LIVE_TS, ADDR, 3, 1, &v)
          == XT_HO_MALFORMED);
    /* an unknown kind is refused before any MAC */
    CHECK(verify(k, tok, n, 42, (xt_ho_kind_e) 'x', ADDR, 3, 1, &v)
          == XT_HO_MALFORMED);

    /* sign refuses what verify would */
    h.kind = (xt_ho_kind_e) 'x';
    CHECK(xt_handoff_sign(k, &h, ADDR, strlen(ADDR), tok, sizeof(tok)) == 0);
    h.kind = XT_HO_MOVIE;
    CHECK(xt_handoff_sign(k, &h, ADDR, strlen(ADDR), tok, 10) == 0);
    CHECK(xt_handoff_sign(k, &h, bad, 65, tok, sizeof(tok)) == 0);

    CHECK(strcmp(xt_handoff_rc_text(XT_HO_EXPIRED), "expired") == 0);

    xt_ho_key_free(k);
    xt_ho_key_free(k2);
    xt_ho_key_free(NULL);
}


static int
url(const char *s, xt_handoff_url_t *u)
{
    return xt_handoff_url(s, strlen(s), u);
}


static void
test_urls(void)
{
    xt_handoff_url_t  u;

    CHECK(url("/live/_h/3-7-9-ab/42.ts", &u) == 1 && !u.bad
          && u.kind == XT_HO_LIVE_TS && u.id == 42 && u.token_len == 8
          && memcmp(u.token, "3-7-9-ab", 8) == 0);
    CHECK(url("/live/_h/3-7-9-ab/42.m3u8", &u) == 1 && !u.bad
          && u.kind == XT_HO_LIVE_HLS);
    CHECK(url("/movie/_h/3-7-9-ab/5.mkv", &u) == 1 && !u.bad
          && u.kind == XT_HO_MOVIE && u.ext_len == 3
          && memcmp(u.ext, "mkv", 3) == 0);
    CHECK(url("/series/_h/3-7-9-ab/101.mp4", &u) == 1 && !u.bad
          && u.kind == XT_HO_EPISODE && u.id == 101);

    /* not a hand-off form: the normal routes */
    CHECK(url("/live/user/pass/42.ts", &u) == 0);
    CHECK(url("/live/_hx/3/42.ts", &u) == 0);
    CHECK(url("/hls/42/0/1.ts", &u) == 0);

    /* hand-off forms, malformed */
    CHECK(url("/live/_h/3-7-9-ab/42.mp4", &u) == 1 && u.bad);
    CHECK(url("/live/_h/3-7-9-ab/42", &u) == 1 && u.bad);
    CHECK(url("/live/_h//42.ts", &u) == 1 && u.bad);
    CHECK(url("/live/_h/3-7-9-AB/42.ts", &u) == 1 && u.bad);
    CHECK(url("/live/_h/3-7-9-ab/042.ts", &u) == 1 && u.bad);
    CHECK(url("/live/_h/3-7-9-ab/0.ts", &u) == 1 && u.bad);
    CHECK(url("/live/_h/3-7-9-ab/4294967296.ts", &u) == 1 && u.bad);
    CHECK(url("/live/_h/3-7-9-ab/12345678901.ts", &u) == 1 && u.bad);
    CHECK(url("/live/_h/3-7-9-ab/4/2.ts", &u) == 1 && u.bad);
    CHECK(url("/movie/_h/3-7-9-ab/5.", &u) == 1 && u.bad);
    CHECK(url("/movie/_h/3-7-9-ab/5.abcdefghi", &u) == 1 && u.bad);
    CHECK(url("/movie/_h/3-7-9-ab/5.m%4", &u) == 1 && u.bad);
    CHECK(url("/live/_h/3-7-9-ab", &u) == 1 && u.bad);
}


int
main(void)
{
    test_tokens();
    test_urls();

    printf("test_handoff: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
