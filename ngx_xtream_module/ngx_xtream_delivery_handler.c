/*
 * xtream_delivery: every player-facing stream URL.  Checks in XC's order,
 * each with XC's code, before a byte of media is sent:
 *   credentials 401 (a failure counts toward the address's lock-out),
 *   line status / expiry 403, allowed IPs 403, allowed UAs 403,
 *   allowed output for live 405, bouquet entitlement 406 (an unknown id is
 *   "not in the bouquets" as well), existence 404.
 * HLS segment and variant-playlist URLs carry a signed token instead of
 * credentials (ngx_xtream_delivery_hls.c).
 */

#include "xt_entitle.h"
#include "xt_password.h"
#include "ngx_xtream_delivery.h"
#include "ngx_xtream_metrics.h"
#include "ngx_xtream_cluster.h"


#define NGX_HTTP_NOT_ACCEPTABLE  406


static const char  *ngx_xtream_kind_names[] = {
    "", "live-ts", "live-hls", "hls-playlist", "hls-segment", "movie",
    "episode", "timeshift-ts", "timeshift-hls"
};


const char *
ngx_xtream_kind_name(ngx_xtream_kind_e kind)
{
    return ngx_xtream_kind_names[kind];
}


/* an empty-bodied answer (XC: 401 with an empty body, and so on) */
ngx_int_t
ngx_xtream_send_status(ngx_http_request_t *r, ngx_uint_t status)
{
    ngx_int_t  rc;

    r->headers_out.status = status;
    r->headers_out.content_length_n = 0;
    ngx_str_null(&r->headers_out.content_type);
    r->headers_out.content_type_len = 0;

    /* a refused stream request ends its connection (players reconnect) */
    r->keepalive = 0;

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    return ngx_http_send_special(r, NGX_HTTP_LAST);
}


ngx_int_t
ngx_xtream_read_into(ngx_log_t *log, u_char *path, u_char *buf, size_t size,
    size_t *len)
{
    ssize_t    n;
    ngx_fd_t   fd;
    ngx_err_t  err;

    fd = ngx_open_file(path, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        err = ngx_errno;

        if (err == NGX_ENOENT || err == NGX_ENOTDIR) {
            return NGX_DECLINED;
        }

        ngx_log_error(NGX_LOG_ERR, log, err,
                      ngx_open_file_n " \"%s\" failed", path);
        return NGX_ERROR;
    }

    n = pread(fd, buf, size, 0);
    err = ngx_errno;
    (void) ngx_close_file(fd);

    if (n < 0) {
        ngx_log_error(NGX_LOG_ERR, log, err, "pread() \"%s\" failed", path);
        return NGX_ERROR;
    }

    if ((size_t) n == size) {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "xtream: \"%s\" is larger than %uz bytes", path, size);
        return NGX_ERROR;
    }

    *len = (size_t) n;

    return NGX_OK;
}


/* reads a small file whole (playlists); NGX_DECLINED when it is missing */
ngx_int_t
ngx_xtream_read_small(ngx_http_request_t *r, ngx_str_t *path, ngx_str_t *out)
{
    off_t            size;
    ssize_t          n;
    ngx_err_t        err;
    ngx_file_t       file;
    ngx_file_info_t  fi;

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name = *path;
    file.log = r->connection->log;

    file.fd = ngx_open_file(path->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (file.fd == NGX_INVALID_FILE) {
        err = ngx_errno;

        if (err == NGX_ENOENT || err == NGX_ENOTDIR) {
            return NGX_DECLINED;
        }

        ngx_log_error(NGX_LOG_ERR, r->connection->log, err,
                      ngx_open_file_n " \"%s\" failed", path->data);
        return NGX_ERROR;
    }

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, ngx_errno,
                      ngx_fd_info_n " \"%s\" failed", path->data);
        ngx_close_file(file.fd);
        return NGX_ERROR;
    }

    size = ngx_file_size(&fi);

    if (size <= 0 || size > NGX_XTREAM_PLAYLIST_MAX) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xtream: playlist \"%s\" has a bad size %O",
                      path->data, size);
        ngx_close_file(file.fd);
        return NGX_ERROR;
    }

    out->data = ngx_pnalloc(r->pool, (size_t) size);
    if (out->data == NULL) {
        ngx_close_file(file.fd);
        return NGX_ERROR;
    }

    n = ngx_read_file(&file, out->data, (size_t) size, 0);
    ngx_close_file(file.fd);

    if (n == NGX_ERROR) {
        return NGX_ERROR;
    }

    out->len = (size_t) n;

    return NGX_OK;
}


ngx_int_t
ngx_xtream_count(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    xt_conn_kind_e kind, uint32_t max_conns)
{
    uint32_t            slot, kick;
    uint64_t            key;
    xt_conn_t           victim;
    xt_acq_rc_e         rc;
    const xt_conn_t    *c;
    ngx_xtream_zone_t  *zone;

    zone = ngx_xtream_zone_get(d->r);
    if (zone == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    key = 0;
    kick = ngx_xtream_line_kick(d->line_id);

    ngx_shmtx_lock(&zone->shpool->mutex);

    /* connections killed since they were admitted stop counting now, even
       when nothing of theirs asks again (a killed HLS viewer's tokens are
       refused before its record is looked at) */
    xt_conns_kick_line(zone->sh->conns, d->line_id, kick);

    rc = xt_conns_acquire(zone->sh->conns, d->line_id, d->stream_id, kind,
                          kind == XT_CONN_HLS ? d->session : 0, max_conns,
                          (xt_conn_policy_e) d->dmcf->policy,
                          (int32_t) ngx_pid, (int64_t) ngx_current_msec,
                          ngx_xtream_pid_alive, &slot, &victim);

    if (rc == XT_ACQ_OK || rc == XT_ACQ_REPLACED) {
        c = xt_conns_get(zone->sh->conns, slot);
        key = c ? c->key : 0;
        /* metrics: TS, movie and episode transfers are told apart */
        xt_census_tag(zone->sh->conns, slot,
                      ngx_xtream_metrics_conn_tag(d->kind));
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    switch (rc) {

    case XT_ACQ_REPLACED:
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: line %uD at max_connections %uD, its oldest "
                      "connection (worker %D) is replaced",
                      d->line_id, max_conns, victim.pid);
        /* fall through */

    case XT_ACQ_OK:
        d->slot = slot;
        d->key = key;
        d->slotted = 1;
        /* records the line's kick generation it is admitted under */
        (void) ngx_xtream_revoked(d, kind == XT_CONN_HLS ? d->session : key);
        return NGX_OK;

    case XT_ACQ_LIMIT:
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: line %uD at max_connections %uD, refused",
                      d->line_id, max_conns);
        return NGX_HTTP_FORBIDDEN;

    case XT_ACQ_ENDED:
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: hls session of line %uD was ended",
                      d->line_id);
        return NGX_HTTP_FORBIDDEN;

    default:
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xtream: connection table full, increase the "
                      "\"xtream_zone\" size");
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }
}


int
ngx_xtream_evicted(ngx_xtream_dreq_t *d)
{
    int                 gone;
    const xt_conn_t    *c;
    ngx_xtream_zone_t  *zone;

    zone = ngx_xtream_zone_get(d->r);
    if (zone == NULL || !d->counted) {
        return 0;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);
    c = xt_conns_get(zone->sh->conns, d->slot);
    gone = (c == NULL || c->key != d->key || c->state != XT_CONN_ACTIVE);
    ngx_shmtx_unlock(&zone->shpool->mutex);

    return gone || ngx_xtream_revoked(d, d->key);
}


/*
 * On-demand start (docs/DELIVERY.md "On-demand streams").  A live request whose
 * media is not there (an on-demand stream nobody watches, or an always-on
 * stream that is (re)starting) sends {"ev":"start"} to xtreamd and waits
 * on a non-cancelable timer, polling every NGX_XTREAM_OD_POLL ms, for the
 * stream's master playlist (HLS) or a finished segment in variant 0's
 * playlist (TS), up to xtream_ondemand_wait; then it answers as usual, or
 * 503 (on-demand) / 404 (always-on) on timeout.  A waiting TS request is
 * counted (max_connections applies while it waits) and released by the
 * dreq cleanup however the request ends: timeout, client abort
 * (ngx_http_test_reading), reload (ngx_exiting: 503 at the next tick, so
 * the old worker exits within a poll).  An HLS request is not counted
 * while it waits (its session is admitted when it is answered, so a
 * restarting stream never evicts the viewer's own session).
 */

#define NGX_XTREAM_OD_POLL  100


/* NGX_OK: media there; NGX_DECLINED: not yet; NGX_ERROR */
static ngx_int_t
ngx_xtream_live_ready(ngx_http_request_t *r, ngx_xtream_dreq_t *d)
{
    ngx_err_t         err;
    ngx_file_info_t   fi;
    u_char            path[NGX_MAX_PATH];

    if (d->dmcf->media_root.len + 32 > NGX_MAX_PATH) {
        return NGX_ERROR;
    }

    /* an on-demand stream's worker that was stopped leaves its media
       behind: a variant playlist not rewritten for xtream_ondemand_stale
       is not live */
    if (d->od_ondemand && d->dmcf->ondemand_stale) {
        (void) ngx_sprintf(path, "%V/%uD/0/index.m3u8%Z",
                           &d->dmcf->media_root, d->stream_id);

        if (ngx_file_info(path, &fi) == NGX_FILE_ERROR) {
            err = ngx_errno;

            if (err == NGX_ENOENT || err == NGX_ENOTDIR) {
                return NGX_DECLINED;
            }

            ngx_log_error(NGX_LOG_ERR, r->connection->log, err,
                          ngx_file_info_n " \"%s\" failed", path);
            return NGX_ERROR;
        }

        if (ngx_time() - ngx_file_mtime(&fi) > d->dmcf->ondemand_stale) {
            return NGX_DECLINED;
        }
    }

    if (d->kind == NGX_XTREAM_KIND_LIVE_TS) {
        return ngx_xtream_ts_ready(r, d);
    }

    (void) ngx_sprintf(path, "%V/%uD/master.m3u8%Z", &d->dmcf->media_root,
                       d->stream_id);

    if (ngx_file_info(path, &fi) != NGX_FILE_ERROR) {
        return NGX_OK;
    }

    err = ngx_errno;

    if (err == NGX_ENOENT || err == NGX_ENOTDIR) {
        return NGX_DECLINED;
    }

    ngx_log_error(NGX_LOG_ERR, r->connection->log, err,
                  ngx_file_info_n " \"%s\" failed", path);

    return NGX_ERROR;
}


static ngx_int_t
ngx_xtream_live_go(ngx_http_request_t *r, ngx_xtream_dreq_t *d)
{
    if (d->kind == NGX_XTREAM_KIND_LIVE_HLS) {
        return ngx_xtream_hls_live(r, d, d->od_max_conns);
    }

    return ngx_xtream_ts_start(r, d, d->od_max_conns);
}


static void
ngx_xtream_od_wait_handler(ngx_event_t *ev)
{
    ngx_int_t            rc;
    ngx_connection_t    *c;
    ngx_http_request_t  *r;
    ngx_xtream_dreq_t   *d;

    d = (ngx_xtream_dreq_t *) ((u_char *) ev
                               - offsetof(ngx_xtream_dreq_t, wait));
    r = d->r;
    c = r->connection;

    ngx_http_set_log_request(c->log, r);

    if (ngx_exiting || ngx_terminate) {
        /* reload or stop: the player reconnects to the new workers */
        rc = ngx_xtream_send_status(r, NGX_HTTP_SERVICE_UNAVAILABLE);
        goto done;
    }

    if (ngx_xtream_evicted(d)) {
        ngx_log_error(NGX_LOG_INFO, c->log, 0,
                      "xtream: line %uD: waiting connection replaced by a "
                      "newer one", d->line_id);
        rc = ngx_xtream_send_status(r, NGX_HTTP_FORBIDDEN);
        goto done;
    }

    rc = ngx_xtream_live_ready(r, d);

    if (rc == NGX_OK) {
        ngx_log_error(NGX_LOG_INFO, c->log, 0,
                      "xtream: stream %uD ready after %M ms",
                      d->stream_id, ngx_current_msec - d->od_since);

        d->od_waiting = 0;
        r->read_event_handler = ngx_http_block_reading;
        r->write_event_handler = ngx_http_request_empty_handler;

        rc = ngx_xtream_live_go(r, d);
        goto done;
    }

    if (rc == NGX_ERROR) {
        rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        goto done;
    }

    if (ngx_current_msec - d->od_since >= d->dmcf->ondemand_wait) {
        ngx_log_error(NGX_LOG_INFO, c->log, 0,
                      "xtream: stream %uD: no media after %M ms",
                      d->stream_id, d->dmcf->ondemand_wait);
        rc = ngx_xtream_send_status(r, d->od_ondemand
                                       ? NGX_HTTP_SERVICE_UNAVAILABLE
                                       : NGX_HTTP_NOT_FOUND);
        goto done;
    }

    /* repeated at most once a second (a daemon that restarted meanwhile) */
    (void) ngx_xtream_event_start(c->log, d->stream_id);

    ngx_add_timer(&d->wait, NGX_XTREAM_OD_POLL);

    ngx_http_run_posted_requests(c);
    return;

done:

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


ngx_int_t
ngx_xtream_live_answer(ngx_http_request_t *r, ngx_xtream_dreq_t *d)
{
    ngx_int_t  rc;

    rc = ngx_xtream_live_ready(r, d);

    if (rc == NGX_OK) {
        if (d->od_ondemand) {
            /* keeps the daemon's demand clock fresh (rate-limited) */
            (void) ngx_xtream_event_start(r->connection->log, d->stream_id);
        }

        return ngx_xtream_live_go(r, d);
    }

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    (void) ngx_xtream_event_start(r->connection->log, d->stream_id);

    if (d->dmcf->ondemand_wait == 0) {
        return ngx_xtream_send_status(r, d->od_ondemand
                                         ? NGX_HTTP_SERVICE_UNAVAILABLE
                                         : NGX_HTTP_NOT_FOUND);
    }

    if (d->kind == NGX_XTREAM_KIND_LIVE_TS && r->method != NGX_HTTP_HEAD) {
        rc = ngx_xtream_count(r, d, XT_CONN_STREAM, d->od_max_conns);
        if (rc != NGX_OK) {
            return ngx_xtream_send_status(r, rc);
        }

        d->counted = 1;
    }

    d->od_waiting = 1;
    d->od_since = ngx_current_msec;

    d->wait.handler = ngx_xtream_od_wait_handler;
    d->wait.data = r->connection;       /* read as a connection when
                                           timers are logged at debug */
    d->wait.log = r->connection->log;
    d->wait.cancelable = 0;             /* a reload waits for it */

    r->main->count++;
    r->read_event_handler = ngx_http_test_reading;
    r->write_event_handler = ngx_http_request_empty_handler;

    ngx_add_timer(&d->wait, NGX_XTREAM_OD_POLL);

    return NGX_DONE;
}


static const xt_snap_line_t *
ngx_xtream_delivery_auth(xt_snap_t *lines, xt_route_t *rt)
{
    int                    ok;
    const xt_snap_line_t  *line;

    static const uint8_t   dummy_salt[XT_SALT_LEN];
    static const uint8_t   dummy_hash[XT_HASH_LEN];

    line = xt_snap_line_find(lines, (const u_char *) rt->username.data,
                             rt->username.len);

    /* the same work for an unknown user and a wrong password */
    ok = xt_password_check(line ? line->salt : dummy_salt,
                           line ? line->hash : dummy_hash,
                           (const u_char *) rt->password.data,
                           rt->password.len);

    return (line && ok) ? line : NULL;
}


static ngx_int_t
ngx_xtream_delivery_line(ngx_http_request_t *r, xt_route_t *rt)
{
    u_char                  addr[XT_ACCESS_ADDR_LEN];
    ngx_int_t               rc;
    const char             *path;
    size_t                  path_len;
    uint32_t                idx;
    xt_snap_t              *cat, *lines;
    ngx_xtream_map_t       *lm, *cm;
    ngx_xtream_dreq_t      *d;
    const xt_snap_live_t   *live;
    const xt_snap_line_t   *line;
    const xt_snap_movie_t  *movie;
    const xt_snap_episode_t *ep;
    xt_snap_str_t           ext, fpath;

    lm = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_LINES);
    if (lm == NULL) {
        return ngx_xtream_send_status(r, NGX_HTTP_SERVICE_UNAVAILABLE);
    }

    lines = &lm->snap;

    line = ngx_xtream_delivery_auth(lines, rt);
    if (line == NULL) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: authentication failed for \"%*s\"",
                      rt->username.len, rt->username.data);
        ngx_xtream_flood_fail(r, rt->username.data, rt->username.len);
        return ngx_xtream_send_status(r, NGX_HTTP_UNAUTHORIZED);
    }

    ngx_xtream_flood_success(r, rt->username.data, rt->username.len);

    d = ngx_xtream_dreq_create(r);
    if (d == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    d->line_id = line->id;
    d->stream_id = rt->id;
    d->username.len = rt->username.len;
    d->username.data = ngx_pnalloc(r->pool, rt->username.len);
    if (d->username.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    ngx_memcpy(d->username.data, rt->username.data, rt->username.len);

    switch (rt->kind) {
    case XT_ROUTE_MOVIE:
        d->kind = NGX_XTREAM_KIND_MOVIE;
        break;
    case XT_ROUTE_SERIES:
        d->kind = NGX_XTREAM_KIND_EPISODE;
        break;
    case XT_ROUTE_TIMESHIFT:
        d->kind = (rt->ext_kind == XT_EXT_M3U8)
                  ? NGX_XTREAM_KIND_TIMESHIFT_HLS
                  : NGX_XTREAM_KIND_TIMESHIFT_TS;
        break;
    default:
        d->kind = (rt->ext_kind == XT_EXT_M3U8) ? NGX_XTREAM_KIND_LIVE_HLS
                                                : NGX_XTREAM_KIND_LIVE_TS;
        break;
    }

    if (xt_line_status(line, ngx_time()) != XT_STATUS_ACTIVE) {
        return ngx_xtream_send_status(r, NGX_HTTP_FORBIDDEN);
    }

    ngx_xtream_client_addr(r->connection, addr);

    if (!xt_access_ip_allowed(xt_snap_strp(lines, line->allowed_ips),
                              line->allowed_ips.len, addr))
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: line %uD: address not allowed", line->id);
        return ngx_xtream_send_status(r, NGX_HTTP_FORBIDDEN);
    }

    if (!ngx_xtream_line_ua_allowed(r, lines, line)) {
        return ngx_xtream_send_status(r, NGX_HTTP_FORBIDDEN);
    }

    if ((rt->kind == XT_ROUTE_LIVE || rt->kind == XT_ROUTE_TIMESHIFT)
        && !xt_access_output_allowed(line->outputs,
                                     rt->ext_kind == XT_EXT_M3U8))
    {
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_ALLOWED);
    }

    cm = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_CATALOG);
    if (cm == NULL) {
        return ngx_xtream_send_status(r, NGX_HTTP_SERVICE_UNAVAILABLE);
    }

    cat = &cm->snap;

    switch (rt->kind) {

    case XT_ROUTE_LIVE:
        live = xt_snap_live_find(cat, rt->id);
        if (live == NULL
            || !xt_entitle_live(cat, lines, line, xt_snap_live_idx(cat, live)))
        {
            return ngx_xtream_send_status(r, NGX_HTTP_NOT_ACCEPTABLE);
        }

        d->od_ondemand = (live->flags & XT_LIVE_ONDEMAND) ? 1 : 0;
        d->od_max_conns = line->max_connections;

        /* many servers: the main sends the viewer to a node */
        rc = ngx_xtream_cluster_redirect(r, d, rt);
        if (rc != NGX_DECLINED) {
            return rc;
        }

        return ngx_xtream_live_answer(r, d);

    case XT_ROUTE_TIMESHIFT:
        /* the archive of a channel: entitled like its live stream */
        live = xt_snap_live_find(cat, rt->id);
        if (live == NULL
            || !xt_entitle_live(cat, lines, line, xt_snap_live_idx(cat, live)))
        {
            return ngx_xtream_send_status(r, NGX_HTTP_NOT_ACCEPTABLE);
        }

        return ngx_xtream_timeshift_answer(r, d, rt, live,
                                           line->max_connections);

    case XT_ROUTE_MOVIE:
        movie = xt_snap_movie_find(cat, rt->id);
        if (movie == NULL
            || !xt_entitle_movie(cat, lines, line,
                                 xt_snap_movie_idx(cat, movie)))
        {
            return ngx_xtream_send_status(r, NGX_HTTP_NOT_ACCEPTABLE);
        }

        ext = movie->ext;
        fpath = movie->path;
        break;

    case XT_ROUTE_SERIES:
        ep = xt_snap_episode_find(cat, rt->id);
        if (ep == NULL || !xt_entitle_episode(cat, lines, line, ep)) {
            return ngx_xtream_send_status(r, NGX_HTTP_NOT_ACCEPTABLE);
        }

        ext = ep->ext;
        fpath = ep->path;
        break;

    default:
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }

    /* VOD: the URL's extension must be the record's */
    if (ext.len != rt->ext.len
        || ngx_strncmp(xt_snap_strp(cat, ext), rt->ext.data, ext.len) != 0)
    {
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }

    path = xt_snap_strp(cat, fpath);
    path_len = fpath.len;
    idx = line->max_connections;

    rc = ngx_xtream_cluster_redirect(r, d, rt);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_xtream_vod_start(r, d, path, path_len, idx);
}


ngx_int_t
ngx_xtream_delivery_handler(ngx_http_request_t *r)
{
    ngx_int_t     rc;
    xt_route_t    rt;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    /* nginx has decoded and normalised r->uri; the raw target shows what
       was tried (encoded dots and slashes, NUL, dot segments) */
    if (!xt_route_raw_ok((const char *) r->unparsed_uri.data,
                         r->unparsed_uri.len)
        || ngx_strlchr(r->uri.data, r->uri.data + r->uri.len, '\0') != NULL
        || ngx_strlchr(r->uri.data, r->uri.data + r->uri.len, '\\') != NULL)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: refused suspicious request target");
        return NGX_HTTP_BAD_REQUEST;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    rc = ngx_xtream_flood_check(r);
    if (rc != NGX_OK) {
        return ngx_xtream_send_status(r, rc);
    }

    /* many servers: a node's hand-off URL (/live/_h/TOKEN/ID.ts ...) */
    rc = ngx_xtream_cluster_handoff(r);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    switch (xt_route_parse((const char *) r->uri.data, r->uri.len, &rt)) {

    case XT_ROUTE_OK:
        break;

    case XT_ROUTE_BAD:
        return ngx_xtream_send_status(r, NGX_HTTP_BAD_REQUEST);

    default:
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }

    /* catch-up: its window from the path, the timeshift.php query or a
       live URL's ?utc= (Kodi "shift"); malformed is 400 before any check */
    if (rt.kind == XT_ROUTE_TIMESHIFT || rt.kind == XT_ROUTE_TIMESHIFT_PHP
        || (rt.kind == XT_ROUTE_LIVE && ngx_xtream_timeshift_is_shift(r)))
    {
        rc = ngx_xtream_timeshift_params(r, &rt);
        if (rc != NGX_OK) {
            return ngx_xtream_send_status(r, rc);
        }
    }

    switch (rt.kind) {

    case XT_ROUTE_HLS_SEGMENT:
    case XT_ROUTE_HLS_PLAYLIST:
        return ngx_xtream_hls_token_request(r, &rt);

    case XT_ROUTE_LIVE:
    case XT_ROUTE_MOVIE:
    case XT_ROUTE_SERIES:
    case XT_ROUTE_TIMESHIFT:
        return ngx_xtream_delivery_line(r, &rt);

    default:
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }
}
