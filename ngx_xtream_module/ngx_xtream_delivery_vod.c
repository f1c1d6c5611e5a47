/*
 * Movies and episodes: authorised and counted by the handler, then handed
 * to nginx's static serving through an internal redirect to the location
 * named by xtream_vod_location (internal; alias <vod root>/), so Range
 * (206/416), sendfile and open_file_cache work as usual.  The file path
 * comes from the snapshot record, never from the URL.  The count lives in
 * a pool cleanup, which survives the redirect and runs when the transfer
 * ends.
 *
 * Eviction (replace-oldest): static serving owns the transfer, so nothing
 * of ours wakes up while it sends.  Each worker therefore keeps its counted
 * VOD requests in a list (added here, removed by the dreq pool cleanup,
 * which runs however the request ends); while the list is not empty a
 * per-worker timer looks every NGX_XTREAM_VOD_CHECK ms for records marked
 * EVICTED and ends those requests: ngx_http_finalize_request(r, NGX_ERROR)
 * terminates the main request (r->count is forced to 1 by the core's
 * terminate handler, posted on r->main), and ngx_http_run_posted_requests
 * closes it at once: the log phase runs, the connection is closed, its
 * timers and events are deleted, r->pool is destroyed, and the cleanup
 * releases the record and sends the one "close".  Catch-up TS bodies are
 * watched the same way (a slow reader may sit in one archive segment for
 * long; revocation must not wait for the next one).  The timer is cancelable
 * (a reload never waits for it) and its data is a dummy connection (timers
 * are logged with ev->data read as a connection at debug level).
 */

#include "ngx_xtream_delivery.h"


#define NGX_XTREAM_VOD_CHECK  250


static ngx_queue_t        ngx_xtream_vod_list;
static ngx_event_t        ngx_xtream_vod_tick;
static ngx_connection_t   ngx_xtream_vod_dummy;
static ngx_uint_t         ngx_xtream_vod_ready;


static void
ngx_xtream_vod_tick_handler(ngx_event_t *ev)
{
    ngx_queue_t         *q, *next;
    ngx_connection_t    *c;
    ngx_http_request_t  *r;
    ngx_xtream_dreq_t   *d;

    for (q = ngx_queue_head(&ngx_xtream_vod_list);
         q != ngx_queue_sentinel(&ngx_xtream_vod_list);
         q = next)
    {
        /* ending d frees d (its pool); the next one is another request */
        next = ngx_queue_next(q);
        d = ngx_queue_data(q, ngx_xtream_dreq_t, vod_queue);

        if (d->vod_cut || !ngx_xtream_evicted(d)) {
            continue;
        }

        d->vod_cut = 1;         /* once, even if the end is deferred (aio) */

        r = d->r;
        c = r->connection;

        ngx_http_set_log_request(c->log, r);

        ngx_log_error(NGX_LOG_INFO, c->log, 0,
                      "xtream: line %uD: %s transfer ended, replaced by a "
                      "newer connection", d->line_id,
                      ngx_xtream_kind_name(d->kind));

        ngx_http_finalize_request(r, NGX_ERROR);
        ngx_http_run_posted_requests(c);
    }

    if (!ngx_queue_empty(&ngx_xtream_vod_list)) {
        ngx_add_timer(ev, NGX_XTREAM_VOD_CHECK);
    }
}


void
ngx_xtream_vod_watch(ngx_xtream_dreq_t *d)
{
    if (!ngx_xtream_vod_ready) {
        ngx_queue_init(&ngx_xtream_vod_list);

        ngx_xtream_vod_dummy.fd = (ngx_socket_t) -1;
        ngx_xtream_vod_tick.handler = ngx_xtream_vod_tick_handler;
        ngx_xtream_vod_tick.data = &ngx_xtream_vod_dummy;
        ngx_xtream_vod_tick.log = ngx_cycle->log;
        ngx_xtream_vod_tick.cancelable = 1;

        ngx_xtream_vod_ready = 1;
    }

    ngx_queue_insert_tail(&ngx_xtream_vod_list, &d->vod_queue);
    d->vod_listed = 1;

    if (!ngx_xtream_vod_tick.timer_set) {
        ngx_add_timer(&ngx_xtream_vod_tick, NGX_XTREAM_VOD_CHECK);
    }
}


void
ngx_xtream_vod_forget(ngx_xtream_dreq_t *d)
{
    if (d->vod_listed) {
        ngx_queue_remove(&d->vod_queue);
        d->vod_listed = 0;
    }
}


/* the compiler validated it; check again, cheaply */
static ngx_int_t
ngx_xtream_vod_path_ok(const u_char *p, size_t len)
{
    size_t  i, seg;

    if (len == 0 || len > 2048 || p[0] == '/') {
        return 0;
    }

    seg = 0;

    for (i = 0; i <= len; i++) {
        if (i == len || p[i] == '/') {
            if ((i - seg == 2 && p[seg] == '.' && p[seg + 1] == '.')
                || (i - seg == 1 && p[seg] == '.') || i == seg)
            {
                return 0;
            }

            seg = i + 1;
            continue;
        }

        if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\' || p[i] == '?'
            || p[i] == '#')
        {
            return 0;
        }
    }

    return 1;
}


ngx_int_t
ngx_xtream_vod_start(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    const char *path, size_t path_len, uint32_t max_conns)
{
    u_char           *p;
    ngx_int_t         rc;
    ngx_str_t         uri, file;
    ngx_file_info_t   fi;
    ngx_xtream_delivery_main_conf_t  *dmcf = d->dmcf;

    if (dmcf->vod_location.len == 0
        || !ngx_xtream_vod_path_ok((const u_char *) path, path_len))
    {
        if (dmcf->vod_location.len) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "xtream: refused VOD path \"%*s\" of title %uD",
                          path_len, path, d->stream_id);
        }
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }

    /* existence, before a connection is counted */
    if (dmcf->vod_root.len) {
        file.len = dmcf->vod_root.len + 1 + path_len;
        file.data = ngx_pnalloc(r->pool, file.len + 1);
        if (file.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_sprintf(file.data, "%V/%*s%Z", &dmcf->vod_root, path_len, path);

        if (ngx_file_info(file.data, &fi) == NGX_FILE_ERROR
            || !ngx_is_file(&fi))
        {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "xtream: VOD file \"%s\" of title %uD is missing",
                          file.data, d->stream_id);
            return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
        }
    }

    /* a HEAD (a player's probe) is answered by static serving with the
       real headers, but neither counts nor evicts anyone */
    if (r->method != NGX_HTTP_HEAD) {
        rc = ngx_xtream_count(r, d, XT_CONN_STREAM, max_conns);
        if (rc != NGX_OK) {
            return ngx_xtream_send_status(r, rc);
        }

        d->counted = 1;
        ngx_xtream_event(d, "open");
        ngx_xtream_vod_watch(d);
    }

    uri.len = dmcf->vod_location.len + path_len;
    uri.data = ngx_pnalloc(r->pool, uri.len);
    if (uri.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(uri.data, dmcf->vod_location.data, dmcf->vod_location.len);
    ngx_memcpy(p, path, path_len);

    return ngx_http_internal_redirect(r, &uri, NULL);
}
