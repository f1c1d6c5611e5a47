/*
 * ngx_xtream_publish_module: RTMP stream-key check for nginx-rtmp's
 * on_publish / on_publish_done callbacks.
 *
 *   location = /rtmp/publish { xtream_rtmp_publish [EVENT_SOCKET]; }
 *   rtmp { ... application live { on_publish http://127.0.0.1:PORT/rtmp/publish;
 *                                 on_publish_done http://127.0.0.1:PORT/rtmp/publish; } }
 *
 * nginx-rtmp POSTs application/x-www-form-urlencoded fields (call, name =
 * the stream key, addr, app, ...) followed by the publisher's own URL
 * arguments; the first occurrence of a field wins, so a publisher cannot
 * override call or name with arguments.
 *
 * call=publish: the key is looked up in the catalog snapshot (LIVE records
 * with a key_hash: salt || SHA-256(salt || key), compared in constant
 * time).  A known key answers 302 with "Location: <stream id>": nginx-rtmp
 * renames the published stream to the internal name, the worker reads
 * rtmp://127.0.0.1:PORT/live/<id> and the key never appears in a URL.  An
 * unknown key (or no usable snapshot: fail closed) answers 403.
 * call=publish_done answers 200.  Both send a publish/unpublish datagram
 * to xtreamd (CONTRACTS.md) when an event socket is configured.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <sys/socket.h>
#include <sys/un.h>

#include <yajl/yajl_gen.h>

#include "ngx_xtream_module.h"
#include "xt_form.h"
#include "xt_password.h"


#define NGX_XTREAM_PUBLISH_BODY_MAX   8192
#define NGX_XTREAM_PUBLISH_KEY_MAX    256
#define NGX_XTREAM_KEY_HASH_LEN       (XT_SALT_LEN + XT_HASH_LEN)


typedef struct {
    ngx_flag_t   enabled;
    ngx_str_t    event_socket;      /* "" = no datagrams */
} ngx_xtream_publish_loc_conf_t;


static char *ngx_xtream_rtmp_publish(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static void *ngx_xtream_publish_create_loc_conf(ngx_conf_t *cf);
static char *ngx_xtream_publish_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_xtream_publish_handler(ngx_http_request_t *r);
static void ngx_xtream_publish_body(ngx_http_request_t *r);


static ngx_command_t  ngx_xtream_publish_commands[] = {

    { ngx_string("xtream_rtmp_publish"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS|NGX_CONF_TAKE1,
      ngx_xtream_rtmp_publish,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_xtream_publish_module_ctx = {
    NULL,                                   /* preconfiguration */
    NULL,                                   /* postconfiguration */
    NULL,                                   /* create main configuration */
    NULL,                                   /* init main configuration */
    NULL,                                   /* create server configuration */
    NULL,                                   /* merge server configuration */
    ngx_xtream_publish_create_loc_conf,     /* create location configuration */
    ngx_xtream_publish_merge_loc_conf       /* merge location configuration */
};


ngx_module_t  ngx_xtream_publish_module = {
    NGX_MODULE_V1,
    &ngx_xtream_publish_module_ctx,         /* module context */
    ngx_xtream_publish_commands,            /* module directives */
    NGX_HTTP_MODULE,                        /* module type */
    NULL,                                   /* init master */
    NULL,                                   /* init module */
    NULL,                                   /* init process */
    NULL,                                   /* init thread */
    NULL,                                   /* exit thread */
    NULL,                                   /* exit process */
    NULL,                                   /* exit master */
    NGX_MODULE_V1_PADDING
};


static void *
ngx_xtream_publish_create_loc_conf(ngx_conf_t *cf)
{
    ngx_xtream_publish_loc_conf_t  *plcf;

    plcf = ngx_pcalloc(cf->pool, sizeof(ngx_xtream_publish_loc_conf_t));
    if (plcf == NULL) {
        return NULL;
    }
    plcf->enabled = NGX_CONF_UNSET;
    return plcf;
}


static char *
ngx_xtream_publish_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_xtream_publish_loc_conf_t  *prev = parent;
    ngx_xtream_publish_loc_conf_t  *conf = child;

    ngx_conf_merge_value(conf->enabled, prev->enabled, 0);
    ngx_conf_merge_str_value(conf->event_socket, prev->event_socket, "");
    return NGX_CONF_OK;
}


static char *
ngx_xtream_rtmp_publish(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_xtream_publish_loc_conf_t  *plcf = conf;
    ngx_http_core_loc_conf_t       *clcf;
    ngx_str_t                      *value;

    if (plcf->enabled != NGX_CONF_UNSET) {
        return "is duplicate";
    }
    plcf->enabled = 1;
    value = cf->args->elts;
    if (cf->args->nelts == 2) {
        if (value[1].len == 0 || value[1].data[0] != '/'
            || value[1].len >= sizeof(((struct sockaddr_un *) 0)->sun_path))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "xtream_rtmp_publish: the event socket must "
                               "be an absolute path shorter than 108 bytes: "
                               "\"%V\"", &value[1]);
            return NGX_CONF_ERROR;
        }
        plcf->event_socket = value[1];
    }
    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_xtream_publish_handler;
    return NGX_CONF_OK;
}


static ngx_int_t
ngx_xtream_publish_handler(ngx_http_request_t *r)
{
    ngx_int_t  rc;

    if (!(r->method & NGX_HTTP_POST)) {
        return NGX_HTTP_NOT_ALLOWED;
    }
    if (r->headers_in.content_length_n > NGX_XTREAM_PUBLISH_BODY_MAX) {
        return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
    }
    r->request_body_in_single_buf = 1;
    rc = ngx_http_read_client_request_body(r, ngx_xtream_publish_body);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }
    return NGX_DONE;
}


/* the body as one bounded buffer; NULL with *status on failure */
static u_char *
ngx_xtream_publish_collect(ngx_http_request_t *r, size_t *len,
    ngx_int_t *status)
{
    ngx_chain_t  *cl;
    u_char       *buf, *p;
    size_t        n, total = 0;

    *len = 0;
    *status = NGX_HTTP_BAD_REQUEST;
    if (r->request_body == NULL || r->request_body->bufs == NULL) {
        return NULL;
    }
    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        if (!ngx_buf_in_memory(cl->buf)) {
            *status = NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
            return NULL;
        }
        total += cl->buf->last - cl->buf->pos;
        if (total > NGX_XTREAM_PUBLISH_BODY_MAX) {
            *status = NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
            return NULL;
        }
    }
    buf = ngx_pnalloc(r->pool, total + 1);
    if (buf == NULL) {
        *status = NGX_HTTP_INTERNAL_SERVER_ERROR;
        return NULL;
    }
    p = buf;
    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        n = cl->buf->last - cl->buf->pos;
        p = ngx_cpymem(p, cl->buf->pos, n);
    }
    *p = '\0';
    *len = total;
    return buf;
}


/* first occurrence of field name in a form body (xt_form.c), unescaped
   into the pool; NGX_DECLINED when absent, NGX_ERROR when too long */
static ngx_int_t
ngx_xtream_form_get(ngx_http_request_t *r, u_char *body, size_t len,
    const char *name, size_t max, ngx_str_t *out)
{
    u_char               *v;
    size_t                vlen;
    xt_form_rc_e          rc;
    const unsigned char  *raw;

    rc = xt_form_find(body, len, name, max, &raw, &vlen);
    if (rc != XT_FORM_OK) {
        return rc == XT_FORM_ABSENT ? NGX_DECLINED : NGX_ERROR;
    }
    v = ngx_pnalloc(r->pool, vlen + 1);
    if (v == NULL) {
        return NGX_ERROR;
    }
    out->data = v;
    out->len = xt_form_unescape(v, raw, vlen);
    if (out->len > max) {
        return NGX_ERROR;
    }
    return NGX_OK;
}


/* the stream whose key this is, or 0 (every keyed record is compared) */
static uint32_t
ngx_xtream_publish_lookup(const xt_snap_t *s, const ngx_str_t *key)
{
    const xt_snap_live_t  *lv;
    const uint8_t         *kh;
    uint32_t               i, found = 0;

    for (i = 0; i < s->nlive; i++) {
        lv = &s->live[i];
        if (lv->key_hash.len != NGX_XTREAM_KEY_HASH_LEN) {
            continue;
        }
        kh = (const uint8_t *) xt_snap_strp(s, lv->key_hash);
        if (xt_password_check(kh, kh + XT_SALT_LEN, key->data, key->len)
            && found == 0)
        {
            found = lv->id;
        }
    }
    return found;
}


/* {"ev":"publish","stream":N,"ip":"...","ts":T}; losing it is harmless */
static void
ngx_xtream_publish_event(ngx_http_request_t *r,
    ngx_xtream_publish_loc_conf_t *plcf, const char *ev, uint32_t stream,
    ngx_str_t *addr)
{
    yajl_gen             g;
    const unsigned char *buf;
    size_t               len;
    struct sockaddr_un   sa;
    int                  fd;

    if (plcf->event_socket.len == 0) {
        return;
    }
    g = yajl_gen_alloc(NULL);
    if (g == NULL) {
        return;
    }
    yajl_gen_map_open(g);
    yajl_gen_string(g, (const unsigned char *) "ev", 2);
    yajl_gen_string(g, (const unsigned char *) ev, ngx_strlen(ev));
    yajl_gen_string(g, (const unsigned char *) "stream", 6);
    yajl_gen_integer(g, stream);
    if (addr && addr->len && addr->len <= 64) {
        yajl_gen_string(g, (const unsigned char *) "ip", 2);
        yajl_gen_string(g, addr->data, addr->len);
    }
    yajl_gen_string(g, (const unsigned char *) "ts", 2);
    yajl_gen_integer(g, (long long) ngx_time());
    yajl_gen_map_close(g);

    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd >= 0) {
            ngx_memzero(&sa, sizeof(sa));
            sa.sun_family = AF_UNIX;
            ngx_memcpy(sa.sun_path, plcf->event_socket.data,
                       plcf->event_socket.len);
            if (sendto(fd, buf, len, 0, (struct sockaddr *) &sa,
                       sizeof(sa)) < 0)
            {
                ngx_log_error(NGX_LOG_INFO, r->connection->log, ngx_errno,
                              "xtream: event datagram to \"%V\" not sent",
                              &plcf->event_socket);
            }
            close(fd);
        }
    }
    yajl_gen_free(g);
}


static ngx_int_t
ngx_xtream_publish_redirect(ngx_http_request_t *r, uint32_t id)
{
    ngx_table_elt_t  *h;
    u_char           *p;

    h = ngx_list_push(&r->headers_out.headers);
    p = ngx_pnalloc(r->pool, NGX_INT32_LEN);
    if (h == NULL || p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    h->hash = 1;
    ngx_str_set(&h->key, "Location");
    h->value.data = p;
    h->value.len = ngx_sprintf(p, "%uD", id) - p;
    r->headers_out.location = h;
    r->headers_out.status = NGX_HTTP_MOVED_TEMPORARILY;
    r->headers_out.content_length_n = 0;
    r->header_only = 1;
    return ngx_http_send_header(r);
}


static ngx_int_t
ngx_xtream_publish_ok(ngx_http_request_t *r)
{
    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = 0;
    r->header_only = 1;
    return ngx_http_send_header(r);
}


static void
ngx_xtream_publish_body(ngx_http_request_t *r)
{
    ngx_xtream_publish_loc_conf_t  *plcf;
    ngx_xtream_map_t               *map;
    ngx_str_t                       call, name, addr, app;
    ngx_int_t                       status, rc;
    u_char                         *body;
    size_t                          len;
    uint32_t                        id;

    plcf = ngx_http_get_module_loc_conf(r, ngx_xtream_publish_module);

    body = ngx_xtream_publish_collect(r, &len, &status);
    if (body == NULL) {
        ngx_http_finalize_request(r, status);
        return;
    }

    ngx_str_null(&addr);
    ngx_str_null(&app);
    if (ngx_xtream_form_get(r, body, len, "addr", 64, &addr) == NGX_ERROR) {
        ngx_str_null(&addr);
    }
    if (ngx_xtream_form_get(r, body, len, "call", 32, &call) != NGX_OK
        || ngx_xtream_form_get(r, body, len, "name",
                               NGX_XTREAM_PUBLISH_KEY_MAX, &name) != NGX_OK
        || ngx_xtream_form_get(r, body, len, "app", 64, &app) == NGX_ERROR)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xtream: rtmp publish callback without a usable call "
                      "or name from %V", &addr);
        ngx_http_finalize_request(r, NGX_HTTP_BAD_REQUEST);
        return;
    }

    map = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_CATALOG);

    if (call.len == 7 && ngx_strncmp(call.data, "publish", 7) == 0) {
        if (map == NULL) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "xtream: rtmp publish refused from %V: no catalog "
                          "snapshot", &addr);
            ngx_http_finalize_request(r, NGX_HTTP_SERVICE_UNAVAILABLE);
            return;
        }
        /* the worker reads application "live" */
        id = (app.len == 4 && ngx_strncmp(app.data, "live", 4) == 0
              && name.len > 0)
             ? ngx_xtream_publish_lookup(&map->snap, &name) : 0;
        if (id == 0) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "xtream: rtmp publish refused for key from %V",
                          &addr);
            ngx_http_finalize_request(r, NGX_HTTP_FORBIDDEN);
            return;
        }
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: rtmp publish accepted for stream %uD from %V",
                      id, &addr);
        ngx_xtream_publish_event(r, plcf, "publish", id, &addr);
        rc = ngx_xtream_publish_redirect(r, id);
        ngx_http_finalize_request(r, rc);
        return;
    }

    if (call.len == 12 && ngx_strncmp(call.data, "publish_done", 12) == 0) {
        /* nginx-rtmp sends the original name (the key) here */
        id = map ? ngx_xtream_publish_lookup(&map->snap, &name) : 0;
        if (id) {
            ngx_xtream_publish_event(r, plcf, "unpublish", id, &addr);
        }
        ngx_http_finalize_request(r, ngx_xtream_publish_ok(r));
        return;
    }

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "xtream: rtmp callback \"%V\" is not handled here (only "
                  "publish and publish_done)", &call);
    ngx_http_finalize_request(r, NGX_HTTP_FORBIDDEN);
}
