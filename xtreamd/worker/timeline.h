/* The worker-owned output timeline (90 kHz): one offset for all streams keeps
 * A/V sync; DTS stays monotonic across reconnects, loops, splices and wraps. */
#ifndef XTW_TIMELINE_H
#define XTW_TIMELINE_H

#include <stdint.h>
#include <libavcodec/packet.h>
#include <libavutil/avutil.h>

#define TL_MAX_STREAMS 2
#define TL_HZ 90000
#define TL_JUMP_LIMIT (10LL * TL_HZ)   /* re-base beyond this */
#define TL_BEHIND_DROP (1LL * TL_HZ)   /* drop packets this far behind */
#define TL_AUDIO_SLOT 1                /* audio regressing > 1 ms is dropped, not bumped */

struct timeline {
    int64_t offset;
    int have_offset;                    /* 0 after (re)open: next packet anchors */
    int64_t last_dts[TL_MAX_STREAMS];   /* output, INT64_MIN = none */
    int64_t next_dts;                   /* expected next output dts (max end) */
    int64_t rebases;
};

void tl_init(struct timeline *t);
/* Call when a new input is opened: the next packet continues at next_dts. */
void tl_reanchor(struct timeline *t);
/* Maps pkt (already in 1/90000) to output time in place. slot is the output
 * stream (0..TL_MAX_STREAMS-1). Returns 0, or -1 if the packet must be dropped. */
int tl_map(struct timeline *t, AVPacket *pkt, int slot);

#endif
