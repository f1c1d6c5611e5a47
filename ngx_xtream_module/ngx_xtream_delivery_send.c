/*
 * Streamed answers made of file buffers sent one after another (continuous
 * TS, catch-up .ts): the back-pressure steps both share, over
 * ngx_xtream_write.c's (the list output's too), marking the request done
 * before it is finalized.
 */

#include "ngx_xtream_delivery.h"


ngx_int_t
ngx_xtream_send_flush(ngx_http_request_t *r)
{
    if (ngx_http_output_filter(r, NULL) == NGX_ERROR) {
        return NGX_ERROR;
    }

    return ngx_xtream_write_pending(r);
}


ngx_int_t
ngx_xtream_send_writable(ngx_http_request_t *r, ngx_xtream_dreq_t *d)
{
    ngx_int_t  rc;

    rc = ngx_xtream_write_ready(r);

    if (rc == NGX_OK) {
        return NGX_OK;
    }

    if (rc != NGX_AGAIN) {
        /* before finalizing: that may free d with the request's pool */
        d->done = 1;
        ngx_http_finalize_request(r, rc);
    }

    return NGX_DONE;
}
