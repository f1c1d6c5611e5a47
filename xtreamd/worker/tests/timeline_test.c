/* Unit test of the output timeline: continuity across reopen, 33-bit wrap,
 * big jumps, small regressions and stale packets. */
#include "../timeline.h"

#include <stdio.h>

static int fails, passes;
#define CHECK(name, cond) do { if (cond) passes++; else { fails++; printf("not ok - timeline: %s\n", name); } } while (0)

static int64_t feed(struct timeline *t, AVPacket *p, int64_t dts, int slot, int *rc)
{
    p->dts = p->pts = dts;
    p->duration = 3600;
    *rc = tl_map(t, p, slot);
    return p->dts;
}

int main(void)
{
    struct timeline t;
    AVPacket *p = av_packet_alloc();
    int rc, mono = 1;
    tl_init(&t);
    int64_t start = feed(&t, p, 123456789, 0, &rc), last = start;
    CHECK("first packet anchors at the start", rc == 0 && start == 10LL * TL_HZ);
    for (int i = 1; i < 100; i++) {
        int64_t d = feed(&t, p, 123456789 + i * 3600LL, 0, &rc);
        mono &= d > last;
        last = d;
    }
    CHECK("steady stream maps 1:1", mono && last == start + 99 * 3600LL);
    /* 33-bit wrap from the source (no demuxer correction) */
    int64_t w = feed(&t, p, 5, 0, &rc);
    CHECK("33-bit wrap is re-based without a gap", rc == 0 && w == last + 3600 && t.rebases == 1);
    last = w;
    w = feed(&t, p, 5 + 3600, 0, &rc);
    CHECK("after the wrap the offset holds", w == last + 3600);
    last = w;
    /* small regression: bumped */
    w = feed(&t, p, 5 + 3600 - 1800, 0, &rc);
    CHECK("small DTS regression bumped to last+1", rc == 0 && w == last + 1);
    last = w;
    /* far behind (2 s) but under the jump limit: dropped */
    feed(&t, p, 5 - 2 * TL_HZ, 0, &rc);
    CHECK("packet 2 s behind dropped", rc == -1);
    /* reopen at an unrelated position: continues right after */
    tl_reanchor(&t);
    w = feed(&t, p, 999999999, 1, &rc);
    CHECK("reopen continues at the expected next DTS", rc == 0 && w == t.last_dts[1] && w >= last + 1 && w <= last + 3601);
    /* forward jump of an hour: re-based */
    int64_t before = w;
    w = feed(&t, p, 999999999 + 3600LL * TL_HZ, 1, &rc);
    CHECK("forward jump re-based", rc == 0 && w == before + 3600);
    /* audio overlapping by more than 1 ms: dropped; by 1 tick: bumped */
    int64_t a0 = feed(&t, p, 999999999 + 3600LL * TL_HZ + 3600, 1, &rc);
    feed(&t, p, 999999999 + 3600LL * TL_HZ + 3600 - 1000, 1, &rc);
    CHECK("audio overlap dropped", rc == -1 && t.last_dts[1] == a0);
    w = feed(&t, p, 999999999 + 3600LL * TL_HZ + 3600, 1, &rc);
    CHECK("audio 1-tick regression bumped", rc == 0 && w == a0 + 1);
    feed(&t, p, AV_NOPTS_VALUE, 0, &rc);
    CHECK("no timestamp: dropped", rc == -1);
    CHECK("bad slot: dropped", tl_map(&t, p, 7) == -1);
    av_packet_free(&p);
    printf("timeline: %d passed, %d failed\n", passes, fails);
    return fails != 0;
}
