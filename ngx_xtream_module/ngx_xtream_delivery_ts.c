/*
 * Continuous MPEG-TS: /live/U/P/ID.ts, /U/P/ID, /U/P/ID.ts stream the
 * finished segments of the stream's variant 0 one after another, from the
 * live edge (the newest segment its playlist lists), as the worker renames
 * new ones into place.  One ctx-owned buf and
 * ngx_file_t reused per segment, sendfile, nginx's back-pressure with
 * send_timeout, ngx_http_test_reading for aborts, a non-cancelable wait
 * timer (so a reload waits for it and the stream ends cleanly), and an
 * ngx_exiting check at every wake-up.  The stream ends when no new segment
 * came for xtream_ts_grace, on reload, or when the connection was evicted
 * by a newer one (replace-oldest).
 */

#include "xt_m3u8.h"
#include "ngx_xtream_delivery.h"


#define NGX_XTREAM_TS_PLBUF       16384
#define NGX_XTREAM_TS_RESYNC_MS   1000


static void ngx_xtream_ts_loop(ngx_http_request_t *r, ngx_xtream_dreq_t *d);


static void
ngx_xtream_ts_finish(ngx_http_request_t *r, ngx_xtream_dreq_t *d)
{
    d->done = 1;

    if (d->wait.timer_set) {
        ngx_del_timer(&d->wait);
    }

    ngx_http_finalize_request(r, ngx_http_send_special(r, NGX_HTTP_LAST));
}


/* the playlist's view: NGX_OK with info, NGX_DECLINED when absent,
   NGX_AGAIN when it lists no segment yet */
static ngx_int_t
ngx_xtream_ts_playlist(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    xt_m3u8_info_t *info)
{
    size_t     len;
    ngx_int_t  rc;

    ngx_sprintf(d->path, "%V/%uD/0/index.m3u8%Z", &d->dmcf->media_root,
                d->stream_id);

    rc = ngx_xtream_read_into(r->connection->log, d->path, d->plbuf,
                              NGX_XTREAM_TS_PLBUF, &len);
    if (rc != NGX_OK) {
        return rc;
    }

    if (xt_m3u8_media_info((const char *) d->plbuf, len, info) != 0) {
        /* empty (just started) or not ours: nothing to play yet */
        return NGX_AGAIN;
    }

    return NGX_OK;
}


/* NGX_OK: d->file open on the next segment; NGX_AGAIN: not there yet */
static ngx_int_t
ngx_xtream_ts_open(ngx_http_request_t *r, ngx_xtream_dreq_t *d)
{
    ngx_fd_t         fd;
    ngx_err_t        err;
    ngx_uint_t       tries;
    xt_m3u8_info_t   info;
    ngx_file_info_t  fi;

    for (tries = 0; tries < 2; tries++) {

        if (!d->have_seq) {
            if (ngx_xtream_ts_playlist(r, d, &info) != NGX_OK) {
                return NGX_AGAIN;
            }

            d->next_seq = info.last_seq;
            d->have_seq = 1;
            d->last_playlist = ngx_current_msec;
        }

        ngx_sprintf(d->path, "%V/%uD/0/%uL.ts%Z", &d->dmcf->media_root,
                    d->stream_id, d->next_seq);

        fd = ngx_open_file(d->path, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

        if (fd != NGX_INVALID_FILE) {
            if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
                ngx_log_error(NGX_LOG_ERR, r->connection->log, ngx_errno,
                              ngx_fd_info_n " \"%s\" failed", d->path);
                (void) ngx_close_file(fd);
                return NGX_ERROR;
            }

            d->file.fd = fd;
            d->file.name.data = d->path;
            d->file.name.len = ngx_strlen(d->path);
            d->file.log = r->connection->log;
            d->file.offset = 0;

            ngx_memzero(&d->buf, sizeof(ngx_buf_t));
            d->buf.in_file = 1;
            d->buf.file = &d->file;
            d->buf.file_pos = 0;
            d->buf.file_last = ngx_file_size(&fi);    /* never beyond */
            d->buf.flush = 1;
            d->buf.tag = (ngx_buf_tag_t) &ngx_xtream_delivery_module;

            d->out.buf = &d->buf;
            d->out.next = NULL;

            return NGX_OK;
        }

        err = ngx_errno;

        if (err != NGX_ENOENT && err != NGX_ENOTDIR) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, err,
                          ngx_open_file_n " \"%s\" failed", d->path);
            return NGX_ERROR;
        }

        /* not there: normal while waiting for the next one; now and then
           check that the playlist has not moved past us (a slow client
           fell behind the window, or the worker restarted) */
        if (ngx_current_msec - d->last_playlist < NGX_XTREAM_TS_RESYNC_MS) {
            return NGX_AGAIN;
        }

        d->last_playlist = ngx_current_msec;

        if (ngx_xtream_ts_playlist(r, d, &info) != NGX_OK) {
            return NGX_AGAIN;
        }

        if (info.first_seq <= d->next_seq && d->next_seq <= info.last_seq + 1)
        {
            return NGX_AGAIN;
        }

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: stream %uD: segment %uL is outside the "
                      "playlist (%uL..%uL), jumping to the live edge",
                      d->stream_id, d->next_seq, info.first_seq,
                      info.last_seq);

        d->next_seq = info.last_seq;
    }

    return NGX_AGAIN;
}


static void
ngx_xtream_ts_loop(ngx_http_request_t *r, ngx_xtream_dreq_t *d)
{
    ngx_int_t          rc;
    ngx_connection_t  *c;

    c = r->connection;

    if (d->done) {
        return;
    }

    for ( ;; ) {

        if (d->pending) {
            rc = ngx_xtream_send_flush(r);

            if (rc == NGX_ERROR) {
                d->done = 1;
                ngx_http_finalize_request(r, NGX_ERROR);
                return;
            }

            if (rc == NGX_AGAIN) {
                return;
            }

            (void) ngx_close_file(d->file.fd);
            d->file.fd = NGX_INVALID_FILE;
            d->pending = 0;
            d->next_seq++;
        }

        if (ngx_exiting || ngx_terminate) {
            ngx_xtream_ts_finish(r, d);
            return;
        }

        if (ngx_xtream_evicted(d)) {
            ngx_log_error(NGX_LOG_INFO, c->log, 0,
                          "xtream: line %uD: connection replaced by a newer "
                          "one", d->line_id);
            ngx_xtream_ts_finish(r, d);
            return;
        }

        rc = ngx_xtream_ts_open(r, d);

        if (rc == NGX_ERROR) {
            d->done = 1;
            ngx_http_finalize_request(r, NGX_ERROR);
            return;
        }

        if (rc == NGX_AGAIN) {
            if (ngx_current_msec - d->waiting_since >= d->dmcf->ts_grace) {
                ngx_log_error(NGX_LOG_INFO, c->log, 0,
                              "xtream: stream %uD: no new segment for %M ms, "
                              "ending", d->stream_id, d->dmcf->ts_grace);
                ngx_xtream_ts_finish(r, d);
                return;
            }

            ngx_add_timer(&d->wait, d->dmcf->ts_poll);
            return;
        }

        d->waiting_since = ngx_current_msec;
        d->pending = 1;

        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, c->log, 0,
                       "xtream ts: stream %uD segment %uL",
                       d->stream_id, d->next_seq);

        rc = ngx_http_output_filter(r, &d->out);

        if (rc == NGX_ERROR) {
            d->done = 1;
            ngx_http_finalize_request(r, NGX_ERROR);
            return;
        }
    }
}


static void
ngx_xtream_ts_writer(ngx_http_request_t *r)
{
    ngx_xtream_dreq_t  *d;

    d = ngx_http_get_module_ctx(r, ngx_xtream_delivery_module);

    if (d == NULL || d->done || ngx_xtream_send_writable(r, d) != NGX_OK) {
        return;
    }

    if (!d->pending) {
        /* only the wait timer is due: it will run the loop */
        return;
    }

    ngx_xtream_ts_loop(r, d);
}


static void
ngx_xtream_ts_wait_handler(ngx_event_t *ev)
{
    ngx_connection_t    *c;
    ngx_http_request_t  *r;
    ngx_xtream_dreq_t   *d;

    d = (ngx_xtream_dreq_t *) ((u_char *) ev
                               - offsetof(ngx_xtream_dreq_t, wait));
    r = d->r;
    c = r->connection;

    ngx_http_set_log_request(c->log, r);

    ngx_xtream_ts_loop(r, d);

    ngx_http_run_posted_requests(c);
}


static ngx_int_t
ngx_xtream_ts_alloc(ngx_http_request_t *r, ngx_xtream_dreq_t *d)
{
    if (d->path == NULL) {
        d->path = ngx_pnalloc(r->pool, d->dmcf->media_root.len + 64);
        d->plbuf = ngx_pnalloc(r->pool, NGX_XTREAM_TS_PLBUF);
        if (d->path == NULL || d->plbuf == NULL) {
            d->path = NULL;
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* on-demand wait: NGX_OK once the playlist lists a finished segment,
   NGX_DECLINED before, NGX_ERROR */
ngx_int_t
ngx_xtream_ts_ready(ngx_http_request_t *r, ngx_xtream_dreq_t *d)
{
    ngx_int_t       rc;
    xt_m3u8_info_t  info;

    if (ngx_xtream_ts_alloc(r, d) != NGX_OK) {
        return NGX_ERROR;
    }

    rc = ngx_xtream_ts_playlist(r, d, &info);

    if (rc == NGX_AGAIN) {
        return NGX_DECLINED;
    }

    return rc;
}


ngx_int_t
ngx_xtream_ts_start(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    uint32_t max_conns)
{
    ngx_int_t          rc;
    xt_m3u8_info_t     info;
    ngx_table_elt_t   *h;

    if (ngx_xtream_ts_alloc(r, d) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* existence: a stream that is not running has no playlist */
    rc = ngx_xtream_ts_playlist(r, d, &info);
    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }

    if (rc == NGX_OK) {
        /* else present but empty: wait for its first segment */
        d->next_seq = info.last_seq;
        d->have_seq = 1;
        d->last_playlist = ngx_current_msec;
    }

    /* HEAD (a player's probe): the headers only, not counted (it would
       evict someone under replace-oldest), no activity events */
    if (r->method == NGX_HTTP_HEAD) {
        goto header;
    }

    /* an on-demand wait has counted the connection already */
    if (!d->counted) {
        rc = ngx_xtream_count(r, d, XT_CONN_STREAM, max_conns);
        if (rc != NGX_OK) {
            return ngx_xtream_send_status(r, rc);
        }

        d->counted = 1;
    }

    ngx_xtream_event(d, "open");

header:

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = -1;
    r->allow_ranges = 0;
    ngx_str_set(&r->headers_out.content_type, "video/mp2t");
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    h->hash = 1;
    ngx_str_set(&h->key, "Access-Control-Allow-Origin");
    ngx_str_set(&h->value, "*");

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    /* the player sees the answer at once, even before a segment exists */
    rc = ngx_http_send_special(r, NGX_HTTP_FLUSH);
    if (rc == NGX_ERROR) {
        return rc;
    }

    ngx_http_set_ctx(r, d, ngx_xtream_delivery_module);

    d->wait.handler = ngx_xtream_ts_wait_handler;
    d->wait.data = r->connection;       /* read as a connection when
                                           timers are logged at debug */
    d->wait.log = r->connection->log;
    d->wait.cancelable = 0;             /* a reload waits for it */
    d->waiting_since = ngx_current_msec;

    r->main->count++;
    r->read_event_handler = ngx_http_test_reading;
    r->write_event_handler = ngx_xtream_ts_writer;

    ngx_xtream_ts_loop(r, d);

    return NGX_DONE;
}
