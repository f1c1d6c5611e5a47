/*
 * ngx_xtream_metrics_module: `xtream_metrics;` answers Prometheus text.
 *
 * Counting: a log-phase handler adds one to requests[endpoint][status] in
 * the xtream_zone (a relaxed atomic add, no lock), so no content handler
 * knows about metrics.  Scraping: the answering worker takes a census of
 * the zone's tables under the zone lock, reads its own snapshot maps, and
 * appends xtreamd's metrics file (<snapshot_dir>/xtreamd.prom, replaced
 * atomically by the daemon every few seconds) as a file buffer: nginx
 * sends it like a static file, and the daemon's own failure is visible as
 * the file's age.  Access is the operator's: allow/deny in the location.
 */

#include "ngx_xtream_metrics.h"


#define NGX_XTREAM_METRICS_BUF  (64 * 1024)     /* module part: ~10 KiB */


typedef struct {
    ngx_flag_t               used;
} ngx_xtream_metrics_main_conf_t;


static void *ngx_xtream_metrics_create_main_conf(ngx_conf_t *cf);
static char *ngx_xtream_metrics(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_xtream_metrics_postconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_xtream_metrics_handler(ngx_http_request_t *r);


static ngx_command_t  ngx_xtream_metrics_commands[] = {

    { ngx_string("xtream_metrics"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_xtream_metrics,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_xtream_metrics_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_xtream_metrics_postconfiguration,  /* postconfiguration */

    ngx_xtream_metrics_create_main_conf,   /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    NULL,                                  /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_xtream_metrics_module = {
    NGX_MODULE_V1,
    &ngx_xtream_metrics_module_ctx,        /* module context */
    ngx_xtream_metrics_commands,           /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static void *
ngx_xtream_metrics_create_main_conf(ngx_conf_t *cf)
{
    return ngx_pcalloc(cf->pool, sizeof(ngx_xtream_metrics_main_conf_t));
}


static char *
ngx_xtream_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_xtream_metrics_main_conf_t *mmcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    if (clcf->handler) {
        return "is duplicate";
    }

    clcf->handler = ngx_xtream_metrics_handler;
    mmcf->used = 1;

    return NGX_CONF_OK;
}


xt_mtag_e
ngx_xtream_metrics_conn_tag(ngx_xtream_kind_e kind)
{
    switch (kind) {
    case NGX_XTREAM_KIND_LIVE_TS:
        return XT_MTAG_TS;
    case NGX_XTREAM_KIND_LIVE_HLS:
    case NGX_XTREAM_KIND_HLS_PLAYLIST:
    case NGX_XTREAM_KIND_HLS_SEGMENT:
        return XT_MTAG_HLS;
    case NGX_XTREAM_KIND_MOVIE:
        return XT_MTAG_MOVIE;
    case NGX_XTREAM_KIND_EPISODE:
        return XT_MTAG_EPISODE;
    default:
        return XT_MTAG_NONE;
    }
}


static xt_metrics_t *
ngx_xtream_metrics_shm(ngx_http_request_t *r, ngx_xtream_zone_t **zonep)
{
    ngx_xtream_zone_t  *zone;

    zone = ngx_xtream_zone_get(r);
    if (zone == NULL || zone->sh->metrics == NULL) {
        return NULL;
    }

    if (zonep) {
        *zonep = zone;
    }

    return zone->sh->metrics;
}


/* ------------------------------------------------------------------ */
/* counting */

static xt_endpoint_e
ngx_xtream_metrics_api_endpoint(ngx_http_request_t *r)
{
    u_char     *p, *last;
    ngx_str_t   name;

    last = r->uri.data + r->uri.len;
    for (p = last; p > r->uri.data && p[-1] != '/'; p--) { /* void */ }

    name.data = p;
    name.len = last - p;

#define ngx_xtream_is(s)                                                     \
    (name.len == sizeof(s) - 1 && ngx_strncmp(name.data, s, name.len) == 0)

    if (ngx_xtream_is("player_api.php")) {
        return XT_EP_PLAYER_API;
    }
    if (ngx_xtream_is("get.php")) {
        return XT_EP_GET_PHP;
    }
    if (ngx_xtream_is("xmltv.php")) {
        return XT_EP_XMLTV;
    }
    if (ngx_xtream_is("panel_api.php")) {
        return XT_EP_PANEL_API;
    }

#undef ngx_xtream_is

    return XT_EP_OTHER;
}


static xt_endpoint_e
ngx_xtream_metrics_endpoint(ngx_http_request_t *r)
{
    ngx_xtream_dreq_t         *d;
    ngx_http_core_loc_conf_t  *clcf;

    /* delivery requests carry their kind (across a VOD internal
       redirect too) */
    d = ngx_xtream_dreq(r);
    if (d) {
        switch (d->kind) {
        case NGX_XTREAM_KIND_LIVE_TS:
            return XT_EP_LIVE_TS;
        case NGX_XTREAM_KIND_LIVE_HLS:
            return XT_EP_LIVE_HLS;
        case NGX_XTREAM_KIND_HLS_PLAYLIST:
            return XT_EP_HLS_PLAYLIST;
        case NGX_XTREAM_KIND_HLS_SEGMENT:
            return XT_EP_HLS_SEGMENT;
        case NGX_XTREAM_KIND_MOVIE:
            return XT_EP_MOVIE;
        case NGX_XTREAM_KIND_EPISODE:
            return XT_EP_EPISODE;
        default:
            return XT_EP_DELIVERY_OTHER;
        }
    }

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    if (clcf->handler == ngx_xtream_api_handler) {
        return ngx_xtream_metrics_api_endpoint(r);
    }

    if (clcf->handler == ngx_xtream_metrics_handler) {
        return XT_EP_METRICS;
    }

    if (clcf->handler == ngx_xtream_delivery_handler) {
        return XT_EP_DELIVERY_OTHER;
    }

    return XT_EP_OTHER;
}


static ngx_int_t
ngx_xtream_metrics_log_handler(ngx_http_request_t *r)
{
    ngx_uint_t     status;
    xt_metrics_t  *m;

    m = ngx_xtream_metrics_shm(r, NULL);
    if (m == NULL) {
        return NGX_OK;
    }

    /* the status the access log writes */
    if (r->err_status) {
        status = r->err_status;

    } else if (r->headers_out.status) {
        status = r->headers_out.status;

    } else {
        status = 0;
    }

    xt_metrics_count(m, ngx_xtream_metrics_endpoint(r), (unsigned) status);

    return NGX_OK;
}


static ngx_int_t
ngx_xtream_metrics_postconfiguration(ngx_conf_t *cf)
{
    ngx_http_handler_pt             *h;
    ngx_http_core_main_conf_t       *cmcf;
    ngx_xtream_metrics_main_conf_t  *mmcf;

    mmcf = ngx_http_conf_get_module_main_conf(cf, ngx_xtream_metrics_module);
    if (!mmcf->used) {
        return NGX_OK;      /* nobody scrapes: count nothing */
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_xtream_metrics_log_handler;

    return NGX_OK;
}


/* ------------------------------------------------------------------ */
/* scraping */

/* xtreamd's file as a file buffer, or NULL (then *age is -1) */
static ngx_buf_t *
ngx_xtream_metrics_xtreamd(ngx_http_request_t *r, int64_t *age)
{
    u_char                  *path;
    ngx_fd_t                 fd;
    ngx_buf_t               *b;
    ngx_file_info_t          fi;
    ngx_pool_cleanup_t      *cln;
    ngx_pool_cleanup_file_t *clnf;
    ngx_xtream_main_conf_t  *xmcf;

    *age = -1;

    xmcf = ngx_http_get_module_main_conf(r, ngx_xtream_module);
    if (xmcf->snapshot_dir.len == 0) {
        return NULL;
    }

    path = ngx_pnalloc(r->pool, xmcf->snapshot_dir.len
                                + sizeof("/" NGX_XTREAM_XTREAMD_PROM));
    if (path == NULL) {
        return NULL;
    }
    ngx_sprintf(path, "%V/%s%Z", &xmcf->snapshot_dir,
                NGX_XTREAM_XTREAMD_PROM);

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_pool_cleanup_file_t));
    if (cln == NULL) {
        return NULL;
    }

    /* the daemon renames a new file into place: the open fd keeps the
       whole old one, never half of each */
    fd = ngx_open_file(path, NGX_FILE_RDONLY|NGX_FILE_NONBLOCK,
                       NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        if (ngx_errno != NGX_ENOENT) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, ngx_errno,
                          ngx_open_file_n " \"%s\" failed", path);
        }
        return NULL;
    }

    clnf = cln->data;
    clnf->fd = fd;
    clnf->name = path;
    clnf->log = r->connection->log;
    cln->handler = ngx_pool_cleanup_file;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, ngx_errno,
                      ngx_fd_info_n " \"%s\" failed", path);
        return NULL;
    }

    if (!ngx_is_file(&fi) || ngx_file_size(&fi) == 0
        || ngx_file_size(&fi) > NGX_XTREAM_XTREAMD_PROM_MAX)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xtream metrics: \"%s\" is not a regular file of "
                      "plausible size (%O bytes), left out", path,
                      ngx_file_size(&fi));
        return NULL;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NULL;
    }

    b->file = ngx_pcalloc(r->pool, sizeof(ngx_file_t));
    if (b->file == NULL) {
        return NULL;
    }

    b->file->fd = fd;
    b->file->name.data = path;
    b->file->name.len = ngx_strlen(path);
    b->file->log = r->connection->log;
    b->file->directio = 0;
    b->in_file = 1;
    b->file_pos = 0;
    b->file_last = ngx_file_size(&fi);

    *age = (int64_t) (ngx_time() - ngx_file_mtime(&fi));
    if (*age < 0) {
        *age = 0;
    }

    return b;
}


static ngx_int_t
ngx_xtream_metrics_handler(ngx_http_request_t *r)
{
    ngx_int_t           rc;
    ngx_buf_t          *b, *fb;
    ngx_uint_t          i;
    xt_prom_t           p;
    ngx_chain_t         out[2];
    xt_census_t         census;
    xt_metrics_t       *m;
    ngx_xtream_map_t   *map;
    ngx_xtream_zone_t  *zone;
    xt_metrics_view_t   v;
    xt_metrics_snap_t   snaps[NGX_XTREAM_SNAP_NKINDS];

    /* every kind needs its label: a missing one renders as NULL */
    static const char  *kinds[NGX_XTREAM_SNAP_NKINDS] = {
        [NGX_XTREAM_SNAP_LINES] = "lines",
        [NGX_XTREAM_SNAP_CATALOG] = "catalog",
        [NGX_XTREAM_SNAP_EPG] = "epg",
        [NGX_XTREAM_SNAP_CLUSTER] = "cluster"
    };

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    ngx_memzero(&v, sizeof(xt_metrics_view_t));
    v.now = (int64_t) ngx_time();
    v.pid = (int64_t) ngx_pid;

    zone = NULL;
    m = ngx_xtream_metrics_shm(r, &zone);

    if (m) {
        ngx_shmtx_lock(&zone->shpool->mutex);
        xt_census_take(&census, zone->sh->conns, zone->sh->flood,
                       (int64_t) ngx_current_msec, ngx_xtream_mono_sec(),
                       ngx_xtream_pid_alive);
        ngx_shmtx_unlock(&zone->shpool->mutex);

        v.m = m;
        v.census = &census;
    }

    for (i = 0; i < NGX_XTREAM_SNAP_NKINDS; i++) {
        map = ngx_xtream_snap_acquire(r, (ngx_xtream_snap_kind_e) i);
        snaps[i].kind = kinds[i];
        snaps[i].loaded = map != NULL;
        snaps[i].generation = map ? map->snap.hdr->generation : 0;
        snaps[i].created = map ? map->snap.hdr->created : 0;
    }

    v.snaps = snaps;
    v.nsnaps = NGX_XTREAM_SNAP_NKINDS;

    fb = ngx_xtream_metrics_xtreamd(r, &v.xtreamd_age);

    b = ngx_create_temp_buf(r->pool, NGX_XTREAM_METRICS_BUF);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    xt_prom_init(&p, (char *) b->pos, NGX_XTREAM_METRICS_BUF, NULL, NULL);
    xt_metrics_render(&p, &v);

    if (p.failed) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "xtream metrics: rendering failed (%uz bytes)", p.len);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = b->pos + p.len;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = p.len
                                      + (fb ? fb->file_last : 0);
    ngx_str_set(&r->headers_out.content_type,
                "text/plain; version=0.0.4; charset=utf-8");
    r->headers_out.content_type_len = sizeof("text/plain") - 1;

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out[0].buf = b;
    out[0].next = NULL;

    if (fb) {
        out[0].next = &out[1];
        out[1].buf = fb;
        out[1].next = NULL;
        fb->last_buf = (r == r->main) ? 1 : 0;
        fb->last_in_chain = 1;

    } else {
        b->last_buf = (r == r->main) ? 1 : 0;
        b->last_in_chain = 1;
    }

    return ngx_http_output_filter(r, &out[0]);
}
