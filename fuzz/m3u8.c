/*
 * Playlists read back from the worker's output directory (xt_m3u8.c):
 * media and master rewriting and the live-edge numbers, on any file.
 */

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "xt_m3u8.h"


typedef struct {
    size_t  total;
} sink_t;


static int
sink(void *ctx, const char *p, size_t len)
{
    sink_t  *s = ctx;

    assert(len == 0 || p != NULL);
    s->total += len;
    return 0;
}


static size_t
token(void *ctx, uint32_t variant, char *buf, size_t size)
{
    assert(variant < XT_M3U8_MAX_VARIANTS);
    if (size < 4) {
        return 0;
    }
    memcpy(buf, "tok0", 4);
    buf[3] = (char) ('a' + variant);
    return 4;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char      *pl = (const char *) data;
    sink_t           s;
    xt_m3u8_info_t   info;

    memset(&s, 0, sizeof(s));
    (void) xt_m3u8_rewrite_media(pl, size, "/hls/42/0/", 10, "tok", 3, sink,
                                 &s);

    memset(&s, 0, sizeof(s));
    (void) xt_m3u8_rewrite_master(pl, size, "/hls/42/", 8, token, NULL, sink,
                                  &s);

    /* the continuous-TS live edge needs at least one segment */
    if (xt_m3u8_media_info(pl, size, &info) == 0) {
        assert(info.nsegments > 0);
    }

    return 0;
}
