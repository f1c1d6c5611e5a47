/* Native-rate reading: holds the reader back while the stream's own
 * timestamps run ahead of the wall clock, so a source that can be read
 * faster than real time (a file, a file over HTTP, an HLS VOD playlist)
 * plays at 1x. A source that is already real time is never ahead by more
 * than the allowed lead, so it is never delayed.
 *
 *   struct xtw_pace p;
 *   xtw_pace_reset(&p);                     // new timeline (optional)
 *   xtw_pace_wait(&p, pts_us, lead_us);     // per packet, before writing
 */
#ifndef XTW_PACE_H
#define XTW_PACE_H

#include <stdint.h>

#define XTW_PACE_LEAD_US 300000LL         /* a file-like source: at most 0.3 s ahead */
#define XTW_PACE_LIVE_LEAD_US 30000000LL  /* a live-looking one: only a runaway is held */
#define XTW_PACE_REANCHOR_US 10000000LL   /* this far behind: start again from now */

struct xtw_pace {
    int64_t wall0, ts0; /* anchor: wall clock (µs) when media time ts0 (µs) was read */
    int anchored;
};

void xtw_pace_reset(struct xtw_pace *p);
/* Sleeps (stop-aware, health lines keep flowing) while media time ts_us is
 * more than lead_us ahead of the wall clock since the anchor. The first call
 * anchors; falling more than XTW_PACE_REANCHOR_US behind (a stalled network)
 * re-anchors, as does running ahead by more than lead_us + the same amount
 * (a timestamp jump). Returns the µs slept. */
int64_t xtw_pace_wait(struct xtw_pace *p, int64_t ts_us, int64_t lead_us);

#endif
