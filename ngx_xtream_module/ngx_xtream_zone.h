/*
 * The shared zone (xtream_zone): the connection table, the failed-login
 * table and the metrics counters, shared by the player API, delivery,
 * metrics and cluster glue.  Its directives belong to ngx_xtream_module
 * (the base every other module reads), so the player API needs nothing
 * from the delivery module.
 */

#ifndef NGX_XTREAM_ZONE_H
#define NGX_XTREAM_ZONE_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "xt_access.h"
#include "xt_conns.h"
#include "xt_flood.h"
#include "xt_metrics.h"


/* seconds on nginx's monotonic clock (ngx_current_msec), for the windows
   that must not move when the wall clock is stepped (lock-out) */
#define ngx_xtream_mono_sec()     ((int64_t) (ngx_current_msec / 1000))


/* the zone's settings, part of ngx_xtream_module's main conf */
typedef struct {
    ngx_shm_zone_t          *shm_zone;
    ngx_msec_t               hls_idle;      /* xtream_hls_idle (delivery) */
    ngx_uint_t               flood_max;     /* 0: lock-out off */
    time_t                   flood_window;
    time_t                   flood_lock;
} ngx_xtream_zone_conf_t;

/* shared memory: the tables, found through shpool->data */
typedef struct {
    xt_conns_t              *conns;
    xt_flood_t              *flood;
    xt_metrics_t            *metrics;   /* xtream_metrics counters */
} ngx_xtream_shm_t;

typedef struct {
    ngx_slab_pool_t         *shpool;
    ngx_xtream_shm_t        *sh;
    ngx_xtream_zone_conf_t  *zcf;
} ngx_xtream_zone_t;


/* directives (ngx_xtream_module's table; cmd->offset: the zone conf) */
char *ngx_xtream_zone_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_xtream_login_failures(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
void ngx_xtream_zone_conf_create(ngx_xtream_zone_conf_t *zcf);
void ngx_xtream_zone_conf_init(ngx_xtream_zone_conf_t *zcf);

/* the zone of r's configuration; NULL without xtream_zone */
ngx_xtream_zone_t *ngx_xtream_zone_get(ngx_http_request_t *r);

int ngx_xtream_pid_alive(int32_t pid);
void ngx_xtream_client_addr(ngx_connection_t *c,
    uint8_t out[XT_ACCESS_ADDR_LEN]);

/* connections counted here for line_id (user_info.active_cons) */
ngx_uint_t ngx_xtream_active_cons(ngx_http_request_t *r, uint32_t line_id);

/* brute-force lock-out of the client's address: check (NGX_OK or 429),
   a failed login of user (len bytes), a good one (docs/SECURITY.md) */
ngx_int_t ngx_xtream_flood_check(ngx_http_request_t *r);
void ngx_xtream_flood_fail(ngx_http_request_t *r, const char *user,
    size_t len);
void ngx_xtream_flood_success(ngx_http_request_t *r, const char *user,
    size_t len);

#endif /* NGX_XTREAM_ZONE_H */
