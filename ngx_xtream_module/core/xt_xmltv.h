/*
 * xmltv.php as a chunk source (xt_sink.h): one channel per distinct
 * non-empty epg_channel_id of the line's live streams (the M3U tvg-id set;
 * an id without a guide gets the stream's name and icon), then the
 * programmes of those with a guide inside [now - prev_days, now +
 * next_days].  By default (XT_XMLTV_DAYS_AUTO) the past reaches the longest
 * catch-up window among the line's channels (at least a day) and the
 * future everything the snapshot holds.  Each programme carries the
 * import's further fields (sub-title, credits .. star-rating: the EPG
 * snapshot's EPG_EXTRA, copied as is).  Text is repaired
 * UTF-8, XML-escaped; times are "YYYYmmddHHMMSS +HHMM" in the server zone
 * with the offset in force at that instant.
 */

#ifndef XT_XMLTV_H
#define XT_XMLTV_H

#include <stddef.h>
#include <stdint.h>

#include "xt_entitle.h"
#include "xt_sink.h"
#include "xt_tz.h"


#define XT_XMLTV_DAYS_MIN_PAST  1       /* default past without catch-up */
#define XT_XMLTV_DAYS_MAX       366
#define XT_XMLTV_DAYS_AUTO      UINT32_MAX
#define XT_XMLTV_EXTRA_MAX      8192    /* a larger fragment is left out */
#define XT_XMLTV_TEXT_MAX       4096    /* longer texts are cut */
#define XT_XMLTV_TIME_LEN       20      /* "YYYYmmddHHMMSS +HHMM" */


typedef struct {
    const xt_snap_t        *cat;
    const xt_snap_t        *lines;
    const xt_snap_line_t   *line;
    const xt_snap_t        *epg;        /* may be NULL: channels none */
    const xt_tz_t          *tz;
    int64_t                 from;
    int64_t                 to;
    const char             *generator;  /* generator-info-name */
    size_t                  generator_len;

    /* state */
    int                     phase;
    xt_title_iter_t         it;
    uint8_t                *seen;       /* live bitmap */
    uint8_t                *chans;      /* EPG channel bitmap */
    uint32_t               *ids;        /* guide-less ids emitted: hash set
                                           of live index + 1 */
    uint32_t                nids;       /* slots, a power of two */
    uint32_t                ch;         /* programme phase: channel */
    uint32_t                pg;         /* and programme index */
    uint32_t                pg_end;
    char                   *buf;        /* XT_XMLTV_BUF bytes */
    int64_t                 last_t;     /* the last stop time written */
    char                    last_str[XT_XMLTV_TIME_LEN];
    int                     have_last;
} xt_xmltv_t;

/* one element: at most 5 escaped texts (x 3 repair x 6 escape), the
   extra fields plus markup, then the repair buffer of one text */
#define XT_XMLTV_OUT    (5 * 6 * 3 * XT_XMLTV_TEXT_MAX + XT_XMLTV_EXTRA_MAX \
                         + 1024)
#define XT_XMLTV_BUF    (XT_XMLTV_OUT + 3 * XT_XMLTV_TEXT_MAX + 64)


/* scratch: bitmaps and the text buffer */
size_t xt_xmltv_scratch_size(const xt_snap_t *cat, const xt_snap_t *epg);

void xt_xmltv_init(xt_xmltv_t *x, const xt_snap_t *cat,
    const xt_snap_t *lines, const xt_snap_line_t *line, const xt_snap_t *epg,
    const xt_tz_t *tz, int64_t now, uint32_t prev_days, uint32_t next_days,
    const char *generator, size_t generator_len, void *scratch);

/* xt_chunk_next_pt */
int xt_xmltv_next(void *data, xt_chunk_t *c);

/* "YYYYmmddHHMMSS +HHMM" of t into out (21 bytes, NUL added) */
void xt_xmltv_time(const xt_tz_t *tz, int64_t t, char *out);

#endif /* XT_XMLTV_H */
