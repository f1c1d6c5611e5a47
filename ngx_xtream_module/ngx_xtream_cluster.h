/*
 * ngx_xtream_cluster_module (issue 11): the two hooks the delivery
 * handler calls.  See ngx_xtream_cluster_module.c and docs/DELIVERY.md
 * "Many servers".
 */

#ifndef NGX_XTREAM_CLUSTER_H
#define NGX_XTREAM_CLUSTER_H

#include "ngx_xtream_module.h"
#include "xt_cluster.h"
#include "xt_handoff.h"
#include "xt_route.h"


/* a delivery request (ngx_xtream_delivery.h); the player API includes
   this header too and needs nothing else of delivery */
struct ngx_xtream_dreq_s;


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


extern ngx_module_t  ngx_xtream_cluster_module;

/* per worker: viewers sent to each server record of the current cluster
   snapshot (reset with every generation) */
extern uint32_t      ngx_xtream_cl_sent[XT_CLUSTER_MAX_SERVERS];

/* the current cluster snapshot, checked once per generation and held by
   r; NULL when there is none (or it was refused) */
xt_cluster_t *ngx_xtream_cluster_get(ngx_http_request_t *r);

/* main: after every check passed, a 302 to a node (the request is then
   answered), or NGX_DECLINED to serve it here */
ngx_int_t ngx_xtream_cluster_redirect(ngx_http_request_t *r,
    struct ngx_xtream_dreq_s *d, const xt_route_t *rt);

/* main: the line's connections on the other servers (0 elsewhere), for
   user_info.active_cons */
ngx_uint_t ngx_xtream_cluster_active_cons(ngx_http_request_t *r,
    uint32_t line_id);

/* node: a hand-off URL is answered; NGX_DECLINED for any other URL */
ngx_int_t ngx_xtream_cluster_handoff(ngx_http_request_t *r);

#endif /* NGX_XTREAM_CLUSTER_H */
