/*
 * Back-pressure steps of answers sent in rounds (spliced lists, continuous
 * TS, catch-up .ts), done as nginx's own writer does them: while the
 * client is slow the write event is armed with send_timeout (not while
 * limit_rate's delay timer runs), and the write handler first deals with
 * a timeout or a delay.
 */

#include "ngx_xtream_module.h"


ngx_int_t
ngx_xtream_write_pending(ngx_http_request_t *r)
{
    ngx_event_t               *wev;
    ngx_connection_t          *c;
    ngx_http_core_loc_conf_t  *clcf;

    c = r->connection;
    wev = c->write;

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

    /* flushed: a stale send_timeout must not fire later as a false
       "timed out" */
    if (wev->timer_set) {
        ngx_del_timer(wev);
    }

    return NGX_OK;
}


ngx_int_t
ngx_xtream_write_ready(ngx_http_request_t *r)
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
        return NGX_HTTP_REQUEST_TIME_OUT;
    }

    if (wev->delayed) {
        clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

        if (ngx_handle_write_event(wev, clcf->send_lowat) != NGX_OK) {
            return NGX_ERROR;
        }

        return NGX_AGAIN;
    }

    return NGX_OK;
}
