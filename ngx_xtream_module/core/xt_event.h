/*
 * Activity datagrams from the module to xtreamd (one JSON object per
 * datagram, no line end), built with yajl into a caller buffer.  Text
 * fields are bounded and reduced to printable ASCII (others become '?'),
 * so a hostile user agent cannot break the sink's parser.  Pure C.
 *
 * The format is CONTRACTS.md "Event datagrams" (xtreamd parses it):
 * {"ev":"open","conn":"00000000000000a1","line":1,"stream":11,
 *  "kind":"live","ip":"127.0.0.1","ua":"VLC/3.0","ts":1700000000,
 *  "bytes":0,"username":"demo","detail":"live-ts","start":1700000000,
 *  "pid":1234}
 * (username, detail, start and pid are extras the sink ignores).
 */

#ifndef XT_EVENT_H
#define XT_EVENT_H

#include <stddef.h>
#include <stdint.h>


#define XT_EVENT_MAX      2048      /* bytes of a datagram, at most */
#define XT_EVENT_UA_MAX   256
#define XT_EVENT_TEXT_MAX 64

typedef struct {
    const char  *type;          /* "open" | "close" | "start" */
    const char  *kind;          /* "live", "hls", "movie", "episode" */
    const char  *detail;        /* finer: "live-ts", "hls-segment", ... */
    uint32_t     line_id;
    uint32_t     stream_id;     /* stream, movie or episode id */
    const char  *username;
    size_t       username_len;
    const char  *addr;
    size_t       addr_len;
    const char  *ua;
    size_t       ua_len;
    uint64_t     conn;          /* connection key or HLS session id */
    int64_t      start;         /* unix s */
    int64_t      time;          /* unix s */
    uint64_t     bytes;
    int32_t      pid;           /* nginx worker */
} xt_event_t;

/* the datagram into buf; returns its length, 0 on error */
size_t xt_event_format(const xt_event_t *ev, char *buf, size_t size);

/* the on-demand start datagram, exactly CONTRACTS.md's
   {"ev":"start","stream":42,"ts":1700000000}; returns its length, 0 when
   it does not fit */
size_t xt_event_format_start(uint32_t stream_id, int64_t time, char *buf,
    size_t size);

#endif /* XT_EVENT_H */
