/*
 * player_api.php: login, account/server info and the catalog lists.
 */

#ifndef NGX_XTREAM_PLAYER_API_H
#define NGX_XTREAM_PLAYER_API_H

#include "xt_args.h"
#include "xt_render_login.h"
#include "ngx_xtream_module.h"


/* an endpoint gets the parsed arguments; NGX_DONE = output continues */
typedef ngx_int_t (*ngx_xtream_endpoint_pt)(ngx_http_request_t *r,
    xt_args_t *args);

ngx_int_t ngx_xtream_player_api(ngx_http_request_t *r, xt_args_t *args);
ngx_int_t ngx_xtream_get_php(ngx_http_request_t *r, xt_args_t *args);
ngx_int_t ngx_xtream_xmltv_php(ngx_http_request_t *r, xt_args_t *args);
ngx_int_t ngx_xtream_panel_api(ngx_http_request_t *r, xt_args_t *args);

/* shared by the endpoints (ngx_xtream_player_api.c) */

/*
 * The login of every endpoint that takes a password (player_api, get.php,
 * xmltv.php, panel_api), under the brute-force lock-out (docs/SECURITY.md
 * "Login lock-out"): NGX_HTTP_TOO_MANY_REQUESTS when the client's address
 * is locked out (the password is not even looked at); NGX_DECLINED when
 * username or password are missing, or wrong (then counted; an unknown user
 * costs the same work as a wrong password); NGX_OK with *line.
 */
ngx_int_t ngx_xtream_login(ngx_http_request_t *r, xt_snap_t *lines,
    xt_args_t *args, const xt_snap_line_t **line);
ngx_int_t ngx_xtream_server_addr(ngx_http_request_t *r, ngx_str_t *url,
    ngx_str_t *port);
ngx_int_t ngx_xtream_login_input(ngx_http_request_t *r, xt_snap_t *lines,
    const xt_snap_line_t *line, xt_args_t *args, xt_login_t *in);
ngx_int_t ngx_xtream_send_auth_failed(ngx_http_request_t *r);
/* "scheme://host[:port]" for URLs given to players */
ngx_int_t ngx_xtream_base_url(ngx_http_request_t *r, ngx_str_t *base);
/* status with an empty body (get.php, xmltv.php failures) */
ngx_int_t ngx_xtream_send_empty(ngx_http_request_t *r, ngx_uint_t status);

#endif /* NGX_XTREAM_PLAYER_API_H */
