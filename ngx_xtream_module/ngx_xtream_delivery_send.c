/*
 * Streamed answers made of file buffers sent one after another (continuous
 * TS, catch-up .ts): the back-pressure steps both share.  A pending buffer
 * is flushed through the output filters; while the client is slow the
 * write event is armed with send_timeout (not while limit_rate delays it),
 * and the write handler first deals with a timeout or a delay.
 */

#include "ngx_xtream_delivery.h"


ngx_int_t
ngx_xtream_send_flush(ngx_http_request_t *r)
{
    ngx_int_t                  rc;
    ngx_event_t               *wev;
    ngx_connection_t          *c;
    ngx_http_core_loc_conf_t  *clcf;

    c = r->connection;
    wev = c->write;

    rc = ngx_http_output_filter(r, NULL);

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (r->buffered || c->buffered) {
        /* a slow client: nginx's back-pressure */
        clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

        if (!wev->delayed) {
            ngx_add_timer(wev, clcf->send_timeout);
        }

        if (ngx_handle_write_event(wev, clcf->send_lowat) != NGX_OK) {
            return NGX_ERROR;
        }

        return NGX_AGAIN;
    }

    /* flushed: a stale send_timeout must not fire later */
    if (wev->timer_set) {
        ngx_del_timer(wev);
    }

    return NGX_OK;
}


ngx_int_t
ngx_xtream_send_writable(ngx_http_request_t *r, ngx_xtream_dreq_t *d)
{
    ngx_event_t               *wev;
    ngx_connection_t          *c;
    ngx_http_core_loc_conf_t  *clcf;

    c = r->connection;
    wev = c->write;

    if (wev->timedout) {
        ngx_log_error(NGX_LOG_INFO, c->log, NGX_ETIMEDOUT,
                      "client timed out");
        c->timedout = 1;
        d->done = 1;
        ngx_http_finalize_request(r, NGX_HTTP_REQUEST_TIME_OUT);
        return NGX_DONE;
    }

    if (wev->delayed) {
        clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

        if (ngx_handle_write_event(wev, clcf->send_lowat) != NGX_OK) {
            d->done = 1;
            ngx_http_finalize_request(r, NGX_ERROR);
        }

        return NGX_DONE;
    }

    return NGX_OK;
}
