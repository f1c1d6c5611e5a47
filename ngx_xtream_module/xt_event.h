/*
 * Activity datagrams from the module to xtreamd (one JSON object per
 * datagram, no line end), built with yajl into a caller buffer.  Text
 * fields are bounded and reduced to printable ASCII (others become '?'),
 * so a hostile user agent cannot break the sink's parser.  Pure C.
 *
 * {"v":1,"type":"connect","line_id":1,"username":"demo","stream_id":11,
 *  "kind":"live-ts","conn":"00000000000000a1","addr":"127.0.0.1",
 *  "ua":"VLC/3.0","start":1700000000,"time":1700000000,"bytes":0,
 *  "pid":1234}
 */

#ifndef XT_EVENT_H
#define XT_EVENT_H

#include <stddef.h>
#include <stdint.h>


#define XT_EVENT_MAX      1024      /* bytes of a datagram, at most */
#define XT_EVENT_UA_MAX   256
#define XT_EVENT_TEXT_MAX 64

typedef struct {
    const char  *type;          /* "connect" | "disconnect" */
    const char  *kind;          /* "live-ts", "live-hls", "movie", ... */
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

#endif /* XT_EVENT_H */
