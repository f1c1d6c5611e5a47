/*
 * Many servers, main side: a delivery request that passed every check is
 * answered with a 302 to the least-loaded healthy node carrying the
 * stream, the credentials replaced by a hand-off token (docs/DELIVERY.md
 * "Many servers").
 */

#include "ngx_xtream_delivery.h"
#include "ngx_xtream_cluster.h"


static xt_ho_kind_e
ngx_xtream_cluster_kind(ngx_xtream_kind_e kind)
{
    switch (kind) {
    case NGX_XTREAM_KIND_LIVE_HLS:
        return XT_HO_LIVE_HLS;
    case NGX_XTREAM_KIND_MOVIE:
        return XT_HO_MOVIE;
    case NGX_XTREAM_KIND_EPISODE:
        return XT_HO_EPISODE;
    default:
        return XT_HO_LIVE_TS;
    }
}


ngx_int_t
ngx_xtream_cluster_redirect(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    const xt_route_t *rt)
{
    int                              idx;
    u_char                          *p;
    size_t                           n, len;
    const char                      *prefix;
    ngx_str_t                        ext;
    xt_cluster_t                    *cl;
    xt_handoff_t                     h;
    ngx_table_elt_t                 *loc;
    const xt_snap_cl_server_t       *sv;
    ngx_xtream_cluster_main_conf_t  *ccf;
    char                             tok[XT_HANDOFF_MAX_LEN + 1];

    ccf = ngx_http_get_module_main_conf(r, ngx_xtream_cluster_module);

    if (ccf->role != NGX_XTREAM_CLUSTER_MAIN) {
        return NGX_DECLINED;
    }

    cl = ngx_xtream_cluster_get(r);
    if (cl == NULL) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "xtream: no cluster snapshot, stream %uD served here",
                      d->stream_id);
        return NGX_DECLINED;
    }

    h.kind = ngx_xtream_cluster_kind(d->kind);

    idx = xt_cluster_pick(cl, d->stream_id,
                          h.kind == XT_HO_MOVIE || h.kind == XT_HO_EPISODE,
                          (int64_t) ngx_time(), (int64_t) ccf->node_timeout,
                          ngx_xtream_cl_sent);
    if (idx < 0) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: no healthy node carries stream %uD, served "
                      "here", d->stream_id);
        return NGX_DECLINED;
    }

    sv = &cl->servers[idx];

    h.server_id = sv->id;
    h.line_id = d->line_id;
    h.stream_id = d->stream_id;
    h.expires = (int64_t) (ngx_time() + ccf->token_ttl);

    n = xt_handoff_sign(ccf->key, &h,
                        (const char *) r->connection->addr_text.data,
                        r->connection->addr_text.len, tok, sizeof(tok));
    if (n == 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xtream: hand-off token for stream %uD not signed",
                      d->stream_id);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    switch (h.kind) {
    case XT_HO_MOVIE:
        prefix = "/movie/_h/";
        ext.data = (u_char *) rt->ext.data;
        ext.len = rt->ext.len;
        break;
    case XT_HO_EPISODE:
        prefix = "/series/_h/";
        ext.data = (u_char *) rt->ext.data;
        ext.len = rt->ext.len;
        break;
    case XT_HO_LIVE_HLS:
        prefix = "/live/_h/";
        ngx_str_set(&ext, "m3u8");
        break;
    default:
        prefix = "/live/_h/";
        ngx_str_set(&ext, "ts");
        break;
    }

    len = sizeof("http://:65535/series/_h//4294967295.") - 1 + sv->host.len
          + n + ext.len;

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    loc = ngx_list_push(&r->headers_out.headers);
    if (loc == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    loc->hash = 1;
    ngx_str_set(&loc->key, "Location");
    loc->value.data = p;

    p = ngx_sprintf(p, "http://%*s:%uD%s%*s/%uD.%V",
                    (size_t) sv->host.len,
                    xt_snap_strp(cl->snap, sv->host), sv->http_port, prefix,
                    n, tok, d->stream_id, &ext);
    loc->value.len = p - loc->value.data;

    if (ngx_xtream_cl_sent[idx] < UINT32_MAX) {
        ngx_xtream_cl_sent[idx]++;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "xtream: line %uD stream %uD handed to server %uD",
                  d->line_id, d->stream_id, sv->id);

    /* keep-alive stays as the player asked: a zapping player comes back
       for the next channel */
    r->headers_out.status = NGX_HTTP_MOVED_TEMPORARILY;
    r->headers_out.location = loc;
    r->headers_out.content_length_n = 0;
    ngx_str_null(&r->headers_out.content_type);
    r->headers_out.content_type_len = 0;

    if (ngx_http_send_header(r) == NGX_ERROR || r->header_only) {
        return NGX_OK;
    }

    return ngx_http_send_special(r, NGX_HTTP_LAST);
}


ngx_uint_t
ngx_xtream_cluster_active_cons(ngx_http_request_t *r, uint32_t line_id)
{
    xt_cluster_t                    *cl;
    ngx_xtream_cluster_main_conf_t  *ccf;

    ccf = ngx_http_get_module_main_conf(r, ngx_xtream_cluster_module);

    if (ccf->role != NGX_XTREAM_CLUSTER_MAIN) {
        return 0;
    }

    cl = ngx_xtream_cluster_get(r);
    if (cl == NULL) {
        return 0;
    }

    /* the main's own connections are in its zone, counted by the caller */
    return xt_cluster_line_conns(cl, line_id, (uint32_t) ccf->server_id);
}
