/*
 * ngx_xtream_cluster_module (issue 11): many servers.
 *
 *   main  a delivery request that passed every check is answered with a
 *         302 to the least-loaded healthy node carrying the stream, with
 *         a hand-off token in place of the credentials (xt_handoff.h);
 *         with no such node the main serves it itself, as a single box.
 *   node  /live/_h/TOKEN/ID.ts|m3u8, /movie/_h/..., /series/_h/... are
 *         accepted when TOKEN was signed with the cluster secret for
 *         this node, this stream and this client address; the viewer is
 *         then counted against the line like any other, the connections
 *         other servers report for the line taken off max_connections.
 *
 * The server set, loads, placement and per-line counts come from
 * cluster.snap (xt_cluster.h); a third HTTP module in the same .so,
 * called from ngx_xtream_delivery_handler.c by two hooks.
 */

#include "ngx_xtream_cluster.h"
#include "xt_cluster.h"
#include "xt_entitle.h"
#include "xt_handoff.h"


#define NGX_XTREAM_CLUSTER_OFF   0
#define NGX_XTREAM_CLUSTER_MAIN  1
#define NGX_XTREAM_CLUSTER_NODE  2


typedef struct {
    ngx_uint_t       role;
    ngx_str_t        secret;
    xt_ho_key_t     *key;
    ngx_uint_t       server_id;
    time_t           token_ttl;
    time_t           node_timeout;
} ngx_xtream_cluster_main_conf_t;


static void *ngx_xtream_cluster_create_main_conf(ngx_conf_t *cf);
static char *ngx_xtream_cluster_init_main_conf(ngx_conf_t *cf, void *conf);
static char *ngx_xtream_cluster_secret(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);


static ngx_conf_enum_t  ngx_xtream_cluster_roles[] = {
    { ngx_string("off"), NGX_XTREAM_CLUSTER_OFF },
    { ngx_string("main"), NGX_XTREAM_CLUSTER_MAIN },
    { ngx_string("node"), NGX_XTREAM_CLUSTER_NODE },
    { ngx_null_string, 0 }
};


static ngx_command_t  ngx_xtream_cluster_commands[] = {

    { ngx_string("xtream_cluster"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_cluster_main_conf_t, role),
      &ngx_xtream_cluster_roles },

    { ngx_string("xtream_cluster_secret"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_xtream_cluster_secret,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("xtream_cluster_server_id"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_cluster_main_conf_t, server_id),
      NULL },

    { ngx_string("xtream_cluster_token_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_cluster_main_conf_t, token_ttl),
      NULL },

    { ngx_string("xtream_cluster_node_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_cluster_main_conf_t, node_timeout),
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_xtream_cluster_module_ctx = {
    NULL,                                  /* preconfiguration */
    NULL,                                  /* postconfiguration */

    ngx_xtream_cluster_create_main_conf,   /* create main configuration */
    ngx_xtream_cluster_init_main_conf,     /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    NULL,                                  /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_xtream_cluster_module = {
    NGX_MODULE_V1,
    &ngx_xtream_cluster_module_ctx,        /* module context */
    ngx_xtream_cluster_commands,           /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


/* per worker: the checked cluster snapshot, and the viewers sent to each
   server since that snapshot (so a burst between two load reports is
   spread instead of all landing on the node that was least loaded) */
static xt_cluster_t   ngx_xtream_cl;
static const u_char  *ngx_xtream_cl_base;
static uint64_t       ngx_xtream_cl_gen;
static ngx_uint_t     ngx_xtream_cl_ok;
static uint32_t       ngx_xtream_cl_sent[XT_CLUSTER_MAX_SERVERS];


static void *
ngx_xtream_cluster_create_main_conf(ngx_conf_t *cf)
{
    ngx_xtream_cluster_main_conf_t  *ccf;

    ccf = ngx_pcalloc(cf->pool, sizeof(ngx_xtream_cluster_main_conf_t));
    if (ccf == NULL) {
        return NULL;
    }

    ccf->role = NGX_CONF_UNSET_UINT;
    ccf->server_id = NGX_CONF_UNSET_UINT;
    ccf->token_ttl = NGX_CONF_UNSET;
    ccf->node_timeout = NGX_CONF_UNSET;

    return ccf;
}


static void
ngx_xtream_cluster_key_cleanup(void *data)
{
    xt_ho_key_free(data);
}


static char *
ngx_xtream_cluster_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_xtream_cluster_main_conf_t  *ccf = conf;

    ngx_pool_cleanup_t  *cln;

    ngx_conf_init_uint_value(ccf->role, NGX_XTREAM_CLUSTER_OFF);
    ngx_conf_init_uint_value(ccf->server_id, 0);
    ngx_conf_init_value(ccf->token_ttl, 30);
    ngx_conf_init_value(ccf->node_timeout, 10);

    if (ccf->role == NGX_XTREAM_CLUSTER_OFF) {
        return NGX_CONF_OK;
    }

    if (ccf->secret.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_cluster\" needs "
                           "\"xtream_cluster_secret\"");
        return NGX_CONF_ERROR;
    }

    if (ccf->role == NGX_XTREAM_CLUSTER_NODE
        && (ccf->server_id == 0 || ccf->server_id > UINT32_MAX))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_cluster node\" needs "
                           "\"xtream_cluster_server_id\" (its servers.id)");
        return NGX_CONF_ERROR;
    }

    if (ccf->token_ttl < 1 || ccf->node_timeout < 1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_cluster_token_ttl\" and "
                           "\"xtream_cluster_node_timeout\" must be at "
                           "least 1s");
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    ccf->key = xt_ho_key_new(ccf->secret.data, ccf->secret.len);
    if (ccf->key == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "xtream: HMAC-SHA256 is not available");
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_xtream_cluster_key_cleanup;
    cln->data = ccf->key;

    return NGX_CONF_OK;
}


/* "xtream_cluster_secret TEXT | file:PATH": every server of the cluster
   has the same one (a file keeps it out of nginx.conf) */
static char *
ngx_xtream_cluster_secret(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_xtream_cluster_main_conf_t  *ccf = conf;

    size_t            len;
    ssize_t           n;
    ngx_str_t        *value, path;
    ngx_file_t        file;
    ngx_file_info_t   fi;

    if (ccf->secret.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len > 5 && ngx_strncmp(value[1].data, "file:", 5) == 0) {
        path.data = value[1].data + 5;
        path.len = value[1].len - 5;

        if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        ngx_memzero(&file, sizeof(ngx_file_t));
        file.name = path;
        file.log = cf->log;
        file.fd = ngx_open_file(path.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

        if (file.fd == NGX_INVALID_FILE
            || ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR
            || ngx_file_size(&fi) > 4096)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               "cluster secret file \"%s\" is unreadable "
                               "or larger than 4096 bytes", path.data);
            if (file.fd != NGX_INVALID_FILE) {
                ngx_close_file(file.fd);
            }
            return NGX_CONF_ERROR;
        }

        len = (size_t) ngx_file_size(&fi);

        ccf->secret.data = ngx_pnalloc(cf->pool, len + 1);
        if (ccf->secret.data == NULL) {
            ngx_close_file(file.fd);
            return NGX_CONF_ERROR;
        }

        n = ngx_read_file(&file, ccf->secret.data, len, 0);
        ngx_close_file(file.fd);

        if (n != (ssize_t) len) {
            return NGX_CONF_ERROR;
        }

        while (len && (ccf->secret.data[len - 1] == '\n'
                       || ccf->secret.data[len - 1] == '\r'))
        {
            len--;
        }

        ccf->secret.len = len;

    } else {
        ccf->secret = value[1];
    }

    if (ccf->secret.len < XT_HANDOFF_SECRET_MIN) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_cluster_secret\" must be at least %d "
                           "bytes", XT_HANDOFF_SECRET_MIN);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* the current cluster snapshot, checked once per generation */
static xt_cluster_t *
ngx_xtream_cluster_get(ngx_http_request_t *r)
{
    const char        *err;
    ngx_xtream_map_t  *m;

    m = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_CLUSTER);
    if (m == NULL) {
        return NULL;
    }

    if (m->addr != ngx_xtream_cl_base
        || m->snap.hdr->generation != ngx_xtream_cl_gen)
    {
        ngx_xtream_cl_base = m->addr;
        ngx_xtream_cl_gen = m->snap.hdr->generation;
        ngx_memzero(ngx_xtream_cl_sent, sizeof(ngx_xtream_cl_sent));

        ngx_xtream_cl_ok = (xt_cluster_open(&ngx_xtream_cl, &m->snap, &err)
                            == 0);
        if (!ngx_xtream_cl_ok) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "xtream: cluster snapshot generation %uL "
                          "refused: %s", ngx_xtream_cl_gen, err);
        }
    }

    /* the mapping of this generation is held by r, so its records are */
    ngx_xtream_cl.snap = &m->snap;

    return ngx_xtream_cl_ok ? &ngx_xtream_cl : NULL;
}


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
            ngx_xtream_flood_fail(r);
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
       (and replicated here) stops the hand-off too */
    line = xt_cluster_line_by_id(lines, h.line_id);
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
       count in the zone is exact (DELIVERY.md "Many servers") */
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
