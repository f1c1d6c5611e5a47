/*
 * player_api EPG answers: get_short_epg (rows ending after now, at most
 * limit) and get_simple_data_table (the whole stored schedule with
 * now_playing and has_archive).  Rows are rendered with yajl; titles and
 * descriptions are base64 of (repaired) UTF-8, date strings are the server
 * zone's wall clock, timestamps are digit strings (see docs/API-CHOICES.md).
 */

#ifndef XT_RENDER_EPG_H
#define XT_RENDER_EPG_H

#include <stddef.h>
#include <stdint.h>

#include "xt_entitle.h"
#include "xt_sink.h"
#include "xt_tz.h"


#define XT_EPG_LIMIT_DEFAULT    4
#define XT_EPG_LIMIT_MAX        100
#define XT_EPG_TABLE_MAX        5000    /* rows of one channel's table */


typedef struct {
    const xt_snap_t        *cat;
    const xt_snap_t        *epg;        /* NULL: no EPG snapshot yet */
    const xt_tz_t          *tz;
    int64_t                 now;
    int                     table;      /* get_simple_data_table */
    uint32_t                limit;      /* short EPG rows per channel */

    /* the streams asked for: ids and LIVE indexes (UINT32_MAX when the
       stream is unknown or not entitled: no rows) */
    const uint32_t         *ids;
    const uint32_t         *live_idx;
    uint32_t                n;
    int                     multi;      /* object keyed by stream id */
} xt_epg_req_t;


/* the channel's programmes for a stream, or NULL */
const xt_snap_epg_channel_t *xt_epg_channel_of(const xt_snap_t *cat,
    const xt_snap_t *epg, uint32_t live_idx);

/* [*from, *to): the programmes of ch that end after now, at most limit */
void xt_epg_short_range(const xt_snap_t *epg,
    const xt_snap_epg_channel_t *ch, int64_t now, uint32_t limit,
    uint32_t *from, uint32_t *to);

/* has_archive: ended, and started inside the stream's archive window */
int xt_epg_has_archive(const xt_snap_live_t *lv,
    const xt_snap_epg_prog_t *pg, int64_t now);

/* 0, or -1 when yajl or an allocation failed */
int xt_render_epg(const xt_epg_req_t *req, xt_sink_pt sink, void *ctx);

#endif /* XT_RENDER_EPG_H */
