/*
 * panel_api.php full dump as a chunk source (xt_sink.h):
 * {"user_info":..,"server_info":..,"categories":{"live":[..],"movie":[..],
 * "series":[..]},"available_channels":{"ID":{...},...}}.  Categories are
 * those the line's titles use (as in player_api's lists).  Channels are
 * the line's live streams, each the snapshot's item fragment
 * spliced with "num" in front and the panel-only keys after.  Live
 * streams only: movie ids live in their own id space and would collide as
 * object keys (XC2 had one streams table).
 */

#ifndef XT_PANEL_H
#define XT_PANEL_H

#include <stddef.h>
#include <stdint.h>

#include "xt_entitle.h"
#include "xt_sink.h"


#define XT_PANEL_GEN_MAX  4096


typedef struct {
    const xt_snap_t        *cat;
    const xt_snap_t        *lines;
    const xt_snap_line_t   *line;
    const char             *head;       /* xt_render_panel_head() output */
    size_t                  head_len;

    int                     phase;
    uint32_t                ci;
    uint32_t                ncat;       /* categories emitted in a type */
    uint32_t                n;          /* channels emitted */
    xt_title_iter_t         it;
    uint8_t                *seen;
    uint32_t               *used;       /* sorted category ids of a type */
    uint32_t                nused;
    size_t                  suffix_len; /* pending close of the previous */
    char                    suffix[2048];
    char                    gen[XT_PANEL_GEN_MAX];
} xt_panel_t;


size_t xt_panel_scratch_size(const xt_snap_t *cat);

void xt_panel_init(xt_panel_t *p, const xt_snap_t *cat,
    const xt_snap_t *lines, const xt_snap_line_t *line, const char *head,
    size_t head_len, void *scratch);

int xt_panel_next(void *data, xt_chunk_t *c);

#endif /* XT_PANEL_H */
