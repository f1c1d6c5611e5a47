/*
 * Activity datagrams (see xt_event.h).
 */

#include <stdio.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "xt_event.h"


typedef struct {
    char    *buf;
    size_t   size;
    size_t   len;
    int      overflow;
} xt_event_out_t;


static void
xt_event_print(void *ctx, const char *s, size_t len)
{
    xt_event_out_t  *o = ctx;

    if (o->overflow || len > o->size - o->len) {
        o->overflow = 1;
        return;
    }

    memcpy(o->buf + o->len, s, len);
    o->len += len;
}


static int
xt_event_key(yajl_gen g, const char *k)
{
    return yajl_gen_string(g, (const unsigned char *) k, strlen(k))
           != yajl_gen_status_ok;
}


/* bounded, printable ASCII only */
static int
xt_event_text(yajl_gen g, const char *k, const char *s, size_t len,
    size_t max)
{
    size_t         i;
    unsigned char  tmp[XT_EVENT_UA_MAX];

    if (xt_event_key(g, k)) {
        return 1;
    }

    if (s == NULL) {
        len = 0;
    }

    if (len > max) {
        len = max;
    }

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char) s[i];
        tmp[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
    }

    return yajl_gen_string(g, tmp, len) != yajl_gen_status_ok;
}


static int
xt_event_int(yajl_gen g, const char *k, long long v)
{
    return xt_event_key(g, k) || yajl_gen_integer(g, v) != yajl_gen_status_ok;
}


size_t
xt_event_format(const xt_event_t *ev, char *buf, size_t size)
{
    int              bad;
    char             conn[17];
    yajl_gen         g;
    xt_event_out_t   o;

    o.buf = buf;
    o.size = size;
    o.len = 0;
    o.overflow = 0;

    g = yajl_gen_alloc(NULL);
    if (g == NULL) {
        return 0;
    }

    yajl_gen_config(g, yajl_gen_print_callback, xt_event_print, &o);

    snprintf(conn, sizeof(conn), "%016llx", (unsigned long long) ev->conn);

    /* CONTRACTS.md "Event datagrams"; the extra keys are ignored there */
    bad = yajl_gen_map_open(g) != yajl_gen_status_ok
          || xt_event_text(g, "ev", ev->type, ev->type ? strlen(ev->type) : 0,
                           XT_EVENT_TEXT_MAX)
          || xt_event_text(g, "conn", conn, 16, 16)
          || xt_event_int(g, "line", ev->line_id)
          || xt_event_int(g, "stream", ev->stream_id)
          || xt_event_text(g, "kind", ev->kind, ev->kind ? strlen(ev->kind) : 0,
                           XT_EVENT_TEXT_MAX)
          || xt_event_text(g, "ip", ev->addr, ev->addr_len, XT_EVENT_TEXT_MAX)
          || xt_event_text(g, "ua", ev->ua, ev->ua_len, XT_EVENT_UA_MAX)
          || xt_event_int(g, "ts", ev->time)
          || xt_event_int(g, "bytes", (long long) ev->bytes)
          || xt_event_text(g, "username", ev->username, ev->username_len,
                           XT_EVENT_TEXT_MAX)
          || xt_event_text(g, "detail", ev->detail,
                           ev->detail ? strlen(ev->detail) : 0,
                           XT_EVENT_TEXT_MAX)
          || xt_event_int(g, "start", ev->start)
          || xt_event_int(g, "pid", ev->pid)
          || yajl_gen_map_close(g) != yajl_gen_status_ok;

    yajl_gen_free(g);

    if (bad || o.overflow) {
        return 0;
    }

    return o.len;
}


size_t
xt_event_format_start(uint32_t stream_id, int64_t time, char *buf,
    size_t size)
{
    int  n;

    n = snprintf(buf, size, "{\"ev\":\"start\",\"stream\":%lu,\"ts\":%lld}",
                 (unsigned long) stream_id, (long long) time);

    if (n < 0 || (size_t) n >= size) {
        return 0;
    }

    return (size_t) n;
}
