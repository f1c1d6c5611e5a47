/*
 * EPG rows for player_api.  XC2 sends the raw database row (every value a
 * string); we keep that shape, with XUI's extra "stop" date string, and
 * integer now_playing/has_archive in the table (Dispatcharr learned that
 * clients need integers there).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "xt_text.h"
#include "xt_render_epg.h"


#define XT_KEY(g, k)                                                         \
    yajl_gen_string(g, (const unsigned char *) k, sizeof(k) - 1)

#define XT_EPG_TEXT_MAX  (64 * 1024)    /* longer titles are cut */


typedef struct {
    char    *buf;
    size_t   size;
} xt_epg_scratch_t;


const xt_snap_epg_channel_t *
xt_epg_channel_of(const xt_snap_t *cat, const xt_snap_t *epg,
    uint32_t live_idx)
{
    const xt_snap_live_t  *lv;

    if (epg == NULL || live_idx >= cat->nlive) {
        return NULL;
    }

    lv = &cat->live[live_idx];

    if (lv->epg_channel_id.len == 0) {
        return NULL;
    }

    return xt_snap_epg_channel_find(epg, xt_snap_strp(cat, lv->epg_channel_id),
                                    lv->epg_channel_id.len);
}


void
xt_epg_short_range(const xt_snap_t *epg, const xt_snap_epg_channel_t *ch,
    int64_t now, uint32_t limit, uint32_t *from, uint32_t *to)
{
    uint32_t                   lo, hi, mid, end;
    const xt_snap_epg_prog_t  *pg;

    pg = epg->epg_progs;
    lo = ch->first;
    hi = ch->first + ch->count;
    end = hi;

    /* the first programme starting after now ... */
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (pg[mid].start <= now) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }

    /* ... and the ones before it that are still on (normally one) */
    while (lo > ch->first && pg[lo - 1].stop > now) {
        lo--;
    }

    /* skip those that had ended (overlapping schedules) */
    while (lo < end && pg[lo].stop <= now) {
        lo++;
    }

    *from = lo;
    *to = (end - lo > limit) ? lo + limit : end;
}


int
xt_epg_has_archive(const xt_snap_live_t *lv, const xt_snap_epg_prog_t *pg,
    int64_t now)
{
    if (!(lv->flags & XT_LIVE_ARCHIVE) || lv->archive_days == 0) {
        return 0;
    }

    return pg->stop <= now
           && pg->start >= now - (int64_t) lv->archive_days * 86400;
}


/* the window rule, then the archive itself: a segment overlapping the
   programme's first minute (its start as a player asks for it) */
static int
xt_epg_archived(const xt_epg_req_t *req, const xt_snap_live_t *lv,
    const xt_snap_epg_prog_t *pg)
{
    int64_t  to;

    if (!xt_epg_has_archive(lv, pg, req->now)) {
        return 0;
    }

    if (req->archived == NULL) {
        return 1;
    }

    to = pg->start + XT_EPG_ARCHIVE_PROBE;
    if (to > pg->stop) {
        to = pg->stop;
    }

    return req->archived(req->archived_ctx, lv->id, pg->start, to);
}


static char *
xt_epg_scratch(xt_epg_scratch_t *s, size_t need)
{
    char  *p;

    if (need <= s->size) {
        return s->buf;
    }

    p = realloc(s->buf, need);
    if (p == NULL) {
        return NULL;
    }

    s->buf = p;
    s->size = need;

    return p;
}


/* base64 of the repaired UTF-8 of a snapshot string */
static yajl_gen_status
xt_epg_b64(yajl_gen g, xt_epg_scratch_t *s, const xt_snap_t *epg,
    xt_snap_str_t str)
{
    char    *p;
    size_t   len, n, m;

    len = str.len > XT_EPG_TEXT_MAX ? XT_EPG_TEXT_MAX : str.len;

    p = xt_epg_scratch(s, xt_utf8_replace_invalid_len(len)
                       + xt_base64_len(xt_utf8_replace_invalid_len(len)) + 1);
    if (p == NULL) {
        return yajl_gen_generation_complete;    /* any error status */
    }

    n = xt_utf8_replace_invalid(p,
                                (const unsigned char *) xt_snap_strp(epg, str),
                                len);
    m = xt_base64_encode(p + n, (const unsigned char *) p, n);

    return yajl_gen_string(g, (const unsigned char *) p + n, m);
}


static yajl_gen_status
xt_epg_plain(yajl_gen g, xt_epg_scratch_t *s, const xt_snap_t *snap,
    xt_snap_str_t str)
{
    char    *p;
    size_t   n;

    p = xt_epg_scratch(s, xt_utf8_replace_invalid_len(str.len) + 1);
    if (p == NULL) {
        return yajl_gen_generation_complete;
    }

    n = xt_utf8_replace_invalid(p,
                                (const unsigned char *) xt_snap_strp(snap, str),
                                str.len);

    return yajl_gen_string(g, (const unsigned char *) p, n);
}


static yajl_gen_status
xt_epg_num_str(yajl_gen g, int64_t v)
{
    int   n;
    char  buf[24];

    n = snprintf(buf, sizeof(buf), "%lld", (long long) v);

    return yajl_gen_string(g, (const unsigned char *) buf, (size_t) n);
}


static yajl_gen_status
xt_epg_time(yajl_gen g, const xt_tz_t *tz, int64_t t)
{
    char  buf[XT_TZ_TIME_LEN + 1];

    xt_tz_format(tz, t, buf);

    return yajl_gen_string(g, (const unsigned char *) buf, XT_TZ_TIME_LEN);
}


#define XT_TRY(x)  if ((x) != yajl_gen_status_ok) return -1


static int
xt_epg_row(yajl_gen g, xt_epg_scratch_t *s, const xt_epg_req_t *req,
    const xt_snap_live_t *lv, const xt_snap_epg_channel_t *ch,
    const xt_snap_epg_prog_t *pg)
{
    const xt_snap_t  *epg = req->epg;

    XT_TRY(yajl_gen_map_open(g));

    XT_TRY(XT_KEY(g, "id"));
    XT_TRY(xt_epg_num_str(g, (int64_t) pg->id));
    /* XC2's epg source id; we have one merged guide per channel */
    XT_TRY(XT_KEY(g, "epg_id"));
    XT_TRY(xt_epg_num_str(g, (int64_t) pg->channel + 1));
    XT_TRY(XT_KEY(g, "title"));
    XT_TRY(xt_epg_b64(g, s, epg, pg->title));
    XT_TRY(XT_KEY(g, "lang"));
    XT_TRY(xt_epg_plain(g, s, epg, pg->lang));
    XT_TRY(XT_KEY(g, "start"));
    XT_TRY(xt_epg_time(g, req->tz, pg->start));
    XT_TRY(XT_KEY(g, "end"));
    XT_TRY(xt_epg_time(g, req->tz, pg->stop));
    XT_TRY(XT_KEY(g, "description"));
    XT_TRY(xt_epg_b64(g, s, epg, pg->description));
    XT_TRY(XT_KEY(g, "channel_id"));
    XT_TRY(xt_epg_plain(g, s, epg, ch->id));
    XT_TRY(XT_KEY(g, "start_timestamp"));
    XT_TRY(xt_epg_num_str(g, pg->start));
    XT_TRY(XT_KEY(g, "stop_timestamp"));
    XT_TRY(xt_epg_num_str(g, pg->stop));
    XT_TRY(XT_KEY(g, "stop"));
    XT_TRY(xt_epg_time(g, req->tz, pg->stop));

    if (req->table) {
        XT_TRY(XT_KEY(g, "now_playing"));
        XT_TRY(yajl_gen_integer(g, pg->start <= req->now
                                   && pg->stop > req->now));
        XT_TRY(XT_KEY(g, "has_archive"));
        XT_TRY(yajl_gen_integer(g, xt_epg_archived(req, lv, pg)));
    }

    XT_TRY(yajl_gen_map_close(g));

    return 0;
}


static int
xt_epg_rows(yajl_gen g, xt_epg_scratch_t *s, const xt_epg_req_t *req,
    uint32_t live_idx)
{
    uint32_t                      i, from, to;
    const xt_snap_live_t         *lv;
    const xt_snap_epg_channel_t  *ch;

    XT_TRY(yajl_gen_array_open(g));

    ch = xt_epg_channel_of(req->cat, req->epg, live_idx);

    if (ch != NULL) {
        lv = &req->cat->live[live_idx];

        if (req->table) {
            from = ch->first;
            to = ch->first + ch->count;

            /* the most recent rows when a channel holds too many */
            if (to - from > XT_EPG_TABLE_MAX) {
                from = to - XT_EPG_TABLE_MAX;
            }

        } else {
            xt_epg_short_range(req->epg, ch, req->now, req->limit, &from,
                               &to);
        }

        for (i = from; i < to; i++) {
            if (xt_epg_row(g, s, req, lv, ch, &req->epg->epg_progs[i]) != 0) {
                return -1;
            }
        }
    }

    XT_TRY(yajl_gen_array_close(g));

    return 0;
}


int
xt_render_epg(const xt_epg_req_t *req, xt_sink_pt sink, void *ctx)
{
    int               rc;
    char              key[16];
    uint32_t          i;
    yajl_gen          g;
    xt_epg_scratch_t  s;

    g = yajl_gen_alloc(NULL);
    if (g == NULL) {
        return -1;
    }

    yajl_gen_config(g, yajl_gen_print_callback, sink, ctx);
    yajl_gen_config(g, yajl_gen_escape_solidus, 1);

    s.buf = NULL;
    s.size = 0;
    rc = -1;

    if (yajl_gen_map_open(g) != yajl_gen_status_ok
        || XT_KEY(g, "epg_listings") != yajl_gen_status_ok)
    {
        goto done;
    }

    if (req->multi) {
        if (yajl_gen_map_open(g) != yajl_gen_status_ok) {
            goto done;
        }

        for (i = 0; i < req->n; i++) {
            snprintf(key, sizeof(key), "%u", (unsigned) req->ids[i]);

            if (yajl_gen_string(g, (const unsigned char *) key, strlen(key))
                != yajl_gen_status_ok
                || xt_epg_rows(g, &s, req, req->live_idx[i]) != 0)
            {
                goto done;
            }
        }

        if (yajl_gen_map_close(g) != yajl_gen_status_ok) {
            goto done;
        }

    } else if (xt_epg_rows(g, &s, req, req->n ? req->live_idx[0]
                                              : UINT32_MAX) != 0)
    {
        goto done;
    }

    if (yajl_gen_map_close(g) == yajl_gen_status_ok) {
        rc = 0;
    }

done:

    free(s.buf);
    yajl_gen_free(g);

    return rc;
}
