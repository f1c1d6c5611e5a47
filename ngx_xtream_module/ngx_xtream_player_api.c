/*
 * player_api.php.  Authentication does the same work for an unknown user
 * and a wrong password (a hash against a dummy record), so timing does not
 * reveal which usernames exist; both answer {"user_info":{"auth":0}}.
 * A line that is not Active gets its login object for every action (XC2).
 */

#include "xt_password.h"
#include "xt_render_epg.h"
#include "xt_render_list.h"
#include "xt_render_login.h"
#include "ngx_xtream_player_api.h"
#include "ngx_xtream_zone.h"
#include "ngx_xtream_cluster.h"


typedef enum {
    NGX_XTREAM_ACT_LOGIN = 0,
    NGX_XTREAM_ACT_LIST,            /* spliced lists, by list kind */
    NGX_XTREAM_ACT_VOD_INFO,
    NGX_XTREAM_ACT_SERIES_INFO,
    NGX_XTREAM_ACT_SHORT_EPG,
    NGX_XTREAM_ACT_EPG_TABLE
} ngx_xtream_action_e;

typedef struct {
    const char            *name;
    const char            *alias;   /* XC2 numeric alias */
    ngx_xtream_action_e    act;
    xt_list_kind_e         list;
} ngx_xtream_action_t;


/* anything not listed (get_profile, get_server_info, get_account_info,
   unknown) is answered with the login object, as XC2 and clients expect */
static ngx_xtream_action_t  ngx_xtream_actions[] = {
    { "get_live_categories", "201", NGX_XTREAM_ACT_LIST,
      XT_LIST_LIVE_CATEGORIES },
    { "get_live_streams", "202", NGX_XTREAM_ACT_LIST, XT_LIST_LIVE_STREAMS },
    { "get_vod_categories", "200", NGX_XTREAM_ACT_LIST,
      XT_LIST_VOD_CATEGORIES },
    { "get_vod_streams", "203", NGX_XTREAM_ACT_LIST, XT_LIST_VOD_STREAMS },
    { "get_series_info", "204", NGX_XTREAM_ACT_SERIES_INFO, 0 },
    { "get_short_epg", "205", NGX_XTREAM_ACT_SHORT_EPG, 0 },
    { "get_series_categories", "206", NGX_XTREAM_ACT_LIST,
      XT_LIST_SERIES_CATEGORIES },
    { "get_simple_data_table", "207", NGX_XTREAM_ACT_EPG_TABLE, 0 },
    { "get_simple_date_table", NULL, NGX_XTREAM_ACT_EPG_TABLE, 0 },
    { "get_series", "208", NGX_XTREAM_ACT_LIST, XT_LIST_SERIES },
    { "get_vod_info", "209", NGX_XTREAM_ACT_VOD_INFO, 0 },
    { NULL, NULL, NGX_XTREAM_ACT_LOGIN, 0 }
};


static ngx_xtream_action_t *
ngx_xtream_action(xt_args_t *args)
{
    ngx_xtream_action_t  *a;

    for (a = ngx_xtream_actions; a->name; a++) {
        if (!args->action.set) {
            continue;
        }

        if (ngx_strcmp(args->action.data, a->name) == 0
            || (a->alias && ngx_strcmp(args->action.data, a->alias) == 0))
        {
            return a;
        }
    }

    return a;       /* the terminator: login */
}


ngx_int_t
ngx_xtream_login(ngx_http_request_t *r, xt_snap_t *lines, xt_args_t *args,
    const xt_snap_line_t **found)
{
    int                    ok;
    const xt_snap_line_t  *line;

    static const uint8_t   dummy_salt[XT_SALT_LEN];
    static const uint8_t   dummy_hash[XT_HASH_LEN];

    if (ngx_xtream_flood_check(r) != NGX_OK) {
        return NGX_HTTP_TOO_MANY_REQUESTS;
    }

    if (!args->username.set || !args->password.set) {
        return NGX_DECLINED;
    }

    line = xt_snap_line_find(lines, args->username.data, args->username.len);

    ok = xt_password_check(line ? line->salt : dummy_salt,
                           line ? line->hash : dummy_hash,
                           args->password.data, args->password.len);

    if (line == NULL || !ok) {
        ngx_xtream_flood_fail(r, (const char *) args->username.data,
                              args->username.len);
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: authentication failed for \"%s\"",
                      args->username.data);
        return NGX_DECLINED;
    }

    ngx_xtream_flood_success(r, (const char *) args->username.data,
                             args->username.len);
    *found = line;

    return NGX_OK;
}


/* url = Host without port, port = Host's port or the local port */
ngx_int_t
ngx_xtream_server_addr(ngx_http_request_t *r, ngx_str_t *url,
    ngx_str_t *port)
{
    u_char            *p, *end, *colon;
    ngx_uint_t         n;
    ngx_connection_t  *c;

    c = r->connection;
    *url = r->headers_in.server;     /* validated and lowercased by nginx */
    port->len = 0;

    if (r->headers_in.host) {
        p = r->headers_in.host->value.data;
        end = p + r->headers_in.host->value.len;
        colon = NULL;

        for ( /* void */ ; p < end; p++) {
            if (*p == ']') {
                colon = NULL;
            } else if (*p == ':') {
                colon = p;
            }
        }

        if (colon && end - colon >= 2 && end - colon <= 6) {
            n = 0;
            for (p = colon + 1; p < end && *p >= '0' && *p <= '9'; p++) {
                n = n * 10 + (*p - '0');
            }

            if (p == end && n >= 1 && n <= 65535) {
                port->data = colon + 1;
                port->len = end - colon - 1;
            }
        }
    }

    if (url->len && port->len) {
        return NGX_OK;
    }

    if (ngx_connection_local_sockaddr(c, NULL, 0) != NGX_OK) {
        return NGX_ERROR;
    }

    if (url->len == 0) {
        url->data = ngx_pnalloc(r->pool, NGX_SOCKADDR_STRLEN);
        if (url->data == NULL) {
            return NGX_ERROR;
        }
        url->len = ngx_sock_ntop(c->local_sockaddr, c->local_socklen,
                                 url->data, NGX_SOCKADDR_STRLEN, 0);
    }

    if (port->len == 0) {
        port->data = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
        if (port->data == NULL) {
            return NGX_ERROR;
        }
        port->len = ngx_sprintf(port->data, "%ui",
                                (ngx_uint_t) ngx_inet_get_port(
                                    c->local_sockaddr))
                    - port->data;
    }

    return NGX_OK;
}


ngx_int_t
ngx_xtream_base_url(ngx_http_request_t *r, ngx_str_t *base)
{
    u_char                 *p;
    ngx_str_t               url, port;
    ngx_xtream_loc_conf_t  *xlcf;

    xlcf = ngx_http_get_module_loc_conf(r, ngx_xtream_module);

    if (xlcf->public_url.len) {
        *base = xlcf->public_url;
        return NGX_OK;
    }

    /* headers_in.server was validated by nginx (no "/", no spaces) and
       by ngx_xtream_process (a DNS name or an address literal) */
    if (ngx_xtream_server_addr(r, &url, &port) != NGX_OK
        || url.len > 255)
    {
        return NGX_ERROR;
    }

    p = ngx_pnalloc(r->pool, sizeof("https://:") - 1 + url.len + port.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    base->data = p;

#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        p = ngx_cpymem(p, "https://", 8);
    } else
#endif
    {
        p = ngx_cpymem(p, "http://", 7);
    }

    p = ngx_cpymem(p, url.data, url.len);
    *p++ = ':';
    p = ngx_cpymem(p, port.data, port.len);

    base->len = p - base->data;

    return NGX_OK;
}


ngx_int_t
ngx_xtream_login_input(ngx_http_request_t *r, xt_snap_t *lines,
    const xt_snap_line_t *line, xt_args_t *args, xt_login_t *in_)
{
    ngx_str_t                url, port;
    ngx_xtream_loc_conf_t   *xlcf;
    ngx_xtream_main_conf_t  *xmcf;

#define in  (*in_)
    xlcf = ngx_http_get_module_loc_conf(r, ngx_xtream_module);
    xmcf = ngx_http_get_module_main_conf(r, ngx_xtream_module);

    if (ngx_xtream_server_addr(r, &url, &port) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_memzero(&in, sizeof(xt_login_t));

    in.lines = lines;
    in.line = line;
    in.password.data = (const char *) args->password.data;
    in.password.len = args->password.len;
    in.active_cons = (uint32_t) ngx_xtream_active_cons(r, line->id);
    /* many servers: the viewers the main sent to nodes count too */
    in.active_cons += (uint32_t) ngx_xtream_cluster_active_cons(r, line->id);
    in.now = ngx_time();
    in.url.data = (const char *) url.data;
    in.url.len = url.len;
    in.port.data = (const char *) port.data;
    in.port.len = port.len;
    in.https_port.data = (const char *) xlcf->https_port.data;
    in.https_port.len = xlcf->https_port.len;
    in.rtmp_port.data = (const char *) xlcf->rtmp_port.data;
    in.rtmp_port.len = xlcf->rtmp_port.len;
    in.tz = xmcf->tz;
    in.process = 1;

#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        in.protocol.data = "https";
        in.protocol.len = 5;
    } else
#endif
    {
        in.protocol.data = "http";
        in.protocol.len = 4;
    }
#undef in

    return NGX_OK;
}


static ngx_int_t
ngx_xtream_send_login(ngx_http_request_t *r, xt_snap_t *lines,
    const xt_snap_line_t *line, xt_args_t *args)
{
    xt_login_t         in;
    ngx_xtream_sink_t  s;

    if (ngx_xtream_login_input(r, lines, line, args, &in) != NGX_OK
        || ngx_xtream_sink_init(&s, r->pool) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (xt_render_login(&in, ngx_xtream_sink, &s) != 0) {
        s.failed = 1;
    }

    return ngx_xtream_send_sink(r, NGX_HTTP_OK, &s);
}


ngx_int_t
ngx_xtream_send_auth_failed(ngx_http_request_t *r)
{
    ngx_xtream_sink_t  s;

    if (ngx_xtream_sink_init(&s, r->pool) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (xt_render_auth_failed(ngx_xtream_sink, &s) != 0) {
        s.failed = 1;
    }

    return ngx_xtream_send_sink(r, NGX_HTTP_OK, &s);
}


static ngx_int_t
ngx_xtream_send_catalog_list(ngx_http_request_t *r, ngx_xtream_map_t *cat,
    xt_snap_t *lines, const xt_snap_line_t *line, xt_list_kind_e kind,
    xt_args_t *args)
{
    void             *scratch;
    xt_list_chunk_t  *lc;

    lc = ngx_palloc(r->pool, sizeof(xt_list_chunk_t));
    scratch = ngx_palloc(r->pool, xt_list_scratch_size(&cat->snap));
    if (lc == NULL || scratch == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    xt_list_init(&lc->list, kind, &cat->snap, lines, line,
                 args->has_category_id ? args->category_id : 0, scratch);

    /* params[items_per_page] without a value or 0: everything */
    xt_list_page(&lc->list, args->has_offset ? args->offset : 0,
                 args->has_items_per_page ? args->items_per_page : 0);

    return ngx_xtream_send_list(r, lc);
}


/* a fragment of the snapshot as the whole JSON answer */
static ngx_int_t
ngx_xtream_send_fragment(ngx_http_request_t *r, const char *p, size_t len)
{
    ngx_int_t    rc;
    ngx_buf_t   *b;
    ngx_chain_t  out;

    if (ngx_xtream_set_json_headers(r, NGX_HTTP_OK, (off_t) len) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    /* the request holds the snapshot until its pool goes */
    b->start = b->pos = (u_char *) p;
    b->end = b->last = (u_char *) p + len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


static ngx_int_t
ngx_xtream_send_static(ngx_http_request_t *r, const char *json)
{
    return ngx_xtream_send_fragment(r, json, ngx_strlen(json));
}


/*
 * Unknown or unentitled: {"info":[]} for VOD (XC2; NPM detects "not
 * found" only so).  For series the XUI shape with an empty episodes
 * object: NPM sees info.name === null as not found and Object.keys() on
 * episodes still works; IPTVN and Hypnotix find no seasons.
 */
#define NGX_XTREAM_NO_VOD     "{\"info\":[]}"
#define NGX_XTREAM_NO_SERIES                                                 \
    "{\"seasons\":[],\"info\":{\"name\":null,\"cover\":null,"              \
    "\"plot\":null,\"cast\":null,\"director\":null,\"genre\":null,"         \
    "\"releaseDate\":null,\"last_modified\":null,\"rating\":null,"          \
    "\"rating_5based\":null,\"backdrop_path\":[],"                          \
    "\"youtube_trailer\":null,\"episode_run_time\":null,"                   \
    "\"category_id\":null,\"category_ids\":[]},\"episodes\":{}}"


static ngx_int_t
ngx_xtream_send_vod_info(ngx_http_request_t *r, ngx_xtream_map_t *cat,
    xt_snap_t *lines, const xt_snap_line_t *line, xt_args_t *args)
{
    xt_snap_str_t           j;
    const xt_snap_movie_t  *mv;

    mv = args->has_vod_id ? xt_snap_movie_find(&cat->snap, args->vod_id)
                          : NULL;

    if (mv == NULL
        || !xt_entitle_movie(&cat->snap, lines, line,
                             xt_snap_movie_idx(&cat->snap, mv)))
    {
        return ngx_xtream_send_static(r, NGX_XTREAM_NO_VOD);
    }

    j = mv->info_json;

    return ngx_xtream_send_fragment(r, xt_snap_strp(&cat->snap, j), j.len);
}


static ngx_int_t
ngx_xtream_send_series_info(ngx_http_request_t *r, ngx_xtream_map_t *cat,
    xt_snap_t *lines, const xt_snap_line_t *line, xt_args_t *args)
{
    xt_snap_str_t            j;
    const xt_snap_series_t  *se;

    se = args->has_series_id ? xt_snap_series_find(&cat->snap,
                                                   args->series_id)
                             : NULL;

    if (se == NULL
        || !xt_entitle_series(&cat->snap, lines, line,
                              xt_snap_series_idx(&cat->snap, se)))
    {
        return ngx_xtream_send_static(r, NGX_XTREAM_NO_SERIES);
    }

    j = se->info_json;

    return ngx_xtream_send_fragment(r, xt_snap_strp(&cat->snap, j), j.len);
}


#define NGX_XTREAM_EPG_SINK_MAX  (8 * 1024 * 1024)


static ngx_int_t
ngx_xtream_send_epg(ngx_http_request_t *r, ngx_xtream_map_t *cat,
    xt_snap_t *lines, const xt_snap_line_t *line, xt_args_t *args,
    int table)
{
    uint32_t                 i, j, n, *idx;
    xt_epg_req_t             req;
    ngx_xtream_map_t        *epg;
    ngx_xtream_sink_t        s;
    const xt_snap_live_t    *lv;
    ngx_xtream_main_conf_t  *xmcf;

    xmcf = ngx_http_get_module_main_conf(r, ngx_xtream_module);
    epg = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_EPG);

    idx = ngx_palloc(r->pool, XT_ARG_IDS_MAX * sizeof(uint32_t));
    if (idx == NULL || ngx_xtream_sink_init(&s, r->pool) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    s.max = NGX_XTREAM_EPG_SINK_MAX;

    /* unique ids, in the order asked */
    n = 0;
    for (i = 0; i < args->nstream_ids; i++) {
        for (j = 0; j < n; j++) {
            if (args->stream_ids[j] == args->stream_ids[i]) {
                break;
            }
        }

        if (j == n) {
            args->stream_ids[n++] = args->stream_ids[i];
        }
    }

    for (i = 0; i < n; i++) {
        lv = xt_snap_live_find(&cat->snap, args->stream_ids[i]);
        idx[i] = UINT32_MAX;

        if (lv != NULL
            && xt_entitle_live(&cat->snap, lines, line,
                               xt_snap_live_idx(&cat->snap, lv)))
        {
            idx[i] = xt_snap_live_idx(&cat->snap, lv);
        }
    }

    ngx_memzero(&req, sizeof(xt_epg_req_t));
    req.cat = &cat->snap;
    req.epg = epg ? &epg->snap : NULL;
    req.tz = xmcf->tz;
    req.now = ngx_time();
    req.table = table;
    req.limit = XT_EPG_LIMIT_DEFAULT;

    if (args->has_limit && args->limit > 0) {
        req.limit = ngx_min(args->limit, XT_EPG_LIMIT_MAX);
    }

    req.ids = args->stream_ids;
    req.live_idx = idx;
    req.n = n;
    req.multi = args->stream_id_multi;

    if (xt_render_epg(&req, ngx_xtream_sink, &s) != 0) {
        s.failed = 1;
    }

    return ngx_xtream_send_sink(r, NGX_HTTP_OK, &s);
}


ngx_int_t
ngx_xtream_player_api(ngx_http_request_t *r, xt_args_t *args)
{
    ngx_xtream_map_t      *lm, *cat;
    ngx_xtream_action_t   *a;
    const xt_snap_line_t  *line;

    lm = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_LINES);
    if (lm == NULL) {
        return ngx_xtream_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                     "lines not available yet");
    }

    switch (ngx_xtream_login(r, &lm->snap, args, &line)) {
    case NGX_OK:
        break;
    case NGX_HTTP_TOO_MANY_REQUESTS:
        return ngx_xtream_send_error(r, NGX_HTTP_TOO_MANY_REQUESTS,
                                     "too many failed logins");
    default:
        return ngx_xtream_send_auth_failed(r);
    }

    a = ngx_xtream_action(args);

    if (xt_line_status(line, ngx_time()) != XT_STATUS_ACTIVE
        || a->act == NGX_XTREAM_ACT_LOGIN)
    {
        return ngx_xtream_send_login(r, &lm->snap, line, args);
    }

    cat = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_CATALOG);
    if (cat == NULL) {
        return ngx_xtream_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                     "catalog not available yet");
    }

    switch (a->act) {

    case NGX_XTREAM_ACT_LIST:
        return ngx_xtream_send_catalog_list(r, cat, &lm->snap, line, a->list,
                                            args);

    case NGX_XTREAM_ACT_VOD_INFO:
        return ngx_xtream_send_vod_info(r, cat, &lm->snap, line, args);

    case NGX_XTREAM_ACT_SERIES_INFO:
        return ngx_xtream_send_series_info(r, cat, &lm->snap, line, args);

    case NGX_XTREAM_ACT_SHORT_EPG:
        return ngx_xtream_send_epg(r, cat, &lm->snap, line, args, 0);

    default: /* NGX_XTREAM_ACT_EPG_TABLE */
        return ngx_xtream_send_epg(r, cat, &lm->snap, line, args, 1);
    }
}
