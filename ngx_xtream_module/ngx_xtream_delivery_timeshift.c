/*
 * Catch-up (docs/DELIVERY.md "Catch-up"): the archive xtream-worker keeps under
 * xtream_archive_root (<root>/<stream>/<hour>/<start_ms>.ts + an index per
 * hour, CONTRACTS.md) served for a window of server-local wall clock:
 *
 *   /timeshift/U/P/DURATION/START/ID.ts|.m3u8
 *   /timeshifts/U/P/DURATION/ID/START.ts|.m3u8
 *   /streaming/timeshift.php?username=&password=&stream=&start=&duration=
 *       [&extension=ts|m3u8]
 *   /live/U/P/ID.ts|.m3u8?utc=START[&lutc=NOW]   (Kodi "shift", epoch s)
 *
 * The window's parameters are parsed before any check (400); then the
 * line goes through the live checks in ngx_xtream_delivery_handler.c, and
 * this file answers: 404 outside the archive, else
 *   .ts    one MPEG-TS body, the window's segment files one after another
 *          (Content-Length known from the index, a single Range 206/416),
 *          counted like a live TS connection (activity kind "timeshift");
 *   .m3u8  a VOD playlist whose segment URLs are token-signed like live
 *          HLS (/hls/ID/archive/START_MS.ts?t=), the viewer an HLS session.
 * The window maths and parsers are plain C in xt_timeshift.c.
 */

#include "xt_timeshift.h"
#include "ngx_xtream_delivery.h"


/* one hour's index: room for four segments a second (the worker's
   shortest are about 0.9 s) */
#define NGX_XTREAM_TS_INDEX_MAX  (XT_ARCH_REC_LEN * 4 * 3600)


typedef struct {
    xt_arch_seg_t   *segs;
    size_t           n;
    size_t           next;              /* the segment to send next */
    uint64_t         from;              /* body bytes [from, to] */
    uint64_t         to;
    uint64_t         seg_off;           /* body offset of segs[next] */
} ngx_xtream_tshift_t;


/* a query argument, %-decoded into the pool; NGX_DECLINED when absent */
static ngx_int_t
ngx_xtream_ts_arg(ngx_http_request_t *r, const char *name, ngx_str_t *out)
{
    u_char     *dst, *src;
    ngx_str_t   raw;

    if (ngx_http_arg(r, (u_char *) name, ngx_strlen(name), &raw) != NGX_OK)
    {
        return NGX_DECLINED;
    }

    if (raw.len > 256) {
        return NGX_ERROR;
    }

    dst = ngx_pnalloc(r->pool, raw.len + 1);
    if (dst == NULL) {
        return NGX_ERROR;
    }

    out->data = dst;
    src = raw.data;
    ngx_unescape_uri(&dst, &src, raw.len, 0);
    out->len = dst - out->data;

    /* a decoded NUL or control byte is never a parameter */
    for (src = out->data; src < dst; src++) {
        if (*src < 0x20 || *src == 0x7f) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


ngx_int_t
ngx_xtream_timeshift_is_shift(ngx_http_request_t *r)
{
    ngx_str_t  v;

    return ngx_http_arg(r, (u_char *) "utc", 3, &v) == NGX_OK;
}


/* the streaming/timeshift.php query into rt */
static ngx_int_t
ngx_xtream_timeshift_php(ngx_http_request_t *r, xt_route_t *rt)
{
    ngx_int_t   rc;
    ngx_str_t   user, pass, stream, start, dur, ext;
    ngx_uint_t  i;
    uint64_t    id;

    if (ngx_xtream_ts_arg(r, "username", &user) != NGX_OK
        || ngx_xtream_ts_arg(r, "password", &pass) != NGX_OK
        || ngx_xtream_ts_arg(r, "stream", &stream) != NGX_OK
        || ngx_xtream_ts_arg(r, "start", &start) != NGX_OK
        || ngx_xtream_ts_arg(r, "duration", &dur) != NGX_OK)
    {
        return NGX_HTTP_BAD_REQUEST;
    }

    rt->ext_kind = XT_EXT_TS;

    /* "stream" may carry the extension: some clients send "123.ts" */
    if (stream.len > 3
        && ngx_strncmp(stream.data + stream.len - 3, ".ts", 3) == 0)
    {
        stream.len -= 3;

    } else if (stream.len > 5
               && ngx_strncmp(stream.data + stream.len - 5, ".m3u8", 5) == 0)
    {
        stream.len -= 5;
        rt->ext_kind = XT_EXT_M3U8;
    }

    if (!xt_route_valid_cred((const char *) user.data, user.len)
        || !xt_route_valid_cred((const char *) pass.data, pass.len)
        || stream.len == 0 || stream.len > 10 || stream.data[0] == '0'
        || xt_ts_parse_minutes((const char *) dur.data, dur.len,
                               &rt->duration) != 0)
    {
        return NGX_HTTP_BAD_REQUEST;
    }

    id = 0;
    for (i = 0; i < stream.len; i++) {
        if (stream.data[i] < '0' || stream.data[i] > '9') {
            return NGX_HTTP_BAD_REQUEST;
        }
        id = id * 10 + (stream.data[i] - '0');
    }

    if (id == 0 || id > 0xffffffff) {
        return NGX_HTTP_BAD_REQUEST;
    }

    rt->kind = XT_ROUTE_TIMESHIFT;
    rt->id = (uint32_t) id;
    rt->username.data = (const char *) user.data;
    rt->username.len = user.len;
    rt->password.data = (const char *) pass.data;
    rt->password.len = pass.len;
    rt->start.data = (const char *) start.data;
    rt->start.len = start.len;

    rc = ngx_xtream_ts_arg(r, "extension", &ext);

    if (rc == NGX_OK) {
        if (ext.len == 4 && ngx_strncmp(ext.data, "m3u8", 4) == 0) {
            rt->ext_kind = XT_EXT_M3U8;

        } else if (ext.len != 2 || ngx_strncmp(ext.data, "ts", 2) != 0) {
            return NGX_HTTP_BAD_REQUEST;
        }

    } else if (rc == NGX_ERROR) {
        return NGX_HTTP_BAD_REQUEST;
    }

    return NGX_OK;
}


ngx_int_t
ngx_xtream_timeshift_params(ngx_http_request_t *r, xt_route_t *rt)
{
    int64_t                  now, lutc;
    ngx_int_t                rc;
    ngx_str_t                v;
    ngx_xtream_main_conf_t  *xmcf;

    xmcf = ngx_http_get_module_main_conf(r, ngx_xtream_module);
    now = (int64_t) ngx_time();

    if (rt->kind == XT_ROUTE_LIVE) {
        /* Kodi "shift": from utc until lutc (the player's now) */
        if (ngx_xtream_ts_arg(r, "utc", &v) != NGX_OK
            || xt_ts_parse_epoch((const char *) v.data, v.len,
                                 &rt->start_utc) != 0)
        {
            return NGX_HTTP_BAD_REQUEST;
        }

        lutc = now;
        rc = ngx_xtream_ts_arg(r, "lutc", &v);

        if (rc == NGX_ERROR
            || (rc == NGX_OK
                && xt_ts_parse_epoch((const char *) v.data, v.len, &lutc)
                   != 0))
        {
            return NGX_HTTP_BAD_REQUEST;
        }

        if (lutc <= rt->start_utc) {
            return NGX_HTTP_BAD_REQUEST;
        }

        /* a day at most per request: the player asks again from there */
        rt->seconds = (lutc - rt->start_utc > XT_TS_MAX_MINUTES * 60)
                      ? XT_TS_MAX_MINUTES * 60
                      : (uint32_t) (lutc - rt->start_utc);
        rt->kind = XT_ROUTE_TIMESHIFT;

        return NGX_OK;
    }

    if (rt->kind == XT_ROUTE_TIMESHIFT_PHP) {
        rc = ngx_xtream_timeshift_php(r, rt);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (rt->duration == 0 || rt->duration > XT_TS_MAX_MINUTES
        || xt_ts_parse_start(rt->start.data, rt->start.len, xmcf->tz,
                             &rt->start_utc) != 0)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: timeshift start \"%*s\" or duration %uD "
                      "refused", rt->start.len, rt->start.data,
                      rt->duration);
        return NGX_HTTP_BAD_REQUEST;
    }

    rt->seconds = rt->duration * 60;

    return NGX_OK;
}


/* the window's segments, ascending; NGX_OK (maybe none) or NGX_ERROR */
static ngx_int_t
ngx_xtream_ts_window(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    int64_t from_ms, int64_t to_ms, ngx_xtream_tshift_t *ts)
{
    u_char         *buf, *path;
    size_t          len, max, n;
    int64_t         h, h0, h1;
    ngx_int_t       rc;
    xt_arch_seg_t  *segs;

    /* 1 s segments at the least; a few more for cuts slightly short */
    max = (size_t) ((to_ms - from_ms) / 1000) * 2 + 16;
    if (max > XT_TS_MAX_SEGS) {
        max = XT_TS_MAX_SEGS;
    }

    path = ngx_pnalloc(r->pool, d->dmcf->archive_root.len + 64);
    if (path == NULL) {
        return NGX_ERROR;
    }

    /* scratch from the heap, freed before the transfer: only the window's
       own records stay with the request */
    segs = ngx_alloc(max * sizeof(xt_arch_seg_t), r->connection->log);
    buf = ngx_alloc(NGX_XTREAM_TS_INDEX_MAX, r->connection->log);
    if (segs == NULL || buf == NULL) {
        rc = NGX_ERROR;
        goto done;
    }

    n = 0;
    rc = NGX_OK;

    /* a segment listed in the previous hour may reach into the window */
    h0 = from_ms / XT_ARCH_HOUR_MS - 1;
    h1 = (to_ms - 1) / XT_ARCH_HOUR_MS;

    for (h = h0; h <= h1; h++) {
        (void) ngx_sprintf(path, "%V/%uD/%L/index%Z",
                           &d->dmcf->archive_root, d->stream_id, h);

        /* NGX_DECLINED: nothing was archived in that hour */
        rc = ngx_xtream_read_into(r->connection->log, path, buf,
                                  NGX_XTREAM_TS_INDEX_MAX, &len);
        if (rc == NGX_DECLINED) {
            rc = NGX_OK;
            continue;
        }

        if (rc != NGX_OK) {
            goto done;
        }

        if (xt_arch_index_select((const char *) buf, len, from_ms, to_ms,
                                 segs, max, &n)
            != 0)
        {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "xtream: archive index \"%s\" is malformed or "
                          "lists more than %uz segments", path, max);
            rc = NGX_ERROR;
            goto done;
        }
    }

    ts->n = n;
    ts->segs = ngx_palloc(r->pool, (n ? n : 1) * sizeof(xt_arch_seg_t));
    if (ts->segs == NULL) {
        rc = NGX_ERROR;
        goto done;
    }

    ngx_memcpy(ts->segs, segs, n * sizeof(xt_arch_seg_t));

done:

    if (segs) {
        ngx_free(segs);
    }

    if (buf) {
        ngx_free(buf);
    }

    return rc;
}


static void ngx_xtream_ts_body_loop(ngx_http_request_t *r,
    ngx_xtream_dreq_t *d);


static void
ngx_xtream_ts_body_finish(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    ngx_int_t rc)
{
    d->done = 1;

    if (rc == NGX_OK) {
        rc = ngx_http_send_special(r, NGX_HTTP_LAST);
    }

    ngx_http_finalize_request(r, rc);
}


/* opens segs[next] as d->buf, sliced to the asked bytes */
static ngx_int_t
ngx_xtream_ts_body_open(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    ngx_xtream_tshift_t *ts)
{
    off_t             lo, hi;
    ngx_fd_t          fd;
    ngx_file_info_t   fi;
    xt_arch_seg_t    *seg;

    seg = &ts->segs[ts->next];

    (void) ngx_sprintf(d->path, "%V/%uD/%L/%L.ts%Z", &d->dmcf->archive_root,
                       d->stream_id, seg->start_ms / XT_ARCH_HOUR_MS,
                       seg->start_ms);

    fd = ngx_open_file(d->path, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        /* pruned under a running transfer: the promised length cannot be
           kept, so the connection is closed */
        ngx_log_error(NGX_LOG_ERR, r->connection->log, ngx_errno,
                      ngx_open_file_n " \"%s\" failed", d->path);
        return NGX_ERROR;
    }

    d->file.fd = fd;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR
        || (uint64_t) ngx_file_size(&fi) != seg->bytes)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xtream: archive segment \"%s\" is not the size its "
                      "index says (%uL)", d->path, seg->bytes);
        return NGX_ERROR;
    }

    d->file.name.data = d->path;
    d->file.name.len = ngx_strlen(d->path);
    d->file.log = r->connection->log;
    d->file.offset = 0;

    lo = (ts->from > ts->seg_off) ? (off_t) (ts->from - ts->seg_off) : 0;
    hi = (ts->to < ts->seg_off + seg->bytes - 1)
         ? (off_t) (ts->to - ts->seg_off + 1) : (off_t) seg->bytes;

    ngx_memzero(&d->buf, sizeof(ngx_buf_t));
    d->buf.in_file = 1;
    d->buf.file = &d->file;
    d->buf.file_pos = lo;
    d->buf.file_last = hi;
    d->buf.flush = 1;
    d->buf.tag = (ngx_buf_tag_t) &ngx_xtream_delivery_module;

    d->out.buf = &d->buf;
    d->out.next = NULL;

    return NGX_OK;
}


static void
ngx_xtream_ts_body_loop(ngx_http_request_t *r, ngx_xtream_dreq_t *d)
{
    ngx_int_t             rc;
    ngx_connection_t     *c;
    ngx_xtream_tshift_t  *ts;

    c = r->connection;
    ts = d->tshift;

    for ( ;; ) {

        if (d->done) {
            return;
        }

        if (d->pending) {
            rc = ngx_xtream_send_flush(r);

            if (rc == NGX_ERROR) {
                ngx_xtream_ts_body_finish(r, d, NGX_ERROR);
                return;
            }

            if (rc == NGX_AGAIN) {
                return;
            }

            (void) ngx_close_file(d->file.fd);
            d->file.fd = NGX_INVALID_FILE;
            d->pending = 0;
            ts->seg_off += ts->segs[ts->next].bytes;
            ts->next++;
        }

        if (ts->next == ts->n || ts->seg_off > ts->to) {
            ngx_xtream_ts_body_finish(r, d, NGX_OK);
            return;
        }

        if (ngx_xtream_evicted(d)) {
            ngx_log_error(NGX_LOG_INFO, c->log, 0,
                          "xtream: line %uD: timeshift connection replaced "
                          "by a newer one", d->line_id);
            ngx_xtream_ts_body_finish(r, d, NGX_ERROR);
            return;
        }

        if (ts->seg_off + ts->segs[ts->next].bytes <= ts->from) {
            /* before the asked range: not even opened */
            ts->seg_off += ts->segs[ts->next].bytes;
            ts->next++;
            continue;
        }

        if (ngx_xtream_ts_body_open(r, d, ts) != NGX_OK) {
            ngx_xtream_ts_body_finish(r, d, NGX_ERROR);
            return;
        }

        d->pending = 1;

        rc = ngx_http_output_filter(r, &d->out);

        if (rc == NGX_ERROR) {
            ngx_xtream_ts_body_finish(r, d, NGX_ERROR);
            return;
        }
    }
}


static void
ngx_xtream_ts_body_writer(ngx_http_request_t *r)
{
    ngx_xtream_dreq_t  *d;

    d = ngx_http_get_module_ctx(r, ngx_xtream_delivery_module);

    if (d == NULL || d->done || ngx_xtream_send_writable(r, d) != NGX_OK) {
        return;
    }

    ngx_xtream_ts_body_loop(r, d);
}


static ngx_int_t
ngx_xtream_ts_body(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    ngx_xtream_tshift_t *ts, uint32_t max_conns)
{
    size_t          i;
    u_char         *p;
    uint64_t        total;
    ngx_int_t       rc;
    xt_range_rc_e   rrc;

    total = 0;
    for (i = 0; i < ts->n; i++) {
        total += ts->segs[i].bytes;
    }

    ts->from = 0;
    ts->to = total - 1;
    rrc = XT_RANGE_NONE;

    /* If-Range is not honoured: the whole body then (RFC 9110 13.1.5) */
    if (r->headers_in.range && r->headers_in.if_range == NULL) {
        rrc = xt_ts_range((const char *) r->headers_in.range->value.data,
                          r->headers_in.range->value.len, total, &ts->from,
                          &ts->to);
    }

    if (ngx_xtream_delivery_header(r, "Accept-Ranges", "bytes") != NGX_OK
        || ngx_xtream_delivery_header(r, "Access-Control-Allow-Origin", "*")
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rrc != XT_RANGE_NONE) {
        p = ngx_pnalloc(r->pool, sizeof("bytes -/") + 3 * NGX_OFF_T_LEN);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (rrc == XT_RANGE_UNSATISFIABLE) {
            (void) ngx_sprintf(p, "bytes */%uL%Z", total);

        } else {
            (void) ngx_sprintf(p, "bytes %uL-%uL/%uL%Z", ts->from, ts->to,
                               total);
        }

        if (ngx_xtream_delivery_header(r, "Content-Range", (char *) p)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (rrc == XT_RANGE_UNSATISFIABLE) {
            return ngx_xtream_send_status(r, NGX_HTTP_RANGE_NOT_SATISFIABLE);
        }
    }

    r->headers_out.status = (rrc == XT_RANGE_OK) ? NGX_HTTP_PARTIAL_CONTENT
                                                 : NGX_HTTP_OK;
    r->headers_out.content_length_n = (off_t) (ts->to - ts->from + 1);
    r->allow_ranges = 0;                /* sliced here, not by nginx */
    ngx_str_set(&r->headers_out.content_type, "video/mp2t");
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    /* HEAD (a player's probe): not counted, no events */
    if (r->method == NGX_HTTP_HEAD) {
        return ngx_http_send_header(r);
    }

    rc = ngx_xtream_count(r, d, XT_CONN_STREAM, max_conns);
    if (rc != NGX_OK) {
        return ngx_xtream_send_status(r, rc);
    }

    d->counted = 1;
    ngx_xtream_event(d, "open");

    /* a ban, kill or delete ends it within 250 ms of reaching the
       snapshot, not at the next archive segment */
    ngx_xtream_vod_watch(d);

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    d->path = ngx_pnalloc(r->pool, d->dmcf->archive_root.len + 64);
    if (d->path == NULL) {
        return NGX_ERROR;
    }

    ngx_http_set_ctx(r, d, ngx_xtream_delivery_module);

    r->main->count++;
    r->read_event_handler = ngx_http_test_reading;
    r->write_event_handler = ngx_xtream_ts_body_writer;

    ngx_xtream_ts_body_loop(r, d);

    return NGX_DONE;
}


static ngx_int_t
ngx_xtream_ts_playlist(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    ngx_xtream_tshift_t *ts, xt_route_t *rt, uint32_t max_conns)
{
    u_char            *start;
    size_t             tlen, size;
    ngx_int_t          rc;
    xt_token_t         t;
    ngx_xtream_out_t   o;
    char         token[XT_TOKEN_MAX_LEN + 1];

    if (r->method == NGX_HTTP_HEAD) {
        return ngx_xtream_send_playlist_head(r);
    }

    rc = ngx_xtream_hls_admit(r, d, max_conns);
    if (rc != NGX_OK) {
        return ngx_xtream_send_status(r, rc);
    }

    /* a VOD playlist is fetched once and played for the whole window:
       its tokens last that long, plus an hour of pauses */
    t.expires = (int64_t) ngx_time() + d->dmcf->token_ttl + rt->seconds
                + NGX_XTREAM_ARCHIVE_PAUSE;
    t.line_id = d->line_id;
    t.stream_id = d->stream_id;
    t.variant = XT_ROUTE_ARCHIVE_VARIANT;
    t.session = d->session;

    tlen = xt_token_sign_key(d->dmcf->token_key, &t, token, sizeof(token));
    if (tlen == 0) {
        return ngx_xtream_send_status(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }

    size = 256 + ts->n * (192 + tlen);
    start = ngx_pnalloc(r->pool, size);
    if (start == NULL) {
        return ngx_xtream_send_status(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }

    o.pos = start;
    o.end = start + size;

    if (xt_ts_playlist(ts->segs, ts->n, d->stream_id, token, tlen,
                       ngx_xtream_out_sink, &o)
        != 0)
    {
        return ngx_xtream_send_status(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }

    return ngx_xtream_send_playlist(r, start, o.pos - start);
}


ngx_int_t
ngx_xtream_timeshift_answer(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    xt_route_t *rt, const xt_snap_live_t *live, uint32_t max_conns)
{
    int64_t               now, from, to;
    ngx_xtream_tshift_t  *ts;

    if (d->dmcf->archive_root.len == 0
        || !(live->flags & XT_LIVE_ARCHIVE) || live->archive_days == 0)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: stream %uD has no archive here", rt->id);
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }

    /* the window, clipped to what can exist: the archive's days up to
       now (a programme still airing plays up to the live edge) */
    now = (int64_t) ngx_time();
    from = rt->start_utc;
    to = rt->start_utc + rt->seconds;

    if (to > now) {
        to = now;
    }

    if (from >= to || from < now - (int64_t) live->archive_days * 86400) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: stream %uD: timeshift window %L+%uD s is "
                      "outside the archive", rt->id, rt->start_utc,
                      rt->seconds);
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }

    ts = ngx_pcalloc(r->pool, sizeof(ngx_xtream_tshift_t));
    if (ts == NULL) {
        return ngx_xtream_send_status(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }

    d->tshift = ts;

    if (ngx_xtream_ts_window(r, d, from * 1000, to * 1000, ts) != NGX_OK) {
        return ngx_xtream_send_status(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }

    if (ts->n == 0) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: stream %uD: nothing archived in %L+%uD s",
                      rt->id, rt->start_utc, rt->seconds);
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }

    if (rt->ext_kind == XT_EXT_M3U8) {
        return ngx_xtream_ts_playlist(r, d, ts, rt, max_conns);
    }

    return ngx_xtream_ts_body(r, d, ts, max_conns);
}
