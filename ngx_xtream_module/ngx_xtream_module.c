/*
 * ngx_xtream_module: module definition and directives.  Request handling
 * lives in ngx_xtream_api.c, snapshot maps in ngx_xtream_snap.c.
 */

#include "ngx_xtream_module.h"


static void *ngx_xtream_create_main_conf(ngx_conf_t *cf);
static char *ngx_xtream_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_xtream_create_loc_conf(ngx_conf_t *cf);
static char *ngx_xtream_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_xtream_timezone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_xtream_port(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_xtream_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_xtream_public_url(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_xtream_postconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_xtream_init_process(ngx_cycle_t *cycle);
static void ngx_xtream_exit_process(ngx_cycle_t *cycle);


static ngx_command_t  ngx_xtream_commands[] = {

    { ngx_string("xtream_snapshot_dir"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_main_conf_t, snapshot_dir),
      NULL },

    { ngx_string("xtream_snapshot_poll"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_main_conf_t, snapshot_poll),
      NULL },

    { ngx_string("xtream_timezone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_xtream_timezone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    /* the shared zone: the player API's lock-out and active_cons and the
       delivery module's connections (ngx_xtream_zone.c) */
    { ngx_string("xtream_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_xtream_zone_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_main_conf_t, zone),
      NULL },

    { ngx_string("xtream_login_failures"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE3,
      ngx_xtream_login_failures,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_main_conf_t, zone),
      NULL },

    { ngx_string("xtream_https_port"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_xtream_port,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_xtream_loc_conf_t, https_port),
      NULL },

    { ngx_string("xtream_rtmp_port"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_xtream_port,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_xtream_loc_conf_t, rtmp_port),
      NULL },

    { ngx_string("xtream_public_url"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_xtream_public_url,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_xtream_loc_conf_t, public_url),
      NULL },

    { ngx_string("xtream_api"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_xtream_api,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_xtream_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_xtream_postconfiguration,          /* postconfiguration */

    ngx_xtream_create_main_conf,           /* create main configuration */
    ngx_xtream_init_main_conf,             /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_xtream_create_loc_conf,            /* create location configuration */
    ngx_xtream_merge_loc_conf              /* merge location configuration */
};


ngx_module_t  ngx_xtream_module = {
    NGX_MODULE_V1,
    &ngx_xtream_module_ctx,                /* module context */
    ngx_xtream_commands,                   /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_xtream_init_process,               /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_xtream_exit_process,               /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static void *
ngx_xtream_create_main_conf(ngx_conf_t *cf)
{
    ngx_xtream_main_conf_t  *xmcf;

    xmcf = ngx_pcalloc(cf->pool, sizeof(ngx_xtream_main_conf_t));
    if (xmcf == NULL) {
        return NULL;
    }

    xmcf->snapshot_poll = NGX_CONF_UNSET_MSEC;
    ngx_xtream_zone_conf_create(&xmcf->zone);

    return xmcf;
}


static char *
ngx_xtream_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_xtream_main_conf_t *xmcf = conf;

    const char  *err;

    /* ~250 ms: a change in the store reaches players within a second */
    ngx_conf_init_msec_value(xmcf->snapshot_poll, 250);
    ngx_xtream_zone_conf_init(&xmcf->zone);

    if (xmcf->snapshot_poll < 10) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_snapshot_poll\" must be at least 10ms");
        return NGX_CONF_ERROR;
    }

    if (xmcf->tz == NULL) {
        xmcf->tz = ngx_palloc(cf->pool, sizeof(xt_tz_t));
        if (xmcf->tz == NULL) {
            return NGX_CONF_ERROR;
        }

        if (xt_tz_load(xmcf->tz, NGX_XTREAM_ZONEINFO, "UTC", &err) != 0) {
            /* no tzdata installed: UTC needs no file */
            xt_tz_utc(xmcf->tz);
        }
    }

    return NGX_CONF_OK;
}


static char *
ngx_xtream_timezone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_xtream_main_conf_t *xmcf = conf;

    ngx_str_t   *value;
    const char  *err;

    if (xmcf->tz != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (!xt_tz_name_valid((const char *) value[1].data, value[1].len)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid time zone name \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    xmcf->tz = ngx_palloc(cf->pool, sizeof(xt_tz_t));
    if (xmcf->tz == NULL) {
        return NGX_CONF_ERROR;
    }

    if (xt_tz_load(xmcf->tz, NGX_XTREAM_ZONEINFO, (const char *) value[1].data,
                   &err)
        != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "time zone \"%V\": %s", &value[1], err);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_xtream_port(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    ngx_int_t   n;
    ngx_str_t  *field, *value;

    field = (ngx_str_t *) (p + cmd->offset);

    if (field->data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    n = ngx_atoi(value[1].data, value[1].len);
    if (n < 1 || n > 65535 || value[1].len > 5) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid port \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    *field = value[1];

    return NGX_CONF_OK;
}


/* "http[s]://host[:port]" only: it is pasted into every playlist URL */
static char *
ngx_xtream_public_url(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    u_char     *s, *end, c;
    ngx_str_t  *field, *value;

    field = (ngx_str_t *) (p + cmd->offset);

    if (field->data) {
        return "is duplicate";
    }

    value = cf->args->elts;
    s = value[1].data;
    end = s + value[1].len;

    if (value[1].len > 256) {
        goto invalid;
    }

    if (ngx_strncmp(s, "http://", 7) == 0) {
        s += 7;

    } else if (ngx_strncmp(s, "https://", 8) == 0) {
        s += 8;

    } else {
        goto invalid;
    }

    if (s == end) {
        goto invalid;
    }

    for ( /* void */ ; s < end; s++) {
        c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':'
              || c == '[' || c == ']'))
        {
            goto invalid;
        }
    }

    *field = value[1];

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid public url \"%V\" (http[s]://host[:port], "
                       "no path)", &value[1]);
    return NGX_CONF_ERROR;
}


static char *
ngx_xtream_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;
    ngx_xtream_main_conf_t    *xmcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    if (clcf->handler) {
        return "is duplicate";
    }

    clcf->handler = ngx_xtream_api_handler;

    xmcf = ngx_http_conf_get_module_main_conf(cf, ngx_xtream_module);
    xmcf->api_used = 1;

    return NGX_CONF_OK;
}


static void *
ngx_xtream_create_loc_conf(ngx_conf_t *cf)
{
    /* zeroed: unset ports have NULL data */
    return ngx_pcalloc(cf->pool, sizeof(ngx_xtream_loc_conf_t));
}


static char *
ngx_xtream_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_xtream_loc_conf_t *prev = parent;
    ngx_xtream_loc_conf_t *conf = child;

    ngx_conf_merge_str_value(conf->https_port, prev->https_port, "443");
    ngx_conf_merge_str_value(conf->rtmp_port, prev->rtmp_port, "1935");
    ngx_conf_merge_str_value(conf->public_url, prev->public_url, "");

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_xtream_postconfiguration(ngx_conf_t *cf)
{
    ngx_xtream_main_conf_t  *xmcf;

    xmcf = ngx_http_conf_get_module_main_conf(cf, ngx_xtream_module);

    if (xmcf->api_used && xmcf->snapshot_dir.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_api\" requires \"xtream_snapshot_dir\"");
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_xtream_init_process(ngx_cycle_t *cycle)
{
    ngx_xtream_main_conf_t  *xmcf;

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    xmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_xtream_module);
    if (xmcf == NULL || xmcf->snapshot_dir.len == 0) {
        return NGX_OK;
    }

    return ngx_xtream_snap_init_process(cycle, xmcf);
}


static void
ngx_xtream_exit_process(ngx_cycle_t *cycle)
{
    ngx_xtream_snap_exit_process();
}
