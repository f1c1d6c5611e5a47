/* Unit tests of playlist rewriting (xt_m3u8.c). */

#include <stdio.h>
#include <string.h>

#include "xt_m3u8.h"

#include "xt_test.h"

int  xt_test_passed, xt_test_failed;

typedef struct {
    char    buf[4096];
    size_t  len;
} out_t;

static int
sink(void *ctx, const char *p, size_t len)
{
    out_t  *o = ctx;

    if (o->len + len >= sizeof(o->buf)) {
        return -1;
    }
    memcpy(o->buf + o->len, p, len);
    o->len += len;
    o->buf[o->len] = '\0';
    return 0;
}

static size_t
token(void *ctx, uint32_t v, char *buf, size_t size)
{
    (void) ctx;
    return (size_t) snprintf(buf, size, "tok%u", v);
}

static const char  media[] =
    "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n"
    "#EXT-X-MEDIA-SEQUENCE:17\n"
    "#EXT-X-PROGRAM-DATE-TIME:2026-11-22T00:00:00.000Z\n#EXTINF:4.000,\n17.ts\n"
    "#EXTINF:4.000,\n18.ts\r\n#EXTINF:3.960,\n19.ts\n";

static const char  master[] =
    "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\n0/index.m3u8\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=400000\n1/index.m3u8\n";

int
main(void)
{
    out_t           o;
    xt_m3u8_info_t  info;

    memset(&o, 0, sizeof(o));
    CHECK(xt_m3u8_rewrite_media(media, sizeof(media) - 1, "/hls/5/0/", 9,
                                "TK", 2, sink, &o) == 0);
    CHECK(strstr(o.buf, "\n/hls/5/0/17.ts?t=TK\n") != NULL);
    CHECK(strstr(o.buf, "\n/hls/5/0/19.ts?t=TK\n") != NULL);
    CHECK(strstr(o.buf, "#EXT-X-MEDIA-SEQUENCE:17\n") != NULL);
    CHECK(strstr(o.buf, "\r") == NULL);

    CHECK(xt_m3u8_media_info(media, sizeof(media) - 1, &info) == 0);
    CHECK(info.first_seq == 17 && info.last_seq == 19 && info.nsegments == 3
          && !info.ended);

    memset(&o, 0, sizeof(o));
    CHECK(xt_m3u8_rewrite_master(master, sizeof(master) - 1, "/hls/5/", 7,
                                 token, NULL, sink, &o) == 0);
    CHECK(strstr(o.buf, "\n/hls/5/0/index.m3u8?t=tok0\n") != NULL);
    CHECK(strstr(o.buf, "\n/hls/5/1/index.m3u8?t=tok1\n") != NULL);

    /* encrypted HLS: the key URI gets the prefix and the segment token */
    {
        static const char  enc[] = "#EXTM3U\n"
            "#EXT-X-KEY:METHOD=AES-128,URI=\"3.key\",IV=0x0000000000000000"
            "000000000000001e\n#EXTINF:4.000000,\n30.ts\n";

        memset(&o, 0, sizeof(o));
        CHECK(xt_m3u8_rewrite_media(enc, sizeof(enc) - 1, "/hls/5/0/", 9,
                                    "TK", 2, sink, &o) == 0);
        CHECK(strstr(o.buf, "#EXT-X-KEY:METHOD=AES-128,URI=\"/hls/5/0/"
                     "3.key?t=TK\",IV=0x00000000000000000000000000"
                     "00001e\n") != NULL);
        CHECK(strstr(o.buf, "\n/hls/5/0/30.ts?t=TK\n") != NULL);
    }
    memset(&o, 0, sizeof(o));
    CHECK(xt_m3u8_rewrite_media("#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\""
                                "http://e/k\"\n", 51, "/", 1, "t", 1, sink,
                                &o) == -1);
    CHECK(xt_m3u8_rewrite_media("#EXTM3U\n#EXT-X-KEY:X\n", 21, "/", 1, "t",
                                1, sink, &o) == -1);
    CHECK(xt_m3u8_rewrite_media("#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\""
                                "1.kex\"\n", 46, "/", 1, "t", 1, sink, &o)
          == -1);

    /* hostile playlists: foreign URIs, traversal, absolute URLs, NUL */
    memset(&o, 0, sizeof(o));
    CHECK(xt_m3u8_rewrite_media("#EXTM3U\n../x.ts\n", 16, "/", 1, "t", 1,
                                sink, &o) == -1);
    CHECK(xt_m3u8_rewrite_media("#EXTM3U\nhttp://e/1.ts\n", 22, "/", 1,
                                "t", 1, sink, &o) == -1);
    CHECK(xt_m3u8_rewrite_media("#EXTM3U\n01.ts\n", 14, "/", 1, "t", 1,
                                sink, &o) == -1);
    CHECK(xt_m3u8_rewrite_media("#EXTM3U\n1.ts\0\n", 14, "/", 1, "t", 1,
                                sink, &o) == -1);
    CHECK(xt_m3u8_rewrite_media("not a playlist\n", 15, "/", 1, "t", 1,
                                sink, &o) == -1);
    CHECK(xt_m3u8_rewrite_master("#EXTM3U\n16/index.m3u8\n", 22, "/", 1,
                                 token, NULL, sink, &o) == -1);
    CHECK(xt_m3u8_rewrite_master("#EXTM3U\n0/index.m3u8x\n", 22, "/", 1,
                                 token, NULL, sink, &o) == -1);
    CHECK(xt_m3u8_media_info("#EXTM3U\n", 8, &info) == -1);
    CHECK(xt_m3u8_media_info("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:x\n1.ts\n", 36,
                             &info) == -1);

    printf("test_m3u8: %d passed, %d failed\n", xt_test_passed,
           xt_test_failed);
    return xt_test_failed ? 1 : 0;
}
