#include "timeline.h"

#include <stdio.h>

void tl_init(struct timeline *t)
{
    t->offset = 0;
    t->have_offset = 0;
    for (int i = 0; i < TL_MAX_STREAMS; i++)
        t->last_dts[i] = INT64_MIN;
    t->next_dts = 10LL * TL_HZ; /* headroom: encoder DTS may precede the first PTS */
    t->rebases = 0;
}

void tl_reanchor(struct timeline *t)
{
    t->have_offset = 0;
}

int tl_map(struct timeline *t, AVPacket *pkt, int slot)
{
    if (slot < 0 || slot >= TL_MAX_STREAMS)
        return -1;
    if (pkt->dts == AV_NOPTS_VALUE)
        pkt->dts = pkt->pts;
    if (pkt->dts == AV_NOPTS_VALUE)
        return -1;
    if (pkt->pts == AV_NOPTS_VALUE)
        pkt->pts = pkt->dts;
    /* Keep the pts-dts gap bounded: a hostile stream must not overflow us. */
    if (pkt->pts - pkt->dts > TL_JUMP_LIMIT || pkt->pts < pkt->dts)
        pkt->pts = pkt->dts;

    if (!t->have_offset) {
        t->offset = t->next_dts - pkt->dts;
        t->have_offset = 1;
    }
    int64_t dts = pkt->dts + t->offset;
    /* Jump either way relative to where the timeline is: re-base so output
     * continues without a gap (source restart, splice, 33-bit wrap). */
    if (dts > t->next_dts + TL_JUMP_LIMIT || dts < t->next_dts - TL_JUMP_LIMIT) {
        t->offset = t->next_dts - pkt->dts;
        dts = t->next_dts;
        t->rebases++;
    }
    int64_t pts = pkt->pts - pkt->dts + dts;
    int64_t last = t->last_dts[slot];
    if (last != INT64_MIN && dts <= last) {
        if (last - dts > TL_BEHIND_DROP)
            return -1;
        /* Audio overlapping what was written (splice, source restart):
         * dropped, since bumped frames would pile up; 1 ms jitter is bumped. */
        if (slot == TL_AUDIO_SLOT && last - dts > TL_HZ / 1000)
            return -1;
        int64_t shift = last + 1 - dts;  /* small regression: bump */
        dts += shift;
        pts += shift;
    }
    t->last_dts[slot] = dts;
    int64_t end = dts + (pkt->duration > 0 && pkt->duration < TL_HZ ? pkt->duration : 1);
    if (end > t->next_dts)
        t->next_dts = end;
    pkt->dts = dts;
    pkt->pts = pts;
    return 0;
}
