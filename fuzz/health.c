/*
 * xtream-worker's health lines as xtreamd reads them
 * (xt_supervisor_health.c).  The worker is ours, but what it reports
 * (codec names, the last error) comes from the media and the remote
 * source: a garbled line is refused whole, never half-applied.
 */

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "xt_supervisor_int.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xt_health_t  h, before;

    memset(&h, 0x5a, sizeof(h));
    before = h;

    if (xt_health_parse((const char *) data, size, &h) != 0) {
        assert(memcmp(&h, &before, sizeof(h)) == 0);
        return 0;
    }

    assert(h.state <= XT_WS_STOPPED);
    assert(memchr(h.video_codec, '\0', sizeof(h.video_codec)) != NULL);
    assert(memchr(h.audio_codec, '\0', sizeof(h.audio_codec)) != NULL);
    assert(memchr(h.last_error, '\0', sizeof(h.last_error)) != NULL);

    return 0;
}
