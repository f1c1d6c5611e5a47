/*
 * What a line may see and do: its status at a given time and the live
 * streams of its bouquets (union in line order, then bouquet order, each
 * stream once).
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


/* walks the line's live streams; "seen" is a caller-owned bitmap */
typedef struct {
    const xt_snap_t        *cat;
    const xt_snap_t        *lines;
    const xt_snap_line_t   *line;
    uint8_t                *seen;
    uint32_t                bi;         /* position in the line's bouquets */
    uint32_t                si;         /* position in that bouquet */
} xt_live_iter_t;


/* bytes of the "seen" bitmap for this catalog */
size_t xt_live_bitmap_size(const xt_snap_t *cat);

/* zeroes the bitmap and starts at the first stream */
void xt_live_iter_init(xt_live_iter_t *it, const xt_snap_t *cat,
    const xt_snap_t *lines, const xt_snap_line_t *line, uint8_t *seen);

/* 1 with *idx set to a LIVE record index, 0 at the end */
int xt_live_iter_next(xt_live_iter_t *it, uint32_t *idx);

#endif /* XT_ENTITLE_H */
