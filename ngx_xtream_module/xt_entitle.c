/*
 * Line status and bouquet walking.  The bitmap makes "each stream once"
 * O(1) per stream, so a 10 000-channel union costs one pass.
 */

#include <string.h>

#include "xt_entitle.h"


xt_status_e
xt_line_status(const xt_snap_line_t *line, int64_t now)
{
    if (line->status == XT_LINE_BANNED) {
        return XT_STATUS_BANNED;
    }

    if (line->status != XT_LINE_ACTIVE) {
        return XT_STATUS_DISABLED;
    }

    if (line->exp_date != 0 && line->exp_date <= now) {
        return XT_STATUS_EXPIRED;
    }

    return XT_STATUS_ACTIVE;
}


const char *
xt_status_name(xt_status_e st)
{
    static const char  *names[] = { "Active", "Banned", "Disabled", "Expired" };

    return names[st];
}


size_t
xt_live_bitmap_size(const xt_snap_t *cat)
{
    return ((size_t) cat->nlive + 7) / 8;
}


void
xt_live_iter_init(xt_live_iter_t *it, const xt_snap_t *cat,
    const xt_snap_t *lines, const xt_snap_line_t *line, uint8_t *seen)
{
    it->cat = cat;
    it->lines = lines;
    it->line = line;
    it->seen = seen;
    it->bi = 0;
    it->si = 0;

    memset(seen, 0, xt_live_bitmap_size(cat));
}


int
xt_live_iter_next(xt_live_iter_t *it, uint32_t *idx)
{
    uint32_t                  v, bid;
    const xt_snap_bouquet_t  *b;

    while (it->bi < it->line->nbouquets) {
        bid = it->lines->u32[it->line->bouquets + it->bi];

        /* a bouquet deleted since the lines snapshot is simply empty */
        b = xt_snap_bouquet_find(it->cat, bid);

        while (b != NULL && it->si < b->nlive) {
            v = it->cat->u32[b->live + it->si++];

            if (it->seen[v >> 3] & (1u << (v & 7))) {
                continue;
            }

            it->seen[v >> 3] |= (uint8_t) (1u << (v & 7));
            *idx = v;

            return 1;
        }

        it->bi++;
        it->si = 0;
    }

    return 0;
}
