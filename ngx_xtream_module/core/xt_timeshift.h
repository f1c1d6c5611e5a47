/*
 * Catch-up (timeshift) pieces that need no nginx: the START / DURATION /
 * epoch parameters, the server-local wall clock to UTC (the zone of
 * time_now and the EPG strings), the archive index records written by
 * xtream-worker (docs/CONTRACTS.md "Catch-up archive"), the window
 * selection, a single byte Range, and the VOD playlist of a window.
 * Unit-tested in tests/test_timeshift.c.
 */

#ifndef XT_TIMESHIFT_H
#define XT_TIMESHIFT_H

#include <stddef.h>
#include <stdint.h>

#include "xt_tz.h"


#define XT_TS_MAX_MINUTES     1440          /* one day per request */
#define XT_ARCH_REC_LEN       38            /* one index record */
#define XT_ARCH_HOUR_MS       3600000LL
/* at most this many segments in one window (1 s segments for a day) */
#define XT_TS_MAX_SEGS        90000


typedef struct {
    int64_t   start_ms;                     /* PDT, unix ms */
    uint32_t  dur_ms;
    uint64_t  bytes;
    unsigned  disc;                         /* discontinuity before it */
} xt_arch_seg_t;


/*
 * START, wall clock in the zone: "YYYY-MM-DD:HH-MM" (XC), also with
 * seconds "YYYY-MM-DD:HH-MM-SS", and XC's "YYYYMMDD-HH".  Calendar-checked
 * (no Feb 30, hours 0..23).  A local time that does not exist (the hour a
 * DST change skips) is refused; one that exists twice (the hour repeated
 * when clocks go back) is the first.  0 and *utc, or -1.
 */
int xt_ts_parse_start(const char *s, size_t len, const xt_tz_t *tz,
    int64_t *utc);

/* local seconds (the zone's civil time counted as if it were UTC) to UTC;
   -1 in a DST gap */
int xt_ts_local_to_utc(const xt_tz_t *tz, int64_t local, int64_t *utc);

/* unix seconds as the "shift" style's utc= / lutc= carry: 1..10^11 digits
   only, no sign, no leading zero */
int xt_ts_parse_epoch(const char *s, size_t len, int64_t *out);

/* DURATION in minutes: 1..XT_TS_MAX_MINUTES */
int xt_ts_parse_minutes(const char *s, size_t len, uint32_t *out);


/* one index record (XT_ARCH_REC_LEN bytes) into *seg: 0, or -1 when it
   is not a record */
int xt_arch_record(const char *p, xt_arch_seg_t *seg);

/*
 * Appends to out[*n..max) the records of one hour's index that overlap
 * [from_ms, to_ms) and start after the last one already in out (so hour
 * files read in order give an ascending list without duplicates).  A
 * torn last record (a crash mid-append) is ignored.  0, or -1 when a
 * record is malformed or out would overflow.
 */
int xt_arch_index_select(const char *buf, size_t len, int64_t from_ms,
    int64_t to_ms, xt_arch_seg_t *out, size_t max, size_t *n);


typedef enum {
    XT_RANGE_NONE = 0,                      /* absent/ignored: 200 whole */
    XT_RANGE_OK,                            /* 206 [*from, *to] */
    XT_RANGE_UNSATISFIABLE                  /* 416 */
} xt_range_rc_e;

/* one "bytes=" range of a body of total bytes (RFC 9110 14.1.2); several
   ranges or a syntax error are ignored (the whole body is sent) */
xt_range_rc_e xt_ts_range(const char *h, size_t len, uint64_t total,
    uint64_t *from, uint64_t *to);


typedef int (*xt_ts_sink_pt)(void *ctx, const char *p, size_t len);

/*
 * The VOD playlist of segs[0..n): #EXT-X-PLAYLIST-TYPE:VOD, a
 * PROGRAM-DATE-TIME per segment, a DISCONTINUITY where the archive has
 * one (worker restart) or a gap, #EXT-X-ENDLIST.  Segment URLs are
 * "/hls/STREAM/archive/START_MS.ts?t=TOKEN".  0 or -1 (sink failed).
 */
int xt_ts_playlist(const xt_arch_seg_t *segs, size_t n, uint32_t stream_id,
    const char *token, size_t token_len, xt_ts_sink_pt sink, void *ctx);

#endif /* XT_TIMESHIFT_H */
