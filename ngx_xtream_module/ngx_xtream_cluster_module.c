/*
 * ngx_xtream_cluster_module (issue 11): many servers.
 *
 *   main  a delivery request that passed every check is answered with a
 *         302 to the least-loaded healthy node carrying the stream, with
 *         a hand-off token in place of the credentials (xt_handoff.h);
 *         with no such node the main serves it itself, as a single box.
 *   node  /live/_h/TOKEN/ID.ts|m3u8, /movie/_h/..., /series/_h/... are
 *         accepted when TOKEN was signed with the cluster secret for
 *         this node, this stream and this client address; the viewer is
 *         then counted against the line like any other, the connections
 *         other servers report for the line taken off max_connections.
 *
 * The server set, loads, placement and per-line counts come from
 * cluster.snap (xt_cluster.h); a third HTTP module in the same .so,
 * called from ngx_xtream_delivery_handler.c by two hooks.
 *
 *   _module.c    directives, the cluster secret, the checked snapshot
 *   _redirect.c  main: the 302 to a node
 *   _handoff.c   node: the hand-off URL
 */

#include "ngx_xtream_delivery.h"
#include "ngx_xtream_cluster.h"


static void *ngx_xtream_cluster_create_main_conf(ngx_conf_t *cf);
static char *ngx_xtream_cluster_init_main_conf(ngx_conf_t *cf, void *conf);
static char *ngx_xtream_cluster_secret(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);


static ngx_conf_enum_t  ngx_xtream_cluster_roles[] = {
    { ngx_string("off"), NGX_XTREAM_CLUSTER_OFF },
    { ngx_string("main"), NGX_XTREAM_CLUSTER_MAIN },
    { ngx_string("node"), NGX_XTREAM_CLUSTER_NODE },
    { ngx_null_string, 0 }
};


static ngx_command_t  ngx_xtream_cluster_commands[] = {

    { ngx_string("xtream_cluster"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_cluster_main_conf_t, role),
      &ngx_xtream_cluster_roles },

    { ngx_string("xtream_cluster_secret"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_xtream_cluster_secret,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("xtream_cluster_server_id"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_cluster_main_conf_t, server_id),
      NULL },

    { ngx_string("xtream_cluster_token_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_cluster_main_conf_t, token_ttl),
      NULL },

    { ngx_string("xtream_cluster_node_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_xtream_cluster_main_conf_t, node_timeout),
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_xtream_cluster_module_ctx = {
    NULL,                                  /* preconfiguration */
    NULL,                                  /* postconfiguration */

    ngx_xtream_cluster_create_main_conf,   /* create main configuration */
    ngx_xtream_cluster_init_main_conf,     /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    NULL,                                  /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_xtream_cluster_module = {
    NGX_MODULE_V1,
    &ngx_xtream_cluster_module_ctx,        /* module context */
    ngx_xtream_cluster_commands,           /* module directives */
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


/* per worker: the checked cluster snapshot, and the viewers sent to each
   server since that snapshot (so a burst between two load reports is
   spread instead of all landing on the node that was least loaded) */
static xt_cluster_t   ngx_xtream_cl;
static const u_char  *ngx_xtream_cl_base;
static uint64_t       ngx_xtream_cl_gen;
static ngx_uint_t     ngx_xtream_cl_ok;
uint32_t              ngx_xtream_cl_sent[XT_CLUSTER_MAX_SERVERS];


static void *
ngx_xtream_cluster_create_main_conf(ngx_conf_t *cf)
{
    ngx_xtream_cluster_main_conf_t  *ccf;

    ccf = ngx_pcalloc(cf->pool, sizeof(ngx_xtream_cluster_main_conf_t));
    if (ccf == NULL) {
        return NULL;
    }

    ccf->role = NGX_CONF_UNSET_UINT;
    ccf->server_id = NGX_CONF_UNSET_UINT;
    ccf->token_ttl = NGX_CONF_UNSET;
    ccf->node_timeout = NGX_CONF_UNSET;

    return ccf;
}


static void
ngx_xtream_cluster_key_cleanup(void *data)
{
    xt_ho_key_free(data);
}


static char *
ngx_xtream_cluster_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_xtream_cluster_main_conf_t  *ccf = conf;

    ngx_pool_cleanup_t  *cln;

    ngx_conf_init_uint_value(ccf->role, NGX_XTREAM_CLUSTER_OFF);
    ngx_conf_init_uint_value(ccf->server_id, 0);
    ngx_conf_init_value(ccf->token_ttl, 30);
    ngx_conf_init_value(ccf->node_timeout, 10);

    if (ccf->role == NGX_XTREAM_CLUSTER_OFF) {
        return NGX_CONF_OK;
    }

    if (ccf->secret.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_cluster\" needs "
                           "\"xtream_cluster_secret\"");
        return NGX_CONF_ERROR;
    }

    if (ccf->role == NGX_XTREAM_CLUSTER_NODE
        && (ccf->server_id == 0 || ccf->server_id > UINT32_MAX))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_cluster node\" needs "
                           "\"xtream_cluster_server_id\" (its servers.id)");
        return NGX_CONF_ERROR;
    }

    if (ccf->token_ttl < 1 || ccf->node_timeout < 1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_cluster_token_ttl\" and "
                           "\"xtream_cluster_node_timeout\" must be at "
                           "least 1s");
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    ccf->key = xt_ho_key_new(ccf->secret.data, ccf->secret.len);
    if (ccf->key == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "xtream: HMAC-SHA256 is not available");
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_xtream_cluster_key_cleanup;
    cln->data = ccf->key;

    return NGX_CONF_OK;
}


/* "xtream_cluster_secret TEXT | file:PATH": every server of the cluster
   has the same one (a file keeps it out of nginx.conf) */
static char *
ngx_xtream_cluster_secret(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_xtream_cluster_main_conf_t  *ccf = conf;

    ngx_str_t  *value;

    if (ccf->secret.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_xtream_conf_secret(cf, &value[1], &ccf->secret) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ccf->secret.len < XT_HANDOFF_SECRET_MIN) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"xtream_cluster_secret\" must be at least %d "
                           "bytes", XT_HANDOFF_SECRET_MIN);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


xt_cluster_t *
ngx_xtream_cluster_get(ngx_http_request_t *r)
{
    const char        *err;
    ngx_xtream_map_t  *m;

    m = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_CLUSTER);
    if (m == NULL) {
        return NULL;
    }

    if (m->addr != ngx_xtream_cl_base
        || m->snap.hdr->generation != ngx_xtream_cl_gen)
    {
        ngx_xtream_cl_base = m->addr;
        ngx_xtream_cl_gen = m->snap.hdr->generation;
        ngx_memzero(ngx_xtream_cl_sent, sizeof(ngx_xtream_cl_sent));

        ngx_xtream_cl_ok = (xt_cluster_open(&ngx_xtream_cl, &m->snap, &err)
                            == 0);
        if (!ngx_xtream_cl_ok) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "xtream: cluster snapshot generation %uL "
                          "refused: %s", ngx_xtream_cl_gen, err);
        }
    }

    /* the mapping of this generation is held by r, so its records are */
    ngx_xtream_cl.snap = &m->snap;

    return ngx_xtream_cl_ok ? &ngx_xtream_cl : NULL;
}
