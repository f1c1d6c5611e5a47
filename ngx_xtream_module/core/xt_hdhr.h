/*
 * The HDHomeRun tuner face of a line (Plex, Jellyfin, Emby): the device
 * identity, discover.json, device.xml, lineup_status.json, and lineup.json
 * as a chunk source (xt_sink.h) over the line's live channels.  Field
 * names are PascalCase and exact: Jellyfin matches them case-sensitively.
 * Every output is bounded: names are cut to XT_HDHR_NAME_MAX bytes before
 * escaping, URLs are checked against the buffers at init.
 */

#ifndef XT_HDHR_H
#define XT_HDHR_H

#include <stddef.h>
#include <stdint.h>

#include "xt_entitle.h"
#include "xt_sink.h"


#define XT_HDHR_URL_MAX     1024    /* BaseURL, the stream URL prefix */
#define XT_HDHR_NAME_MAX    256     /* channel and friendly names, bytes */
/* a name repaired (x3) then escaped (x6), URLs escaped (x6) */
#define XT_HDHR_DOC_MAX     (18 * XT_HDHR_NAME_MAX + 12 * XT_HDHR_URL_MAX \
                             + 2048)
/* one lineup entry: its name, the URL, the numbers */
#define XT_HDHR_GEN_MAX     (18 * XT_HDHR_NAME_MAX + 6 * XT_HDHR_URL_MAX \
                             + 128)
/* a line without a connection limit reports this many tuners (Plex needs
   a positive count; Jellyfin would read 0 as "no limit") */
#define XT_HDHR_TUNERS_UNLIMITED  8


/* what discover.json and device.xml describe */
typedef struct {
    const char  *base_url;          /* http://host:port[/path], no '/' */
    size_t       base_url_len;
    const char  *name;              /* FriendlyName: any bytes */
    size_t       name_len;
    uint32_t     device_id;         /* xt_hdhr_device_id() */
    uint32_t     tuners;            /* the line's max_connections */
    uint32_t     line_id;           /* DeviceAuth */
} xt_hdhr_dev_t;


/*
 * A DeviceID stable for (line id, username): 8 hex digits that pass
 * libhdhomerun's check nibble, never in its legacy ranges (1xx prefixes).
 */
uint32_t xt_hdhr_device_id(uint32_t line_id, const char *user,
    size_t user_len);
/* 1 when id passes the check nibble */
int xt_hdhr_device_id_valid(uint32_t id);

/* both render into out (cap bytes); the length, or 0 when it did not fit
   or the base URL is longer than XT_HDHR_URL_MAX */
size_t xt_hdhr_discover(const xt_hdhr_dev_t *d, char *out, size_t cap);
size_t xt_hdhr_device_xml(const xt_hdhr_dev_t *d, char *out, size_t cap);

/* the fixed lineup_status.json: no scan ever runs, the lineup is the
   line's */
extern const char  xt_hdhr_lineup_status[];


/*
 * Percent-encodes one path segment (RFC 3986 unreserved bytes stay) into
 * out; returns the length, or 0 when it would pass cap bytes.
 */
size_t xt_hdhr_path_segment(char *out, size_t cap, const char *in,
    size_t len);


typedef struct {
    const xt_snap_t        *cat;
    const xt_snap_t        *lines;
    const xt_snap_line_t   *line;
    char                    url[6 * XT_HDHR_URL_MAX];  /* ".../live/U/P/",
                                                          JSON-escaped */
    size_t                  url_len;
    int                     phase;
    uint32_t                num;            /* GuideNumber of the next */
    xt_title_iter_t         it;
    uint8_t                *seen;           /* xt_hdhr_scratch_size() */
    char                    gen[XT_HDHR_GEN_MAX];
} xt_hdhr_lineup_t;


size_t xt_hdhr_scratch_size(const xt_snap_t *cat);

/* stream_prefix: "http://host:port/live/<user>/<pass>/", already
   encoded; returns 0, or -1 when it is XT_HDHR_URL_MAX bytes or more */
int xt_hdhr_lineup_init(xt_hdhr_lineup_t *l, const xt_snap_t *cat,
    const xt_snap_t *lines, const xt_snap_line_t *line,
    const char *stream_prefix, size_t prefix_len, void *scratch);
void xt_hdhr_lineup_rewind(xt_hdhr_lineup_t *l);

/* xt_chunk_next_pt: "[", one {"GuideNumber"...} per channel, "]" */
int xt_hdhr_lineup_next(void *data, xt_chunk_t *c);

/* exact byte length of the whole document (a second pass: the glue sends
   chunked instead); leaves it rewound */
uint64_t xt_hdhr_lineup_size(xt_hdhr_lineup_t *l);

#endif /* XT_HDHR_H */
