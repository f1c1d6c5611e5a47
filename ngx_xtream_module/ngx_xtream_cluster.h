/*
 * ngx_xtream_cluster_module (issue 11): the two hooks the delivery
 * handler calls.  See ngx_xtream_cluster_module.c and DELIVERY.md
 * "Many servers".
 */

#ifndef NGX_XTREAM_CLUSTER_H
#define NGX_XTREAM_CLUSTER_H

#include "ngx_xtream_delivery.h"


extern ngx_module_t  ngx_xtream_cluster_module;

/* main: after every check passed, a 302 to a node (the request is then
   answered), or NGX_DECLINED to serve it here */
ngx_int_t ngx_xtream_cluster_redirect(ngx_http_request_t *r,
    ngx_xtream_dreq_t *d, const xt_route_t *rt);

/* node: a hand-off URL is answered; NGX_DECLINED for any other URL */
ngx_int_t ngx_xtream_cluster_handoff(ngx_http_request_t *r);

#endif /* NGX_XTREAM_CLUSTER_H */
