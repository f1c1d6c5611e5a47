/*
 * Stream URL parser: the player-facing delivery paths, strictly parsed from
 * the normalised URI (nginx has already decoded %XX, merged slashes and
 * resolved dot segments).  Nothing here touches the filesystem: ids are
 * looked up in the snapshot, never turned into paths.
 *
 *   /live/U/P/ID[.ts|.m3u8]        /U/P/ID[.ts|.m3u8]
 *   /movie/U/P/ID.EXT              /series/U/P/EPISODE_ID.EXT
 *   /timeshift/U/P/DURATION/START/ID.EXT
 *   /timeshifts/U/P/DURATION/ID/START.EXT
 *   /streaming/timeshift.php   (parameters in the query string)
 *   /hls/STREAM/archive/START_MS.ts   (a catch-up segment, token-checked)
 *   /hls/STREAM/VARIANT/SEQ.ts     /hls/STREAM/VARIANT/index.m3u8
 *     (token-checked; the token is in the query string)
 */

#ifndef XT_ROUTE_H
#define XT_ROUTE_H

#include <stddef.h>
#include <stdint.h>


#define XT_ROUTE_CRED_MAX   64
#define XT_ROUTE_EXT_MAX    8
#define XT_ROUTE_START_MAX  19

typedef enum {
    XT_ROUTE_LIVE = 1,
    XT_ROUTE_MOVIE,
    XT_ROUTE_SERIES,
    XT_ROUTE_TIMESHIFT,
    XT_ROUTE_HLS_SEGMENT,
    XT_ROUTE_HLS_PLAYLIST,
    XT_ROUTE_HLS_KEY,               /* /hls/ID/V/INDEX.key: AES-128 key */
    XT_ROUTE_TIMESHIFT_PHP          /* all parameters in the query */
} xt_route_kind_e;

/* the variant of /hls/ID/archive/START_MS.ts (live variants are 0..63) */
#define XT_ROUTE_ARCHIVE_VARIANT  1000

typedef enum {
    XT_EXT_NONE = 0,
    XT_EXT_TS,
    XT_EXT_M3U8,
    XT_EXT_OTHER
} xt_ext_e;

typedef struct {
    const char  *data;
    size_t       len;
} xt_span_t;

typedef struct {
    xt_route_kind_e  kind;
    xt_span_t        username;
    xt_span_t        password;
    uint32_t         id;            /* stream, movie or episode id */
    xt_ext_e         ext_kind;
    xt_span_t        ext;           /* without the dot; empty when none */
    uint32_t         duration;      /* timeshift: minutes */
    xt_span_t        start;         /* timeshift: as sent */
    uint32_t         variant;       /* hls */
    uint64_t         seq;           /* hls segment; archive: start ms */
    int64_t          start_utc;     /* timeshift: parsed START, unix s */
    uint32_t         seconds;       /* timeshift: window length */
} xt_route_t;

typedef enum {
    XT_ROUTE_OK = 0,
    XT_ROUTE_NOT_FOUND,             /* not a delivery path: 404 */
    XT_ROUTE_BAD                    /* a delivery path, malformed: 400 */
} xt_route_rc_e;

xt_route_rc_e xt_route_parse(const char *path, size_t len, xt_route_t *rt);

/*
 * The raw request target as sent (before nginx decodes it), path part
 * only (stops at '?'): 0 when it carries what no delivery URL needs and
 * traversal attempts use: an encoded dot, slash, backslash or NUL, a
 * backslash, a "." or ".." segment, control or non-ASCII bytes.  1 when
 * clean.
 */
int xt_route_raw_ok(const char *raw, size_t len);

/* [A-Za-z0-9._@-]{1,64}: what players keep intact in URLs */
int xt_route_valid_cred(const char *p, size_t len);

#endif /* XT_ROUTE_H */
