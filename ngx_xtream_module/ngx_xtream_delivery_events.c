/*
 * Activity datagrams to xtreamd over a non-blocking unix datagram socket
 * (xtream_event_socket).  One JSON object per datagram (xt_event.h).  The
 * socket is unconnected, so a daemon restart needs nothing from us; a
 * missing or busy sink (ENOENT, ECONNREFUSED, EAGAIN) drops the event,
 * counted and logged at debug level, never failing a request.
 */

#include <sys/un.h>

#include "xt_event.h"
#include "ngx_xtream_delivery.h"


static ngx_socket_t        ngx_xtream_event_fd = (ngx_socket_t) -1;
static struct sockaddr_un  ngx_xtream_event_addr;
static socklen_t           ngx_xtream_event_addrlen;
static ngx_uint_t          ngx_xtream_events_dropped;


ngx_int_t
ngx_xtream_events_init_process(ngx_cycle_t *cycle,
    ngx_xtream_delivery_main_conf_t *dmcf)
{
    ngx_socket_t  s;

    if (dmcf->event_socket.len >= sizeof(ngx_xtream_event_addr.sun_path)) {
        ngx_log_error(NGX_LOG_EMERG, cycle->log, 0,
                      "\"xtream_event_socket\" path is too long");
        return NGX_ERROR;
    }

    s = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s == (ngx_socket_t) -1) {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, ngx_socket_errno,
                      ngx_socket_n " for xtream events failed");
        return NGX_OK;              /* events are best effort */
    }

    ngx_memzero(&ngx_xtream_event_addr, sizeof(struct sockaddr_un));
    ngx_xtream_event_addr.sun_family = AF_UNIX;
    ngx_memcpy(ngx_xtream_event_addr.sun_path, dmcf->event_socket.data,
               dmcf->event_socket.len);
    ngx_xtream_event_addrlen = offsetof(struct sockaddr_un, sun_path)
                               + dmcf->event_socket.len + 1;

    ngx_xtream_event_fd = s;

    return NGX_OK;
}


/*
 * A connection's "open" makes an activity row in xtreamd: a line reports
 * at most XT_CONNS_REPORTS new connections a minute (xt_conns_report);
 * once reported, a connection's later events always go.  0 when this one
 * must stay quiet.
 */
static int
ngx_xtream_event_report(ngx_xtream_dreq_t *d)
{
    int                 rc;
    ngx_xtream_zone_t  *zone;

    zone = ngx_xtream_zone_get(d->r);
    if (zone == NULL) {
        return 1;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);
    rc = xt_conns_report_slot(zone->sh->conns, d->slot, d->key,
                              (int64_t) ngx_current_msec);
    ngx_shmtx_unlock(&zone->shpool->mutex);

    if (rc == 0) {
        ngx_log_error(NGX_LOG_INFO, d->r->connection->log, 0,
                      "xtream: line %uD opens connections faster than %d a "
                      "minute, not reported", d->line_id, XT_CONNS_REPORTS);
    }

    return rc != 0;
}


void
ngx_xtream_events_exit_process(void)
{
    if (ngx_xtream_event_fd != (ngx_socket_t) -1) {
        (void) ngx_close_socket(ngx_xtream_event_fd);
        ngx_xtream_event_fd = (ngx_socket_t) -1;
    }
}


void
ngx_xtream_event(ngx_xtream_dreq_t *d, const char *type)
{
    size_t               n;
    ngx_err_t            err;
    xt_event_t           ev;
    ngx_str_t           *ua;
    ngx_connection_t    *c;
    ngx_http_request_t  *r;
    char                 buf[XT_EVENT_MAX];

    r = d->r;
    c = r->connection;

    if (type[0] == 'o') {
        /* open: remember what the close will report */
        d->sent_start = c->sent;
        ua = r->headers_in.user_agent ? &r->headers_in.user_agent->value
                                      : NULL;

        if (ua && d->ua.data == NULL) {
            d->ua.len = ngx_min(ua->len, XT_EVENT_UA_MAX);
            d->ua.data = ngx_pnalloc(r->pool, d->ua.len);
            if (d->ua.data) {
                ngx_memcpy(d->ua.data, ua->data, d->ua.len);
            } else {
                d->ua.len = 0;
            }
        }
    }

    if (ngx_xtream_event_fd == (ngx_socket_t) -1) {
        return;
    }

    if (type[0] == 'o' && d->slotted && !d->quiet
        && !ngx_xtream_event_report(d))
    {
        d->quiet = 1;
    }

    if (d->quiet) {
        return;         /* not reported: neither its open nor its close */
    }

    ngx_memzero(&ev, sizeof(xt_event_t));
    ev.type = type;
    ev.detail = ngx_xtream_kind_name(d->kind);

    switch (d->kind) {
    case NGX_XTREAM_KIND_LIVE_TS:
        ev.kind = "live";
        break;
    case NGX_XTREAM_KIND_MOVIE:
        ev.kind = "movie";
        break;
    case NGX_XTREAM_KIND_EPISODE:
        ev.kind = "episode";
        break;
    case NGX_XTREAM_KIND_TIMESHIFT_TS:
        ev.kind = "timeshift";
        break;
    default:
        ev.kind = "hls";
        break;
    }

    ev.line_id = d->line_id;
    ev.stream_id = d->stream_id;
    ev.username = (const char *) d->username.data;
    ev.username_len = d->username.len;
    ev.addr = (const char *) c->addr_text.data;
    ev.addr_len = c->addr_text.len;
    ev.ua = (const char *) d->ua.data;
    ev.ua_len = d->ua.len;
    ev.conn = d->session ? d->session : d->key;
    ev.start = d->start;
    ev.time = ngx_time();
    ev.bytes = (type[0] == 'c' && c->sent > d->sent_start)
               ? (uint64_t) (c->sent - d->sent_start) : 0;
    ev.pid = (int32_t) ngx_pid;

    n = xt_event_format(&ev, buf, sizeof(buf));
    if (n == 0) {
        return;
    }

    if (sendto(ngx_xtream_event_fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL,
               (struct sockaddr *) &ngx_xtream_event_addr,
               ngx_xtream_event_addrlen)
        == -1)
    {
        err = ngx_socket_errno;
        ngx_xtream_events_dropped++;

        ngx_log_debug3(NGX_LOG_DEBUG_HTTP, c->log, err,
                       "xtream: %s event dropped (%ui so far) to \"%s\"",
                       type, ngx_xtream_events_dropped,
                       ngx_xtream_event_addr.sun_path);
    }
}


/*
 * On-demand start.  Per worker, a small direct-mapped table remembers when
 * a stream was last asked for, so a crowd of viewers (or one viewer's
 * poll) sends at most one datagram a second per stream.  A collision only
 * costs an extra datagram, which the daemon treats as a repeat.
 */

#define NGX_XTREAM_START_SLOTS     256
#define NGX_XTREAM_START_EVERY_MS  1000

typedef struct {
    uint32_t     stream_id;
    ngx_msec_t   sent;
    ngx_uint_t   used;
} ngx_xtream_start_slot_t;

static ngx_xtream_start_slot_t  ngx_xtream_start_slots[NGX_XTREAM_START_SLOTS];


ngx_uint_t
ngx_xtream_event_start(ngx_log_t *log, uint32_t stream_id)
{
    size_t                    n;
    ngx_err_t                 err;
    ngx_xtream_start_slot_t  *s;
    char                      buf[128];

    s = &ngx_xtream_start_slots[stream_id % NGX_XTREAM_START_SLOTS];

    if (s->used && s->stream_id == stream_id
        && ngx_current_msec - s->sent < NGX_XTREAM_START_EVERY_MS)
    {
        return 0;
    }

    s->used = 1;
    s->stream_id = stream_id;
    s->sent = ngx_current_msec;

    if (ngx_xtream_event_fd == (ngx_socket_t) -1) {
        return 0;
    }

    n = xt_event_format_start(stream_id, (int64_t) ngx_time(), buf,
                              sizeof(buf));
    if (n == 0) {
        return 0;
    }

    if (sendto(ngx_xtream_event_fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL,
               (struct sockaddr *) &ngx_xtream_event_addr,
               ngx_xtream_event_addrlen)
        == -1)
    {
        err = ngx_socket_errno;
        ngx_xtream_events_dropped++;

        ngx_log_error(NGX_LOG_INFO, log, err,
                      "xtream: start event for stream %uD dropped "
                      "(%ui so far) to \"%s\"", stream_id,
                      ngx_xtream_events_dropped,
                      ngx_xtream_event_addr.sun_path);
        return 0;
    }

    ngx_log_error(NGX_LOG_INFO, log, 0,
                  "xtream: stream %uD has no media yet, start requested",
                  stream_id);

    return 1;
}
