/*
 * ngx_xtream_delivery_module: directives, per-request state and access-log
 * variables.  The shared zone it counts connections in is
 * ngx_xtream_zone.c's.
 */

#include "ngx_xtream_delivery.h"


static void *ngx_xtream_delivery_create_main_conf(ngx_conf_t *cf);
static char *ngx_xtream_delivery_init_main_conf(ngx_conf_t *cf, void *conf);
static ngx_int_t ngx_xtream_delivery_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_xtream_delivery_postconfiguration(ngx_conf_t *cf);
static char *ngx_xtream_delivery(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_xtream_secret(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_xtream_root(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_xtream_vod_location(ngx_conf_t *cf, ngx_command_t *cmd,
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

    ngx_pool_cleanup_t      *cln;
    ngx_xtream_main_conf_t  *xmcf;

    ngx_conf_init_value(dmcf->token_ttl, 60);
    ngx_conf_init_msec_value(dmcf->hls_idle, 30000);
    ngx_conf_init_uint_value(dmcf->policy, XT_POLICY_REPLACE_OLDEST);
    ngx_conf_init_msec_value(dmcf->ts_grace, 10000);
    ngx_conf_init_msec_value(dmcf->ts_poll, 250);
    ngx_conf_init_msec_value(dmcf->ondemand_wait, 10000);
    ngx_conf_init_value(dmcf->ondemand_stale, 30);

    /* idle HLS sessions end in the zone's connection table */
    xmcf = ngx_http_conf_get_module_main_conf(cf, ngx_xtream_module);
    xmcf->zone.hls_idle = dmcf->hls_idle;

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
        zone = ngx_xtream_zone_get(d->r);

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

    if (xmcf->zone.shm_zone == NULL) {
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
