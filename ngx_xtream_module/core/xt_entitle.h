/*
 * What a line may see and do: its status at a given time and the live
 * streams, movies and series of its bouquets (union in line order, then
 * bouquet order, each title once).
 */

#ifndef XT_ENTITLE_H
#define XT_ENTITLE_H

#include <stddef.h>
#include <stdint.h>

#include "xt_snapshot.h"


typedef enum {
    XT_STATUS_ACTIVE = 0,
    XT_STATUS_BANNED,
    XT_STATUS_DISABLED,
    XT_STATUS_EXPIRED
} xt_status_e;


xt_status_e xt_line_status(const xt_snap_line_t *line, int64_t now);
const char *xt_status_name(xt_status_e st);


/* the three kinds of title a bouquet lists */
typedef enum {
    XT_TITLE_LIVE = 0,
    XT_TITLE_MOVIE,
    XT_TITLE_SERIES
} xt_title_kind_e;


/*
 * Is record idx (an index into LIVE, MOVIES or SERIES) in one of the
 * line's bouquets?  Linear over the line's bouquets and their lists: a few
 * microseconds for 10 000 titles, no allocation.  Bouquets deleted since
 * the lines snapshot count as empty.
 */
int xt_entitle_title(const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, xt_title_kind_e kind, uint32_t idx);
int xt_entitle_live(const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, uint32_t live_idx);
int xt_entitle_movie(const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, uint32_t movie_idx);
int xt_entitle_series(const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, uint32_t series_idx);
/* an episode is entitled when its series is */
int xt_entitle_episode(const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, const xt_snap_episode_t *ep);


/* walks the line's titles of one kind; "seen" is a caller-owned bitmap */
typedef struct {
    const xt_snap_t        *cat;
    const xt_snap_t        *lines;
    const xt_snap_line_t   *line;
    uint8_t                *seen;
    uint32_t                bi;         /* position in the line's bouquets */
    uint32_t                si;         /* position in that bouquet */
    xt_title_kind_e         kind;
    int                     have;       /* start, n hold bouquet bi's list */
    uint32_t                start;
    uint32_t                n;
} xt_live_iter_t;

typedef xt_live_iter_t  xt_title_iter_t;


/* bytes of the "seen" bitmap for this catalog */
size_t xt_live_bitmap_size(const xt_snap_t *cat);
/* bytes of the "seen" bitmap of the largest kind (fits every kind) */
size_t xt_title_bitmap_size(const xt_snap_t *cat);

/* like xt_live_iter_init, for any kind; next gives indexes of that kind */
void xt_title_iter_init(xt_title_iter_t *it, xt_title_kind_e kind,
    const xt_snap_t *cat, const xt_snap_t *lines, const xt_snap_line_t *line,
    uint8_t *seen);
#define xt_title_iter_next  xt_live_iter_next

/* zeroes the bitmap and starts at the first stream */
void xt_live_iter_init(xt_live_iter_t *it, const xt_snap_t *cat,
    const xt_snap_t *lines, const xt_snap_line_t *line, uint8_t *seen);

/* 1 with *idx set to a LIVE record index, 0 at the end */
int xt_live_iter_next(xt_live_iter_t *it, uint32_t *idx);

/* a prefetch hint: the index k places ahead in the current bouquet (maybe
   one already seen, never past that bouquet), or UINT32_MAX */
uint32_t xt_title_iter_peek(const xt_title_iter_t *it, uint32_t k);

#endif /* XT_ENTITLE_H */
