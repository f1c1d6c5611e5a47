/*
 * Many servers, node side: /live/_h/TOKEN/ID.ts|m3u8, /movie/_h/...,
 * /series/_h/... accepted when TOKEN was signed with the cluster secret
 * for this node, this stream and this client address; the viewer is then
 * counted against the line like any other, the connections the other
 * servers report for the line taken off max_connections (docs/DELIVERY.md
 * "Many servers").
 */

#include "ngx_xtream_delivery.h"
#include "ngx_xtream_cluster.h"
#include "xt_entitle.h"


ngx_int_t
ngx_xtream_cluster_handoff(ngx_http_request_t *r)
{
    size_t                           path_len;
    uint32_t                         max, elsewhere;
    xt_ho_rc_e                       rc;
    const char                      *path;
    xt_snap_t                       *lines, *cat;
    xt_cluster_t                    *cl;
    xt_handoff_t                     h;
    xt_snap_str_t                    ext, fpath;
    ngx_xtream_map_t                *lm, *cm;
    ngx_xtream_dreq_t               *d;
    xt_handoff_url_t                 u;
    const xt_snap_live_t            *live;
    const xt_snap_line_t            *line;
    const xt_snap_movie_t           *movie;
    const xt_snap_episode_t         *ep;
    ngx_xtream_cluster_main_conf_t  *ccf;

    if (!xt_handoff_url((const char *) r->uri.data, r->uri.len, &u)) {
        return NGX_DECLINED;
    }

    ccf = ngx_http_get_module_main_conf(r, ngx_xtream_cluster_module);

    if (ccf->role != NGX_XTREAM_CLUSTER_NODE) {
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }

    if (u.bad) {
        return ngx_xtream_send_status(r, NGX_HTTP_BAD_REQUEST);
    }

    h.stream_id = u.id;
    h.kind = u.kind;

    rc = xt_handoff_verify(ccf->key, u.token, u.token_len,
                           (const char *) r->connection->addr_text.data,
                           r->connection->addr_text.len,
                           (uint32_t) ccf->server_id, (int64_t) ngx_time(),
                           &h);
    if (rc != XT_HO_OK) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: hand-off token for stream %uD refused: %s",
                      u.id, xt_handoff_rc_text(rc));

        /* a forgery counts toward the address's lock-out, a late player
           does not */
        if (rc == XT_HO_BAD_MAC || rc == XT_HO_MALFORMED) {
            ngx_xtream_flood_fail(r, "", 0);
        }

        return ngx_xtream_send_status(r, rc == XT_HO_ERROR
                                         ? NGX_HTTP_INTERNAL_SERVER_ERROR
                                         : NGX_HTTP_FORBIDDEN);
    }

    lm = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_LINES);
    cm = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_CATALOG);
    if (lm == NULL || cm == NULL) {
        return ngx_xtream_send_status(r, NGX_HTTP_SERVICE_UNAVAILABLE);
    }

    lines = &lm->snap;
    cat = &cm->snap;

    /* the main checked everything; the status again, so a ban made since
       (and replicated here) stops the hand-off too.  A hand-off names the
       line by id, never by name. */
    line = xt_snap_line_by_id(lines, h.line_id);
    if (line == NULL || xt_line_status(line, ngx_time()) != XT_STATUS_ACTIVE)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: hand-off for line %uD refused: the line is "
                      "not active here", h.line_id);
        return ngx_xtream_send_status(r, NGX_HTTP_FORBIDDEN);
    }

    d = ngx_xtream_dreq_create(r);
    if (d == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    d->line_id = line->id;
    d->stream_id = h.stream_id;
    d->username.len = line->username.len;
    d->username.data = ngx_pnalloc(r->pool, line->username.len + 1);
    if (d->username.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    ngx_memcpy(d->username.data, xt_snap_strp(lines, line->username),
               line->username.len);

    switch (h.kind) {
    case XT_HO_LIVE_HLS:
        d->kind = NGX_XTREAM_KIND_LIVE_HLS;
        break;
    case XT_HO_MOVIE:
        d->kind = NGX_XTREAM_KIND_MOVIE;
        break;
    case XT_HO_EPISODE:
        d->kind = NGX_XTREAM_KIND_EPISODE;
        break;
    default:
        d->kind = NGX_XTREAM_KIND_LIVE_TS;
        break;
    }

    /* max_connections across servers: what the others reported (as of
       one load report + replication ago) is taken off; this node's own
       count in the zone is exact (docs/DELIVERY.md "Many servers") */
    max = line->max_connections;

    if (max) {
        cl = ngx_xtream_cluster_get(r);
        elsewhere = cl ? xt_cluster_line_conns(cl, line->id,
                                               (uint32_t) ccf->server_id)
                       : 0;

        if (elsewhere >= max) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "xtream: line %uD at max_connections %uD across "
                          "servers (%uD elsewhere), refused",
                          line->id, max, elsewhere);
            return ngx_xtream_send_status(r, NGX_HTTP_FORBIDDEN);
        }

        max -= elsewhere;
    }

    switch (h.kind) {

    case XT_HO_LIVE_TS:
    case XT_HO_LIVE_HLS:
        live = xt_snap_live_find(cat, h.stream_id);
        if (live == NULL) {
            return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
        }

        d->od_ondemand = (live->flags & XT_LIVE_ONDEMAND) ? 1 : 0;
        d->od_max_conns = max;

        return ngx_xtream_live_answer(r, d);

    case XT_HO_MOVIE:
        movie = xt_snap_movie_find(cat, h.stream_id);
        if (movie == NULL) {
            return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
        }

        ext = movie->ext;
        fpath = movie->path;
        break;

    default:
        ep = xt_snap_episode_find(cat, h.stream_id);
        if (ep == NULL) {
            return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
        }

        ext = ep->ext;
        fpath = ep->path;
        break;
    }

    if (ext.len != u.ext_len
        || ngx_strncmp(xt_snap_strp(cat, ext), u.ext, ext.len) != 0)
    {
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }

    path = xt_snap_strp(cat, fpath);
    path_len = fpath.len;

    return ngx_xtream_vod_start(r, d, path, path_len, max);
}
