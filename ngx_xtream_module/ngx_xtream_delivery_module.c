/*
 * ngx_xtream_delivery_module: directives, the shared zone (connection and
 * failed-login tables), access-log variables and the functions the player
 * API calls (active_cons, brute-force lock-out).
 */

#include "ngx_xtream_delivery.h"


static void *ngx_xtream_delivery_create_main_conf(ngx_conf_t *cf);
static char *ngx_xtream_delivery_init_main_conf(ngx_conf_t *cf, void *conf);
static ngx_int_t ngx_xtream_delivery_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_xtream_delivery_postconfiguration(ngx_conf_t *cf);
static char *ngx_xtream_delivery(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_xtream_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_xtream_secret(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_xtream_root(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_xtream_vod_location(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_xtream_login_failures(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_xtream_delivery_init_process(ngx_cycle_t *cycle);
static void ngx_xtream_delivery_exit_process(ngx_cycle_t *cycle);


static ngx_conf_enum_t  ngx_xtream_policies[] = {
    { ngx_string("reject"), XT_POLICY_REJECT },
    { ngx_string("replace-oldest"), XT_POLICY_REPLACE_OLDEST },
    { ngx_null_string, 0 }
};


static ngx_command_t  ngx_xtream_delivery_commands[] = {

    { ngx_string("xtream_delivery"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_xtream_delivery,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("xtream_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_xtream_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("xtream_secret"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_xtream_secret,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("xtream_token_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_delivery_main_conf_t, token_ttl),
      NULL },

    { ngx_string("xtream_hls_idle"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_delivery_main_conf_t, hls_idle),
      NULL },

    { ngx_string("xtream_media_root"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_xtream_root,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_delivery_main_conf_t, media_root),
      NULL },

    { ngx_string("xtream_archive_root"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_xtream_root,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_delivery_main_conf_t, archive_root),
      NULL },

    { ngx_string("xtream_vod_root"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_xtream_root,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_delivery_main_conf_t, vod_root),
      NULL },

    { ngx_string("xtream_vod_location"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_xtream_vod_location,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("xtream_max_connections_policy"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_delivery_main_conf_t, policy),
      ngx_xtream_policies },

    { ngx_string("xtream_ts_grace"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_delivery_main_conf_t, ts_grace),
      NULL },

    { ngx_string("xtream_ts_poll"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_delivery_main_conf_t, ts_poll),
      NULL },

    { ngx_string("xtream_ondemand_wait"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_delivery_main_conf_t, ondemand_wait),
      NULL },

    { ngx_string("xtream_ondemand_stale"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_delivery_main_conf_t, ondemand_stale),
      NULL },

    { ngx_string("xtream_login_failures"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE3,
      ngx_xtream_login_failures,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("xtream_event_socket"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_delivery_main_conf_t, event_socket),
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_xtream_delivery_module_ctx = {
    ngx_xtream_delivery_preconfiguration,  /* preconfiguration */
    ngx_xtream_delivery_postconfiguration, /* postconfiguration */

    ngx_xtream_delivery_create_main_conf,  /* create main configuration */
    ngx_xtream_delivery_init_main_conf,    /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    NULL,                                  /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_xtream_delivery_module = {
    NGX_MODULE_V1,
    &ngx_xtream_delivery_module_ctx,       /* module context */
    ngx_xtream_delivery_commands,          /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_xtream_delivery_init_process,      /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_xtream_delivery_exit_process,      /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


/* ------------------------------------------------------------------ */
/* configuration */

static void *
ngx_xtream_delivery_create_main_conf(ngx_conf_t *cf)
{
    ngx_xtream_delivery_main_conf_t  *dmcf;

    dmcf = ngx_pcalloc(cf->pool, sizeof(ngx_xtream_delivery_main_conf_t));
    if (dmcf == NULL) {
        return NULL;
    }

    dmcf->token_ttl = NGX_CONF_UNSET;
    dmcf->hls_idle = NGX_CONF_UNSET_MSEC;
    dmcf->policy = NGX_CONF_UNSET_UINT;
    dmcf->ts_grace = NGX_CONF_UNSET_MSEC;
    dmcf->ts_poll = NGX_CONF_UNSET_MSEC;
    dmcf->ondemand_wait = NGX_CONF_UNSET_MSEC;
    dmcf->ondemand_stale = NGX_CONF_UNSET;
    dmcf->flood_max = NGX_CONF_UNSET_UINT;

    return dmcf;
}


static void
ngx_xtream_token_key_cleanup(void *data)
{
    xt_token_key_free(data);
}


static char *
ngx_xtream_delivery_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_xtream_delivery_main_conf_t *dmcf = conf;

    ngx_pool_cleanup_t  *cln;

    ngx_conf_init_value(dmcf->token_ttl, 60);
    ngx_conf_init_msec_value(dmcf->hls_idle, 30000);
    ngx_conf_init_uint_value(dmcf->policy, XT_POLICY_REPLACE_OLDEST);
    ngx_conf_init_msec_value(dmcf->ts_grace, 10000);
    ngx_conf_init_msec_value(dmcf->ts_poll, 250);
    ngx_conf_init_msec_value(dmcf->ondemand_wait, 10000);
    ngx_conf_init_value(dmcf->ondemand_stale, 30);

    if (dmcf->flood_max == NGX_CONF_UNSET_UINT) {
        dmcf->flood_max = 0;            /* off */
        dmcf->flood_window = 60;
        dmcf->flood_lock = 300;
    }

    if (dmcf->token_ttl < 1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_token_ttl\" must be at least 1s");
        return NGX_CONF_ERROR;
    }

    if (dmcf->ts_poll < 10 || dmcf->ts_poll > 5000) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_ts_poll\" must be 10ms..5s");
        return NGX_CONF_ERROR;
    }

    if (dmcf->secret.len) {
        /* HMAC keyed once per cycle (inherited by the workers), not per
           token: see xt_token.h */
        cln = ngx_pool_cleanup_add(cf->pool, 0);
        if (cln == NULL) {
            return NGX_CONF_ERROR;
        }

        dmcf->token_key = xt_token_key_new(dmcf->secret.data,
                                           dmcf->secret.len);
        if (dmcf->token_key == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "xtream: HMAC-SHA256 is not available");
            return NGX_CONF_ERROR;
        }

        cln->handler = ngx_xtream_token_key_cleanup;
        cln->data = dmcf->token_key;
    }

    return NGX_CONF_OK;
}


static char *
ngx_xtream_delivery(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_xtream_delivery_main_conf_t *dmcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    if (clcf->handler) {
        return "is duplicate";
    }

    clcf->handler = ngx_xtream_delivery_handler;
    dmcf->used = 1;

    return NGX_CONF_OK;
}


/* "TEXT" or "file:PATH" (at most 4096 bytes, a trailing line end not
   part of it): the secret directives of delivery and cluster share this */
ngx_int_t
ngx_xtream_conf_secret(ngx_conf_t *cf, ngx_str_t *arg, ngx_str_t *secret)
{
    size_t            len;
    ssize_t           n;
    ngx_str_t         path;
    ngx_file_t        file;
    ngx_file_info_t   fi;

    if (arg->len <= 5 || ngx_strncmp(arg->data, "file:", 5) != 0) {
        *secret = *arg;
        return NGX_OK;
    }

    path.data = arg->data + 5;
    path.len = arg->len - 5;

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name = path;
    file.log = cf->log;
    file.fd = ngx_open_file(path.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%s\" failed", path.data);
        return NGX_ERROR;
    }

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR
        || ngx_file_size(&fi) > 4096)
    {
        ngx_close_file(file.fd);
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "secret file \"%s\" is unreadable or larger"
                           " than 4096 bytes", path.data);
        return NGX_ERROR;
    }

    len = (size_t) ngx_file_size(&fi);
    secret->data = ngx_pnalloc(cf->pool, len + 1);
    if (secret->data == NULL) {
        ngx_close_file(file.fd);
        return NGX_ERROR;
    }

    n = ngx_read_file(&file, secret->data, len, 0);
    ngx_close_file(file.fd);

    if (n != (ssize_t) len) {
        return NGX_ERROR;
    }

    /* a trailing line end is not part of the secret */
    while (len && (secret->data[len - 1] == '\n'
                   || secret->data[len - 1] == '\r'))
    {
        len--;
    }

    secret->len = len;

    return NGX_OK;
}


static char *
ngx_xtream_secret(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_xtream_delivery_main_conf_t *dmcf = conf;

    ngx_str_t  *value;

    if (dmcf->secret.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_xtream_conf_secret(cf, &value[1], &dmcf->secret) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (dmcf->secret.len < XT_SECRET_MIN_LEN) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_secret\" must be at least %d bytes",
                           XT_SECRET_MIN_LEN);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_xtream_root(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    ngx_str_t  *field, *value;

    field = (ngx_str_t *) (p + cmd->offset);
    if (field->data) {
        return "is duplicate";
    }

    value = cf->args->elts;
    *field = value[1];

    if (ngx_conf_full_name(cf->cycle, field, 0) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    while (field->len > 1 && field->data[field->len - 1] == '/') {
        field->len--;
    }

    return NGX_CONF_OK;
}


static char *
ngx_xtream_vod_location(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_xtream_delivery_main_conf_t *dmcf = conf;

    ngx_str_t  *value;

    if (dmcf->vod_location.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len < 3 || value[1].data[0] != '/'
        || value[1].data[value[1].len - 1] != '/')
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_vod_location\" must look like "
                           "\"/_xtream_vod/\"");
        return NGX_CONF_ERROR;
    }

    dmcf->vod_location = value[1];

    return NGX_CONF_OK;
}


static char *
ngx_xtream_login_failures(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_xtream_delivery_main_conf_t *dmcf = conf;

    ngx_int_t   n;
    time_t      w, l;
    ngx_str_t  *value;

    if (dmcf->flood_max != NGX_CONF_UNSET_UINT) {
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

    dmcf->flood_max = (ngx_uint_t) n;
    dmcf->flood_window = w;
    dmcf->flood_lock = l;

    return NGX_CONF_OK;
}


/* ------------------------------------------------------------------ */
/* shared zone */

static ngx_int_t
ngx_xtream_zone_init(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_xtream_zone_t *ozone = data;
    ngx_xtream_zone_t *zone = shm_zone->data;

    size_t                            size, fsize, csize;
    uint32_t                          nslots, cap;
    ngx_slab_pool_t                  *shpool;
    ngx_xtream_shm_t                 *sh;
    ngx_xtream_delivery_main_conf_t  *dmcf;

    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;
    zone->shpool = shpool;

    dmcf = zone->dmcf;

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
    if (dmcf) {
        ngx_shmtx_lock(&shpool->mutex);
        zone->sh->conns->hls_idle_ms = (int64_t) dmcf->hls_idle;
        zone->sh->flood->max_failures = (uint32_t) dmcf->flood_max;
        zone->sh->flood->window = dmcf->flood_window;
        zone->sh->flood->lock_time = dmcf->flood_lock;
        ngx_shmtx_unlock(&shpool->mutex);
    }

    return NGX_OK;
}


static char *
ngx_xtream_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_xtream_delivery_main_conf_t *dmcf = conf;

    ssize_t             size;
    ngx_str_t          *value;
    ngx_xtream_zone_t  *zone;

    if (dmcf->shm_zone) {
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

    dmcf->shm_zone = ngx_shared_memory_add(cf, &value[1], (size_t) size,
                                           &ngx_xtream_delivery_module);
    if (dmcf->shm_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (dmcf->shm_zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "xtream zone \"%V\" is already defined",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    zone->dmcf = dmcf;
    dmcf->shm_zone->init = ngx_xtream_zone_init;
    dmcf->shm_zone->data = zone;

    return NGX_CONF_OK;
}


ngx_xtream_zone_t *
ngx_xtream_delivery_zone(ngx_xtream_delivery_main_conf_t *dmcf)
{
    ngx_xtream_zone_t  *zone;

    if (dmcf == NULL || dmcf->shm_zone == NULL) {
        return NULL;
    }

    zone = dmcf->shm_zone->data;

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


/* ------------------------------------------------------------------ */
/* exported to the player API */

ngx_uint_t
ngx_xtream_active_cons(ngx_http_request_t *r, uint32_t line_id)
{
    uint32_t                          n;
    ngx_xtream_zone_t                *zone;
    ngx_xtream_delivery_main_conf_t  *dmcf;

    dmcf = ngx_http_get_module_main_conf(r, ngx_xtream_delivery_module);
    zone = ngx_xtream_delivery_zone(dmcf);
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
 * The zone when lock-out is on (NULL when off), with the client's address
 * in the table's form.
 */
static ngx_xtream_zone_t *
ngx_xtream_flood_zone(ngx_http_request_t *r, uint8_t *addr,
    ngx_xtream_delivery_main_conf_t **dmcfp)
{
    ngx_xtream_zone_t                *zone;
    ngx_xtream_delivery_main_conf_t  *dmcf;

    dmcf = ngx_http_get_module_main_conf(r, ngx_xtream_delivery_module);
    zone = ngx_xtream_delivery_zone(dmcf);
    if (zone == NULL || dmcf->flood_max == 0) {
        return NULL;
    }

    ngx_xtream_client_addr(r->connection, addr);
    *dmcfp = dmcf;

    return zone;
}


ngx_int_t
ngx_xtream_flood_check(ngx_http_request_t *r)
{
    int64_t                           left;
    uint8_t                           addr[XT_ACCESS_ADDR_LEN];
    ngx_xtream_zone_t                *zone;
    ngx_xtream_delivery_main_conf_t  *dmcf;

    zone = ngx_xtream_flood_zone(r, addr, &dmcf);
    if (zone == NULL) {
        return NGX_OK;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);
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
    ngx_xtream_delivery_main_conf_t  *dmcf;

    zone = ngx_xtream_flood_zone(r, addr, &dmcf);
    if (zone == NULL) {
        return;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);
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
                      "%L s", dmcf->flood_max, lock);
    }
}


void
ngx_xtream_flood_success(ngx_http_request_t *r, const char *user, size_t len)
{
    uint8_t                           addr[XT_ACCESS_ADDR_LEN];
    ngx_xtream_zone_t                *zone;
    ngx_xtream_delivery_main_conf_t  *dmcf;

    zone = ngx_xtream_flood_zone(r, addr, &dmcf);
    if (zone == NULL) {
        return;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);
    xt_flood_success(zone->sh->flood, addr, user, len);
    ngx_shmtx_unlock(&zone->shpool->mutex);
}


/* ------------------------------------------------------------------ */
/* per-request state, owned by a pool cleanup */

static void
ngx_xtream_dreq_cleanup(void *data)
{
    ngx_xtream_dreq_t *d = data;

    ngx_xtream_zone_t  *zone;

    if (d->wait.timer_set) {
        ngx_del_timer(&d->wait);
    }

    if (d->vod_listed) {
        ngx_xtream_vod_forget(d);
    }

    if (d->file.fd != NGX_INVALID_FILE) {
        (void) ngx_close_file(d->file.fd);
        d->file.fd = NGX_INVALID_FILE;
    }

    if (d->counted) {
        d->counted = 0;
        zone = ngx_xtream_delivery_zone(d->dmcf);

        if (zone) {
            ngx_shmtx_lock(&zone->shpool->mutex);
            xt_conns_release(zone->sh->conns, d->slot, d->key);
            ngx_shmtx_unlock(&zone->shpool->mutex);
        }

        /* a connection still waiting for an on-demand start never sent
           its open */
        if (!d->od_waiting) {
            ngx_xtream_event(d, "close");
        }
    }
}


ngx_xtream_dreq_t *
ngx_xtream_dreq(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t  *cln;

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_xtream_dreq_cleanup) {
            return cln->data;
        }
    }

    return NULL;
}


ngx_xtream_dreq_t *
ngx_xtream_dreq_create(ngx_http_request_t *r)
{
    ngx_xtream_dreq_t   *d;
    ngx_pool_cleanup_t  *cln;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_xtream_dreq_t));
    if (cln == NULL) {
        return NULL;
    }

    d = cln->data;
    ngx_memzero(d, sizeof(ngx_xtream_dreq_t));

    d->r = r;
    d->dmcf = ngx_http_get_module_main_conf(r, ngx_xtream_delivery_module);
    d->file.fd = NGX_INVALID_FILE;
    d->start = ngx_time();

    cln->handler = ngx_xtream_dreq_cleanup;

    return d;
}


/* ------------------------------------------------------------------ */
/* variables */

typedef enum {
    NGX_XTREAM_VAR_LINE = 0,
    NGX_XTREAM_VAR_LINE_ID,
    NGX_XTREAM_VAR_STREAM,
    NGX_XTREAM_VAR_KIND,
    NGX_XTREAM_VAR_SESSION
} ngx_xtream_var_e;


static ngx_int_t
ngx_xtream_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    u_char             *p;
    const char         *s;
    ngx_xtream_dreq_t  *d;

    d = ngx_xtream_dreq(r);
    if (d == NULL || d->kind == NGX_XTREAM_KIND_NONE) {
        v->not_found = 1;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, NGX_INT64_LEN + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v->data = p;

    switch ((ngx_xtream_var_e) data) {

    case NGX_XTREAM_VAR_LINE:
        if (d->username.len == 0) {
            v->not_found = 1;
            return NGX_OK;
        }
        v->data = d->username.data;
        v->len = d->username.len;
        break;

    case NGX_XTREAM_VAR_LINE_ID:
        v->len = ngx_sprintf(p, "%uD", d->line_id) - p;
        break;

    case NGX_XTREAM_VAR_STREAM:
        v->len = ngx_sprintf(p, "%uD", d->stream_id) - p;
        break;

    case NGX_XTREAM_VAR_KIND:
        s = ngx_xtream_kind_name(d->kind);
        v->data = (u_char *) s;
        v->len = ngx_strlen(s);
        break;

    case NGX_XTREAM_VAR_SESSION:
        if (d->session == 0) {
            v->not_found = 1;
            return NGX_OK;
        }
        v->len = ngx_sprintf(p, "%016uxL", d->session) - p;
        break;

    default:
        v->not_found = 1;
        return NGX_OK;
    }

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


static ngx_http_variable_t  ngx_xtream_vars[] = {
    { ngx_string("xtream_line"), NULL, ngx_xtream_variable,
      NGX_XTREAM_VAR_LINE, NGX_HTTP_VAR_NOCACHEABLE, 0 },
    { ngx_string("xtream_line_id"), NULL, ngx_xtream_variable,
      NGX_XTREAM_VAR_LINE_ID, NGX_HTTP_VAR_NOCACHEABLE, 0 },
    { ngx_string("xtream_stream"), NULL, ngx_xtream_variable,
      NGX_XTREAM_VAR_STREAM, NGX_HTTP_VAR_NOCACHEABLE, 0 },
    { ngx_string("xtream_kind"), NULL, ngx_xtream_variable,
      NGX_XTREAM_VAR_KIND, NGX_HTTP_VAR_NOCACHEABLE, 0 },
    { ngx_string("xtream_session"), NULL, ngx_xtream_variable,
      NGX_XTREAM_VAR_SESSION, NGX_HTTP_VAR_NOCACHEABLE, 0 },
    ngx_http_null_variable
};


static ngx_int_t
ngx_xtream_delivery_preconfiguration(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_xtream_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_xtream_delivery_postconfiguration(ngx_conf_t *cf)
{
    ngx_xtream_main_conf_t           *xmcf;
    ngx_xtream_delivery_main_conf_t  *dmcf;

    dmcf = ngx_http_conf_get_module_main_conf(cf, ngx_xtream_delivery_module);
    xmcf = ngx_http_conf_get_module_main_conf(cf, ngx_xtream_module);

    if (!dmcf->used) {
        return NGX_OK;
    }

    if (xmcf->snapshot_dir.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_delivery\" requires "
                           "\"xtream_snapshot_dir\"");
        return NGX_ERROR;
    }

    if (dmcf->secret.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_delivery\" requires \"xtream_secret\"");
        return NGX_ERROR;
    }

    if (dmcf->shm_zone == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_delivery\" requires \"xtream_zone\"");
        return NGX_ERROR;
    }

    if (dmcf->media_root.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_delivery\" requires "
                           "\"xtream_media_root\"");
        return NGX_ERROR;
    }

    if (dmcf->vod_root.len && dmcf->vod_location.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_vod_root\" requires "
                           "\"xtream_vod_location\"");
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_xtream_delivery_init_process(ngx_cycle_t *cycle)
{
    ngx_xtream_delivery_main_conf_t  *dmcf;

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    dmcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_xtream_delivery_module);
    if (dmcf == NULL || dmcf->event_socket.len == 0) {
        return NGX_OK;
    }

    return ngx_xtream_events_init_process(cycle, dmcf);
}


static void
ngx_xtream_delivery_exit_process(ngx_cycle_t *cycle)
{
    ngx_xtream_events_exit_process();
}
