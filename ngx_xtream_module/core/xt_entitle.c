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


size_t
xt_title_bitmap_size(const xt_snap_t *cat)
{
    uint32_t  n;

    n = cat->nlive;
    n = cat->nmovies > n ? cat->nmovies : n;
    n = cat->nseries > n ? cat->nseries : n;

    return ((size_t) n + 7) / 8;
}


static size_t
xt_title_count_bytes(const xt_snap_t *cat, xt_title_kind_e kind)
{
    uint32_t  n;

    n = kind == XT_TITLE_MOVIE ? cat->nmovies
        : kind == XT_TITLE_SERIES ? cat->nseries : cat->nlive;

    return ((size_t) n + 7) / 8;
}


/* the bouquet's list of one kind */
static void
xt_bouquet_list(const xt_snap_bouquet_t *b, xt_title_kind_e kind,
    uint32_t *start, uint32_t *n)
{
    switch (kind) {

    case XT_TITLE_MOVIE:
        *start = b->movies;
        *n = b->nmovies;
        break;

    case XT_TITLE_SERIES:
        *start = b->series;
        *n = b->nseries;
        break;

    default:
        *start = b->live;
        *n = b->nlive;
    }
}


int
xt_entitle_title(const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, xt_title_kind_e kind, uint32_t idx)
{
    uint32_t                  bi, i, start, n;
    const uint32_t           *v;
    const xt_snap_bouquet_t  *b;

    for (bi = 0; bi < line->nbouquets; bi++) {
        b = xt_snap_bouquet_find(cat, lines->u32[line->bouquets + bi]);
        if (b == NULL) {
            continue;
        }

        xt_bouquet_list(b, kind, &start, &n);
        v = cat->u32 + start;

        for (i = 0; i < n; i++) {
            if (v[i] == idx) {
                return 1;
            }
        }
    }

    return 0;
}


int
xt_entitle_live(const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, uint32_t live_idx)
{
    return xt_entitle_title(cat, lines, line, XT_TITLE_LIVE, live_idx);
}


int
xt_entitle_movie(const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, uint32_t movie_idx)
{
    return xt_entitle_title(cat, lines, line, XT_TITLE_MOVIE, movie_idx);
}


int
xt_entitle_series(const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, uint32_t series_idx)
{
    return xt_entitle_title(cat, lines, line, XT_TITLE_SERIES, series_idx);
}


int
xt_entitle_episode(const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, const xt_snap_episode_t *ep)
{
    const xt_snap_series_t  *se;

    se = xt_snap_series_find(cat, ep->series_id);
    if (se == NULL) {
        return 0;
    }

    return xt_entitle_series(cat, lines, line, xt_snap_series_idx(cat, se));
}


void
xt_title_iter_init(xt_title_iter_t *it, xt_title_kind_e kind,
    const xt_snap_t *cat, const xt_snap_t *lines, const xt_snap_line_t *line,
    uint8_t *seen)
{
    it->cat = cat;
    it->lines = lines;
    it->line = line;
    it->seen = seen;
    it->bi = 0;
    it->si = 0;
    it->kind = kind;
    it->have = 0;

    memset(seen, 0, xt_title_count_bytes(cat, kind));
}


void
xt_live_iter_init(xt_live_iter_t *it, const xt_snap_t *cat,
    const xt_snap_t *lines, const xt_snap_line_t *line, uint8_t *seen)
{
    xt_title_iter_init(it, XT_TITLE_LIVE, cat, lines, line, seen);
}


int
xt_live_iter_next(xt_live_iter_t *it, uint32_t *idx)
{
    uint32_t                  v;
    const xt_snap_bouquet_t  *b;

    while (it->bi < it->line->nbouquets) {
        if (!it->have) {
            /* a bouquet deleted since the lines snapshot is simply empty */
            b = xt_snap_bouquet_find(it->cat,
                                     it->lines->u32[it->line->bouquets
                                                    + it->bi]);
            if (b != NULL) {
                xt_bouquet_list(b, it->kind, &it->start, &it->n);

            } else {
                it->start = 0;
                it->n = 0;
            }

            it->have = 1;
        }

        while (it->si < it->n) {
            v = it->cat->u32[it->start + it->si++];

            if (it->seen[v >> 3] & (1u << (v & 7))) {
                continue;
            }

            it->seen[v >> 3] |= (uint8_t) (1u << (v & 7));
            *idx = v;

            return 1;
        }

        it->bi++;
        it->si = 0;
        it->have = 0;
    }

    return 0;
}


uint32_t
xt_title_iter_peek(const xt_title_iter_t *it, uint32_t k)
{
    if (!it->have || k >= it->n || it->si >= it->n - k) {
        return UINT32_MAX;
    }

    return it->cat->u32[it->start + it->si + k];
}
