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
