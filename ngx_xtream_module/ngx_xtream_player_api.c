/*
 * player_api.php.  Authentication does the same work for an unknown user
 * and a wrong password (a hash against a dummy record), so timing does not
 * reveal which usernames exist; both answer {"user_info":{"auth":0}}.
 * A line that is not Active gets its login object for every action (XC2).
 */

#include "xt_password.h"
#include "xt_render_list.h"
#include "xt_render_login.h"
#include "ngx_xtream_player_api.h"


typedef enum {
    NGX_XTREAM_ACT_LOGIN = 0,
    NGX_XTREAM_ACT_LIVE_CATEGORIES,
    NGX_XTREAM_ACT_LIVE_STREAMS,
    NGX_XTREAM_ACT_EMPTY_LIST       /* lists of the next issue: [] */
} ngx_xtream_action_e;

typedef struct {
    const char            *name;
    const char            *alias;   /* XC2 numeric alias */
    ngx_xtream_action_e    act;
} ngx_xtream_action_t;


/* anything not listed (get_profile, get_server_info, get_account_info,
   unknown) is answered with the login object, as XC2 and clients expect */
static ngx_xtream_action_t  ngx_xtream_actions[] = {
    { "get_live_categories", "201", NGX_XTREAM_ACT_LIVE_CATEGORIES },
    { "get_live_streams", "202", NGX_XTREAM_ACT_LIVE_STREAMS },
    { "get_vod_categories", "200", NGX_XTREAM_ACT_EMPTY_LIST },
    { "get_vod_streams", "203", NGX_XTREAM_ACT_EMPTY_LIST },
    { "get_series_categories", "206", NGX_XTREAM_ACT_EMPTY_LIST },
    { "get_series", "208", NGX_XTREAM_ACT_EMPTY_LIST },
    { NULL, NULL, NGX_XTREAM_ACT_LOGIN }
};


static ngx_xtream_action_e
ngx_xtream_action(xt_args_t *args)
{
    ngx_xtream_action_t  *a;

    if (!args->action.set) {
        return NGX_XTREAM_ACT_LOGIN;
    }

    for (a = ngx_xtream_actions; a->name; a++) {
        if (ngx_strcmp(args->action.data, a->name) == 0
            || ngx_strcmp(args->action.data, a->alias) == 0)
        {
            return a->act;
        }
    }

    return NGX_XTREAM_ACT_LOGIN;
}


static const xt_snap_line_t *
ngx_xtream_authenticate(xt_snap_t *lines, xt_args_t *args)
{
    int                    ok;
    const xt_snap_line_t  *line;

    static const uint8_t   dummy_salt[XT_SALT_LEN];
    static const uint8_t   dummy_hash[XT_HASH_LEN];

    line = xt_snap_line_find(lines, args->username.data, args->username.len);

    ok = xt_password_check(line ? line->salt : dummy_salt,
                           line ? line->hash : dummy_hash,
                           args->password.data, args->password.len);

    return (line && ok) ? line : NULL;
}


/* url = Host without port, port = Host's port or the local port */
static ngx_int_t
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


static ngx_int_t
ngx_xtream_send_login(ngx_http_request_t *r, xt_snap_t *lines,
    const xt_snap_line_t *line, xt_args_t *args)
{
    ngx_str_t                url, port;
    xt_login_t               in;
    ngx_xtream_sink_t        s;
    ngx_xtream_loc_conf_t   *xlcf;
    ngx_xtream_main_conf_t  *xmcf;

    xlcf = ngx_http_get_module_loc_conf(r, ngx_xtream_module);
    xmcf = ngx_http_get_module_main_conf(r, ngx_xtream_module);

    if (ngx_xtream_server_addr(r, &url, &port) != NGX_OK
        || ngx_xtream_sink_init(&s, r->pool) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memzero(&in, sizeof(xt_login_t));

    in.lines = lines;
    in.line = line;
    in.password.data = (const char *) args->password.data;
    in.password.len = args->password.len;
    in.active_cons = 0;             /* the connection zone comes next */
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

    if (xt_render_login(&in, ngx_xtream_sink, &s) != 0) {
        s.failed = 1;
    }

    return ngx_xtream_send_sink(r, NGX_HTTP_OK, &s);
}


static ngx_int_t
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
ngx_xtream_send_live_list(ngx_http_request_t *r, xt_snap_t *lines,
    const xt_snap_line_t *line, xt_list_kind_e kind, xt_args_t *args)
{
    void              *scratch;
    xt_list_t         *l;
    ngx_xtream_map_t  *cat;

    cat = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_CATALOG);
    if (cat == NULL) {
        return ngx_xtream_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                     "catalog not available yet");
    }

    l = ngx_palloc(r->pool, sizeof(xt_list_t));
    scratch = ngx_palloc(r->pool, xt_list_scratch_size(&cat->snap));
    if (l == NULL || scratch == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    xt_list_init(l, kind, &cat->snap, lines, line,
                 args->has_category_id ? args->category_id : 0, scratch);

    return ngx_xtream_send_list(r, l);
}


static ngx_int_t
ngx_xtream_send_empty_list(ngx_http_request_t *r)
{
    ngx_xtream_sink_t  s;

    if (ngx_xtream_sink_init(&s, r->pool) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_xtream_sink(&s, "[]", 2);

    return ngx_xtream_send_sink(r, NGX_HTTP_OK, &s);
}


ngx_int_t
ngx_xtream_player_api(ngx_http_request_t *r, xt_args_t *args)
{
    ngx_xtream_map_t      *lm;
    const xt_snap_line_t  *line;

    lm = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_LINES);
    if (lm == NULL) {
        return ngx_xtream_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                     "lines not available yet");
    }

    if (!args->username.set || !args->password.set) {
        return ngx_xtream_send_auth_failed(r);
    }

    line = ngx_xtream_authenticate(&lm->snap, args);
    if (line == NULL) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: authentication failed for \"%s\"",
                      args->username.data);
        return ngx_xtream_send_auth_failed(r);
    }

    if (xt_line_status(line, ngx_time()) != XT_STATUS_ACTIVE) {
        return ngx_xtream_send_login(r, &lm->snap, line, args);
    }

    switch (ngx_xtream_action(args)) {

    case NGX_XTREAM_ACT_LIVE_CATEGORIES:
        return ngx_xtream_send_live_list(r, &lm->snap, line,
                                         XT_LIST_LIVE_CATEGORIES, args);

    case NGX_XTREAM_ACT_LIVE_STREAMS:
        return ngx_xtream_send_live_list(r, &lm->snap, line,
                                         XT_LIST_LIVE_STREAMS, args);

    case NGX_XTREAM_ACT_EMPTY_LIST:
        return ngx_xtream_send_empty_list(r);

    default:
        return ngx_xtream_send_login(r, &lm->snap, line, args);
    }
}
