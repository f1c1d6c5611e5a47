/* Unit tests of the stream URL parser (xt_route.c). */

#include <stdio.h>
#include <string.h>

#include "xt_route.h"

#include "xt_test.h"

int  xt_test_passed, xt_test_failed;

static xt_route_rc_e
parse(const char *p, xt_route_t *rt)
{
    return xt_route_parse(p, strlen(p), rt);
}

static int
span_is(xt_span_t s, const char *lit)
{
    return s.len == strlen(lit) && memcmp(s.data, lit, s.len) == 0;
}

int
main(void)
{
    xt_route_t  rt;
    char        big[600];

    /* live, every form */
    CHECK(parse("/live/u1/p1/42.ts", &rt) == XT_ROUTE_OK);
    CHECK(rt.kind == XT_ROUTE_LIVE && rt.id == 42 && rt.ext_kind == XT_EXT_TS);
    CHECK(span_is(rt.username, "u1") && span_is(rt.password, "p1"));
    CHECK(parse("/live/u1/p1/42.m3u8", &rt) == XT_ROUTE_OK
          && rt.ext_kind == XT_EXT_M3U8);
    CHECK(parse("/live/u1/p1/42", &rt) == XT_ROUTE_OK
          && rt.ext_kind == XT_EXT_NONE);
    CHECK(parse("/u1/p1/42", &rt) == XT_ROUTE_OK && rt.kind == XT_ROUTE_LIVE
          && rt.id == 42 && rt.ext_kind == XT_EXT_NONE);
    CHECK(parse("/u1/p1/42.m3u8", &rt) == XT_ROUTE_OK
          && rt.ext_kind == XT_EXT_M3U8);
    CHECK(parse("/a.b@c-d_e/P.w-1/7.ts", &rt) == XT_ROUTE_OK
          && span_is(rt.username, "a.b@c-d_e"));
    CHECK(parse("/u1/p1/42.mp4", &rt) == XT_ROUTE_NOT_FOUND);
    CHECK(parse("/live/u1/p1/42.mkv", &rt) == XT_ROUTE_OK
          && rt.ext_kind == XT_EXT_OTHER);

    /* movie and series need an extension */
    CHECK(parse("/movie/u/p/9.mp4", &rt) == XT_ROUTE_OK
          && rt.kind == XT_ROUTE_MOVIE && rt.id == 9 && span_is(rt.ext, "mp4"));
    CHECK(parse("/series/u/p/1001.mkv", &rt) == XT_ROUTE_OK
          && rt.kind == XT_ROUTE_SERIES && rt.id == 1001);
    CHECK(parse("/movie/u/p/9", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/movie/u/p/9.", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/movie/u/p/9.abcdefghi", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/movie/u/p/9.m/4", &rt) == XT_ROUTE_NOT_FOUND);

    /* timeshift */
    CHECK(parse("/timeshift/u/p/60/2024-01-02:03-04/5.ts", &rt) == XT_ROUTE_OK
          && rt.kind == XT_ROUTE_TIMESHIFT && rt.duration == 60 && rt.id == 5
          && span_is(rt.start, "2024-01-02:03-04"));
    CHECK(parse("/timeshift/u/p/0/2024-01-02:03-04/5.ts", &rt)
          == XT_ROUTE_BAD);
    CHECK(parse("/timeshift/u/p/60/2024-01-02T03/5.ts", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/timeshift/u/p/60/2024-01-02:03-04/5.mp4", &rt)
          == XT_ROUTE_BAD);
    CHECK(parse("/timeshift/u/p/99999999999/2024-01-02:03-04/5.ts", &rt)
          == XT_ROUTE_BAD);
    CHECK(parse("/timeshift/u/p/60/2024-01-02:03-04/5.m3u8", &rt)
          == XT_ROUTE_OK && rt.ext_kind == XT_EXT_M3U8);
    CHECK(parse("/timeshifts/u/p/30/7/2024-01-02:03-04.ts", &rt)
          == XT_ROUTE_OK && rt.kind == XT_ROUTE_TIMESHIFT && rt.id == 7
          && rt.duration == 30 && span_is(rt.start, "2024-01-02:03-04")
          && rt.ext_kind == XT_EXT_TS);
    CHECK(parse("/timeshifts/u/p/30/7.ts/2024-01-02:03-04.ts", &rt)
          == XT_ROUTE_BAD);
    CHECK(parse("/timeshifts/u/p/30/7/2024-01-02:03-04", &rt)
          == XT_ROUTE_BAD);
    CHECK(parse("/timeshifts/u/p/30/7/.ts", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/timeshifts/u/p/30/7/2024-01-02:03-04.mkv", &rt)
          == XT_ROUTE_BAD);
    CHECK(parse("/streaming/timeshift.php", &rt) == XT_ROUTE_OK
          && rt.kind == XT_ROUTE_TIMESHIFT_PHP);
    CHECK(parse("/streaming/other.php", &rt) == XT_ROUTE_NOT_FOUND);
    CHECK(parse("/hls/42/archive/1700000000000.ts", &rt) == XT_ROUTE_OK
          && rt.kind == XT_ROUTE_HLS_SEGMENT
          && rt.variant == XT_ROUTE_ARCHIVE_VARIANT
          && rt.seq == 1700000000000ULL);
    CHECK(parse("/hls/42/archive/index.m3u8", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/hls/42/archive/x.ts", &rt) == XT_ROUTE_BAD);

    /* hls */
    CHECK(parse("/hls/42/0/1234.ts", &rt) == XT_ROUTE_OK
          && rt.kind == XT_ROUTE_HLS_SEGMENT && rt.id == 42 && rt.variant == 0
          && rt.seq == 1234);
    CHECK(parse("/hls/42/2/index.m3u8", &rt) == XT_ROUTE_OK
          && rt.kind == XT_ROUTE_HLS_PLAYLIST && rt.variant == 2);
    CHECK(parse("/hls/42/0/0.ts", &rt) == XT_ROUTE_OK && rt.seq == 0);
    CHECK(parse("/hls/42/1/7.key", &rt) == XT_ROUTE_OK
          && rt.kind == XT_ROUTE_HLS_KEY && rt.id == 42 && rt.variant == 1
          && rt.seq == 7);
    CHECK(parse("/hls/42/archive/7.key", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/hls/42/0/07.key", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/hls/42/0/x.key", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/hls/42/64/1.ts", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/hls/42/0/01.ts", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/hls/0/0/1.ts", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/hls/42/0/1.mp4", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/hls/42/0/../1.ts", &rt) == XT_ROUTE_NOT_FOUND);

    /* hostile: bad ids, traversal leftovers, NUL, empty segments */
    CHECK(parse("/live/u/p/0.ts", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/live/u/p/042.ts", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/live/u/p/4294967296.ts", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/live/u/p/4294967295.ts", &rt) == XT_ROUTE_OK
          && rt.id == 4294967295u);
    CHECK(parse("/live/u/p/-1.ts", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/live/u/p/1e3.ts", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/live/u//p/1.ts", &rt) == XT_ROUTE_NOT_FOUND);
    CHECK(parse("/live/u/p/1.ts/", &rt) == XT_ROUTE_NOT_FOUND);
    CHECK(parse("/live/u:x/p/1.ts", &rt) == XT_ROUTE_BAD);
    CHECK(parse("/live/u/p%2f/1.ts", &rt) == XT_ROUTE_BAD);
    CHECK(xt_route_parse("/live/u\0x/p/1.ts", 16, &rt) == XT_ROUTE_NOT_FOUND);
    CHECK(parse("", &rt) == XT_ROUTE_NOT_FOUND);
    CHECK(parse("/", &rt) == XT_ROUTE_NOT_FOUND);
    CHECK(parse("live/u/p/1.ts", &rt) == XT_ROUTE_NOT_FOUND);
    CHECK(parse("/a/b/c/d/e/f/g/h/i", &rt) == XT_ROUTE_NOT_FOUND);

    memset(big, 'a', sizeof(big));
    memcpy(big, "/live/", 6);
    memcpy(big + 70, "/p/1.ts", 8);
    CHECK(parse(big, &rt) == XT_ROUTE_OK);              /* 64: the limit */
    big[70] = 'a';
    memcpy(big + 71, "/p/1.ts", 8);
    CHECK(parse(big, &rt) == XT_ROUTE_BAD);             /* 65 */

    CHECK(xt_route_valid_cred("abc", 3));
    CHECK(!xt_route_valid_cred("", 0));
    CHECK(!xt_route_valid_cred("a b", 3));
    CHECK(!xt_route_valid_cred("a+b", 3));

    /* raw request targets: traversal and encoding tricks are refused */
    {
        static const char  *bad[] = {
            "/live/u/p/../1.ts", "/live/u/p/%2e%2e/1.ts", "/live/u/p/%2E./1.ts",
            "/movie/u/p/1.mp4%00", "/movie/u%2fp/1.mp4", "/movie/u%2Fp/x/1.mp4",
            "/live/u/p/1.ts%5c", "/live/u\\p/1.ts", "/live/u/./p/1.ts",
            "/live/u/p/..", "/live/u/p/.", "/live/u/p/1.ts%", "/live/u/p/1.ts%2",
            "/live/u/p/%0a1.ts", "/live/u/p/%c3%a91.ts", "/live/u/p/\x01.ts",
            "/live/u/p /1.ts", "/live/u/p/%7f1.ts",
            NULL
        };
        static const char  *good[] = {
            "/live/u/p/1.ts", "/u/p/1", "/movie/a.b/c..d/7.mp4",
            "/hls/1/0/5.ts?t=1_2_3/../..%2e", "/live/u/p/...", "/live/%41/p/1.ts",
            NULL
        };
        const char  **s;

        for (s = bad; *s; s++) {
            CHECK(xt_route_raw_ok(*s, strlen(*s)) == 0);
        }
        for (s = good; *s; s++) {
            CHECK(xt_route_raw_ok(*s, strlen(*s)) == 1);
        }
    }

    printf("test_route: %d passed, %d failed\n", xt_test_passed,
           xt_test_failed);
    return xt_test_failed ? 1 : 0;
}
