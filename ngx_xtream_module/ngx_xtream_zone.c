/*
 * The shared zone (ngx_xtream_zone.h): its directives, its set-up (kept
 * across reloads when name and size stay), the connection count the
 * player API reports and the brute-force lock-out of addresses.
 */

#include "ngx_xtream_module.h"


void
ngx_xtream_zone_conf_create(ngx_xtream_zone_conf_t *zcf)
{
    zcf->hls_idle = NGX_CONF_UNSET_MSEC;
    zcf->flood_max = NGX_CONF_UNSET_UINT;
}


void
ngx_xtream_zone_conf_init(ngx_xtream_zone_conf_t *zcf)
{
    /* the delivery module puts its xtream_hls_idle here */
    ngx_conf_init_msec_value(zcf->hls_idle, 30000);

    if (zcf->flood_max == NGX_CONF_UNSET_UINT) {
        zcf->flood_max = 0;             /* off */
        zcf->flood_window = 60;
        zcf->flood_lock = 300;
    }
}


static ngx_int_t
ngx_xtream_zone_init(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_xtream_zone_t *ozone = data;
    ngx_xtream_zone_t *zone = shm_zone->data;

    size_t                            size, fsize, csize;
    uint32_t                          nslots, cap;
    ngx_slab_pool_t                  *shpool;
    ngx_xtream_shm_t                 *sh;
    ngx_xtream_zone_conf_t           *zcf;

    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;
    zone->shpool = shpool;

    zcf = zone->zcf;

    if (ozone) {
        zone->sh = ozone->sh;
        goto update;
    }

    if (shm_zone->shm.exists) {
        zone->sh = shpool->data;
        goto update;
    }

    size = shm_zone->shm.size;

    sh = ngx_slab_alloc(shpool, sizeof(ngx_xtream_shm_t));
    if (sh == NULL) {
        return NGX_ERROR;
    }

    /* an eighth for failed logins, most of the rest for connections */
    for (nslots = 1; xt_flood_size(nslots * 2) <= size / 8; nslots *= 2) {
        /* void */
    }

    fsize = xt_flood_size(nslots);
    sh->flood = ngx_slab_alloc(shpool, fsize);
    if (sh->flood == NULL) {
        return NGX_ERROR;
    }
    xt_flood_init(sh->flood, nslots, 0, 60, 300);

    cap = (uint32_t) ((size / 2) / (sizeof(xt_conn_t) + 2 * sizeof(uint32_t)));

    for ( ;; ) {
        if (cap < 16) {
            return NGX_ERROR;
        }

        csize = xt_conns_size(cap);
        sh->conns = ngx_slab_alloc(shpool, csize);
        if (sh->conns) {
            break;
        }

        cap /= 2;
    }

    xt_conns_init(sh->conns, cap, 30000);

    shpool->data = sh;
    zone->sh = sh;

    shpool->log_ctx = ngx_slab_alloc(shpool,
                                     sizeof(" in xtream zone \"\"")
                                     + shm_zone->shm.name.len);
    if (shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(shpool->log_ctx, " in xtream zone \"%V\"%Z",
                &shm_zone->shm.name);

    ngx_log_error(NGX_LOG_NOTICE, shm_zone->shm.log, 0,
                  "xtream zone \"%V\": %uD connections, %uD addresses",
                  &shm_zone->shm.name, cap, nslots);

update:

    /* metrics counters (ngx_xtream_metrics_module.c): made with the zone,
       kept across reloads */
    ngx_shmtx_lock(&shpool->mutex);
    if (zone->sh->metrics == NULL) {
        zone->sh->metrics = ngx_slab_alloc_locked(shpool,
                                                  sizeof(xt_metrics_t));
        if (zone->sh->metrics) {
            xt_metrics_init(zone->sh->metrics, (int64_t) ngx_time());
        }

    } else {
        xt_metrics_add(&zone->sh->metrics->reloads, 1);
    }
    ngx_shmtx_unlock(&shpool->mutex);

    /* settings of this configuration (a reload may change them) */
    ngx_shmtx_lock(&shpool->mutex);
    zone->sh->conns->hls_idle_ms = (int64_t) zcf->hls_idle;
    zone->sh->flood->max_failures = (uint32_t) zcf->flood_max;
    zone->sh->flood->window = zcf->flood_window;
    zone->sh->flood->lock_time = zcf->flood_lock;
    ngx_shmtx_unlock(&shpool->mutex);

    return NGX_OK;
}


char *
ngx_xtream_zone_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_xtream_zone_conf_t *zcf = (ngx_xtream_zone_conf_t *)
                                  ((u_char *) conf + cmd->offset);

    ssize_t             size;
    ngx_str_t          *value;
    ngx_xtream_zone_t  *zone;

    if (zcf->shm_zone) {
        return "is duplicate";
    }

    value = cf->args->elts;

    size = ngx_parse_size(&value[2]);
    if (size == NGX_ERROR || size < (ssize_t) (128 * 1024)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid \"xtream_zone\" size \"%V\" "
                           "(at least 128k)", &value[2]);
        return NGX_CONF_ERROR;
    }

    zone = ngx_pcalloc(cf->pool, sizeof(ngx_xtream_zone_t));
    if (zone == NULL) {
        return NGX_CONF_ERROR;
    }

    zcf->shm_zone = ngx_shared_memory_add(cf, &value[1], (size_t) size,
                                           &ngx_xtream_module);
    if (zcf->shm_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (zcf->shm_zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "xtream zone \"%V\" is already defined",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    zone->zcf = zcf;
    zcf->shm_zone->init = ngx_xtream_zone_init;
    zcf->shm_zone->data = zone;

    return NGX_CONF_OK;
}


ngx_xtream_zone_t *
ngx_xtream_zone_get(ngx_http_request_t *r)
{
    ngx_xtream_zone_t       *zone;
    ngx_xtream_main_conf_t  *xmcf;

    xmcf = ngx_http_get_module_main_conf(r, ngx_xtream_module);
    if (xmcf == NULL || xmcf->zone.shm_zone == NULL) {
        return NULL;
    }

    zone = xmcf->zone.shm_zone->data;

    return (zone && zone->sh) ? zone : NULL;
}


int
ngx_xtream_pid_alive(int32_t pid)
{
    if (pid <= 0) {
        return 1;
    }

    return kill((pid_t) pid, 0) == 0 || ngx_errno == NGX_EPERM;
}


void
ngx_xtream_client_addr(ngx_connection_t *c, uint8_t out[XT_ACCESS_ADDR_LEN])
{
    struct sockaddr_in   *sin;
#if (NGX_HAVE_INET6)
    struct sockaddr_in6  *sin6;
#endif

    switch (c->sockaddr->sa_family) {

    case AF_INET:
        sin = (struct sockaddr_in *) c->sockaddr;
        xt_access_addr_v4(out, (const uint8_t *) &sin->sin_addr.s_addr);
        break;

#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) c->sockaddr;
        xt_access_addr_v6(out, sin6->sin6_addr.s6_addr);
        break;
#endif

    default:
        ngx_memzero(out, XT_ACCESS_ADDR_LEN);
        break;
    }
}


ngx_uint_t
ngx_xtream_active_cons(ngx_http_request_t *r, uint32_t line_id)
{
    uint32_t            n;
    ngx_xtream_zone_t  *zone;

    zone = ngx_xtream_zone_get(r);
    if (zone == NULL) {
        return 0;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);
    n = xt_conns_count(zone->sh->conns, line_id, (int64_t) ngx_current_msec,
                       ngx_xtream_pid_alive);
    ngx_shmtx_unlock(&zone->shpool->mutex);

    return n;
}


/*
 * The zone, locked, when lock-out is on (NULL when off), with the client's
 * address in the table's form; the caller unlocks.
 */
static ngx_xtream_zone_t *
ngx_xtream_flood_lock(ngx_http_request_t *r, uint8_t *addr)
{
    ngx_xtream_zone_t  *zone;

    zone = ngx_xtream_zone_get(r);
    if (zone == NULL || zone->zcf->flood_max == 0) {
        return NULL;
    }

    ngx_xtream_client_addr(r->connection, addr);
    ngx_shmtx_lock(&zone->shpool->mutex);

    return zone;
}


ngx_int_t
ngx_xtream_flood_check(ngx_http_request_t *r)
{
    int64_t                           left;
    uint8_t                           addr[XT_ACCESS_ADDR_LEN];
    ngx_xtream_zone_t                *zone;

    zone = ngx_xtream_flood_lock(r, addr);
    if (zone == NULL) {
        return NGX_OK;
    }

    left = xt_flood_locked(zone->sh->flood, addr, ngx_xtream_mono_sec());
    ngx_shmtx_unlock(&zone->shpool->mutex);

    if (left > 0) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: address locked out for %L s after failed "
                      "logins", left);
        return NGX_HTTP_TOO_MANY_REQUESTS;
    }

    return NGX_OK;
}


void
ngx_xtream_flood_fail(ngx_http_request_t *r, const char *user, size_t len)
{
    int64_t                           lock;
    uint8_t                           addr[XT_ACCESS_ADDR_LEN];
    ngx_xtream_zone_t                *zone;

    zone = ngx_xtream_flood_lock(r, addr);
    if (zone == NULL) {
        return;
    }

    lock = xt_flood_fail(zone->sh->flood, addr, user, len,
                         ngx_xtream_mono_sec());
    ngx_shmtx_unlock(&zone->shpool->mutex);

    if (zone->sh->metrics) {
        xt_metrics_add(&zone->sh->metrics->login_failures, 1);
        xt_metrics_add(&zone->sh->metrics->lockouts, lock ? 1 : 0);
    }

    if (lock) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "xtream: %ui failed logins, address locked out for "
                      "%L s", zone->zcf->flood_max, lock);
    }
}


void
ngx_xtream_flood_success(ngx_http_request_t *r, const char *user, size_t len)
{
    uint8_t                           addr[XT_ACCESS_ADDR_LEN];
    ngx_xtream_zone_t                *zone;

    zone = ngx_xtream_flood_lock(r, addr);
    if (zone == NULL) {
        return;
    }

    xt_flood_success(zone->sh->flood, addr, user, len);
    ngx_shmtx_unlock(&zone->shpool->mutex);
}


char *
ngx_xtream_login_failures(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_xtream_zone_conf_t *zcf = (ngx_xtream_zone_conf_t *)
                                  ((u_char *) conf + cmd->offset);

    ngx_int_t   n;
    time_t      w, l;
    ngx_str_t  *value;

    if (zcf->flood_max != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    n = ngx_atoi(value[1].data, value[1].len);
    w = ngx_parse_time(&value[2], 1);
    l = ngx_parse_time(&value[3], 1);

    if (n == NGX_ERROR || n > 1000000 || w == (time_t) NGX_ERROR || w < 1
        || l == (time_t) NGX_ERROR || l < 1)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid \"xtream_login_failures\": "
                           "want N WINDOW LOCK, e.g. 10 60s 5m");
        return NGX_CONF_ERROR;
    }

    zcf->flood_max = (ngx_uint_t) n;
    zcf->flood_window = w;
    zcf->flood_lock = l;

    return NGX_CONF_OK;
}
