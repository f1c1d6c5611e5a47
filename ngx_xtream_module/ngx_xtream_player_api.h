/*
 * player_api.php: login, account/server info and the catalog lists.
 */

#ifndef NGX_XTREAM_PLAYER_API_H
#define NGX_XTREAM_PLAYER_API_H

#include "xt_args.h"
#include "ngx_xtream_module.h"


/* an endpoint gets the parsed arguments; NGX_DONE = output continues */
typedef ngx_int_t (*ngx_xtream_endpoint_pt)(ngx_http_request_t *r,
    xt_args_t *args);

ngx_int_t ngx_xtream_player_api(ngx_http_request_t *r, xt_args_t *args);

#endif /* NGX_XTREAM_PLAYER_API_H */
