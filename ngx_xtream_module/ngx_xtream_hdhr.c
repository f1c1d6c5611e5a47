/*
 * The HDHomeRun tuner face (core/xt_hdhr.h), its own module in the .so.
 *
 *   location /hdhr/ { xtream_hdhr; }             .../U/P/discover.json
 *   location /      { xtream_hdhr demo secret; }  /discover.json (one line
 *                                                 bound to the server)
 *
 * Credentials in the path are checked by the player API's login
 * (ngx_xtream_login: the lock-out of ngx_xtream_zone.h, the same constant
 * work for an unknown user).  A bound line's credentials come from
 * the configuration, so a failure there is the operator's (a changed
 * password) and counts against no client.
 */

#include "xt_access.h"
#include "xt_hdhr.h"
#include "xt_password.h"
#include "ngx_xtream_module.h"
#include "ngx_xtream_player_api.h"
#include "ngx_xtream_zone.h"


typedef struct {
    ngx_flag_t   enabled;
    ngx_str_t    username;          /* bound line, or empty */
    ngx_str_t    password;
} ngx_xtream_hdhr_loc_conf_t;


typedef enum {
    NGX_XTREAM_HDHR_DISCOVER = 0,
    NGX_XTREAM_HDHR_LINEUP,
    NGX_XTREAM_HDHR_STATUS,
    NGX_XTREAM_HDHR_DEVICE,
    NGX_XTREAM_HDHR_POST
} ngx_xtream_hdhr_doc_e;


typedef struct {
    ngx_str_t               name;
    ngx_xtream_hdhr_doc_e   doc;
} ngx_xtream_hdhr_name_t;


static ngx_xtream_hdhr_name_t  ngx_xtream_hdhr_docs[] = {
    { ngx_string("discover.json"), NGX_XTREAM_HDHR_DISCOVER },
    { ngx_string("lineup.json"), NGX_XTREAM_HDHR_LINEUP },
    { ngx_string("lineup_status.json"), NGX_XTREAM_HDHR_STATUS },
    { ngx_string("device.xml"), NGX_XTREAM_HDHR_DEVICE },
    { ngx_string("lineup.post"), NGX_XTREAM_HDHR_POST },
    { ngx_null_string, 0 }
};


static void *ngx_xtream_hdhr_create_loc_conf(ngx_conf_t *cf);
static char *ngx_xtream_hdhr(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);


static ngx_command_t  ngx_xtream_hdhr_commands[] = {

    { ngx_string("xtream_hdhr"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS|NGX_CONF_TAKE2,
      ngx_xtream_hdhr,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_xtream_hdhr_module_ctx = {
    NULL,                                  /* preconfiguration */
    NULL,                                  /* postconfiguration */
    NULL,                                  /* create main configuration */
    NULL,                                  /* init main configuration */
    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */
    ngx_xtream_hdhr_create_loc_conf,       /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_xtream_hdhr_module = {
    NGX_MODULE_V1,
    &ngx_xtream_hdhr_module_ctx,           /* module context */
    ngx_xtream_hdhr_commands,              /* module directives */
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


/* the request's path split: <dir>/<user>/<pass>/<doc> or <dir>/<doc> */
typedef struct {
    ngx_str_t               dir;        /* BaseURL's path, no trailing / */
    ngx_str_t               user;
    ngx_str_t               pass;
    ngx_xtream_hdhr_doc_e   doc;
} ngx_xtream_hdhr_path_t;


/* the last component of [start, end) before end: *seg, returns its '/' */
static u_char *
ngx_xtream_hdhr_last(u_char *start, u_char *end, ngx_str_t *seg)
{
    u_char  *p;

    for (p = end; p > start && p[-1] != '/'; p--) { /* void */ }

    seg->data = p;
    seg->len = end - p;

    return p > start ? p - 1 : NULL;
}


static ngx_int_t
ngx_xtream_hdhr_parse(ngx_http_request_t *r, ngx_xtream_hdhr_loc_conf_t *hlcf,
    ngx_xtream_hdhr_path_t *path)
{
    u_char                  *start, *slash;
    ngx_str_t                name;
    ngx_xtream_hdhr_name_t  *d;

    start = r->uri.data;

    slash = ngx_xtream_hdhr_last(start, start + r->uri.len, &name);
    if (slash == NULL) {
        return NGX_DECLINED;
    }

    for (d = ngx_xtream_hdhr_docs; d->name.len; d++) {
        if (d->name.len == name.len
            && ngx_strncmp(d->name.data, name.data, name.len) == 0)
        {
            break;
        }
    }

    if (d->name.len == 0) {
        return NGX_DECLINED;
    }

    path->doc = d->doc;

    if (hlcf->username.len) {
        path->user = hlcf->username;
        path->pass = hlcf->password;
        path->dir.data = start;
        path->dir.len = slash - start;
        return NGX_OK;
    }

    slash = ngx_xtream_hdhr_last(start, slash, &path->pass);
    if (slash == NULL) {
        return NGX_DECLINED;
    }

    slash = ngx_xtream_hdhr_last(start, slash, &path->user);
    if (slash == NULL) {
        return NGX_DECLINED;
    }

    path->dir.data = start;
    path->dir.len = path->pass.data + path->pass.len - start;

    if (path->user.len == 0 || path->user.len > XT_ARG_CRED_MAX
        || path->pass.len == 0 || path->pass.len > XT_ARG_CRED_MAX)
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* "base" + each component of dir percent-encoded: the BaseURL */
static ngx_int_t
ngx_xtream_hdhr_base(ngx_http_request_t *r, ngx_str_t *dir, ngx_str_t *out)
{
    u_char     *p, *end, *s, *e;
    size_t      n;
    ngx_str_t   base;

    if (ngx_xtream_base_url(r, &base) != NGX_OK
        || base.len >= XT_HDHR_URL_MAX)
    {
        return NGX_ERROR;
    }

    out->data = ngx_pnalloc(r->pool, XT_HDHR_URL_MAX);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(out->data, base.data, base.len);
    end = out->data + XT_HDHR_URL_MAX;

    for (s = dir->data; s < dir->data + dir->len; s = e) {
        for (e = s + 1; e < dir->data + dir->len && *e != '/'; e++) {
            /* void */
        }

        if (*s == '/') {
            s++;
        }

        if (p >= end) {
            return NGX_DECLINED;
        }

        *p++ = '/';

        n = (s < e) ? xt_hdhr_path_segment((char *) p, end - p, (char *) s,
                                           e - s)
                    : 0;
        if (s < e && n == 0) {
            return NGX_DECLINED;
        }

        p += n;
    }

    /* a trailing '/' (location / at the root) is not part of BaseURL */
    while (p > out->data + base.len && p[-1] == '/') {
        p--;
    }

    out->len = p - out->data;

    return NGX_OK;
}


static ngx_int_t
ngx_xtream_hdhr_send(ngx_http_request_t *r, const char *type, u_char *data,
    size_t len)
{
    ngx_int_t    rc;
    ngx_buf_t   *b;
    ngx_chain_t  out;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = len;
    r->headers_out.content_type.data = (u_char *) type;
    r->headers_out.content_type.len = ngx_strlen(type);
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    if (len == 0) {
        r->header_only = 1;
    }

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->pos = data;
    b->last = data + len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


static ngx_int_t
ngx_xtream_hdhr_lineup(ngx_http_request_t *r, xt_snap_t *lines,
    const xt_snap_line_t *line, ngx_str_t *pass)
{
    u_char            *p, *end;
    size_t             n;
    void              *scratch;
    ngx_str_t          base;
    xt_hdhr_lineup_t  *l;
    ngx_xtream_map_t  *cat;

    static ngx_str_t  type = ngx_string("application/json");

    /* every lineup URL is MPEG-TS: a line without that output would get
       a list of refusals */
    if (!xt_access_output_allowed(line->outputs, 0)) {
        return ngx_xtream_send_error(r, NGX_HTTP_FORBIDDEN,
                                     "MPEG-TS is not allowed for this line");
    }

    cat = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_CATALOG);
    if (cat == NULL) {
        return ngx_xtream_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                     "catalog not available yet");
    }

    if (ngx_xtream_base_url(r, &base) != NGX_OK
        || base.len >= XT_HDHR_URL_MAX / 2)
    {
        return ngx_xtream_send_error(r, NGX_HTTP_BAD_REQUEST,
                                     "host name too long");
    }

    l = ngx_palloc(r->pool, sizeof(xt_hdhr_lineup_t));
    scratch = ngx_palloc(r->pool, xt_hdhr_scratch_size(&cat->snap));
    p = ngx_pnalloc(r->pool, XT_HDHR_URL_MAX);
    if (l == NULL || scratch == NULL || p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* base/live/<stored username>/<password as given>/: both at most 64
       bytes, x3 encoded, fit the other half of the buffer */
    end = p + XT_HDHR_URL_MAX;
    base.data = ngx_cpymem(p, base.data, base.len);
    base.data = ngx_cpymem(base.data, "/live/", 6);
    n = xt_hdhr_path_segment((char *) base.data, end - base.data,
                             xt_snap_strp(lines, line->username),
                             line->username.len);
    base.data += n;
    *base.data++ = '/';
    n = xt_hdhr_path_segment((char *) base.data, end - base.data,
                             (char *) pass->data, pass->len);
    base.data += n;
    *base.data++ = '/';

    if (xt_hdhr_lineup_init(l, &cat->snap, lines, line, (char *) p,
                            base.data - p, scratch)
        != 0)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_type = type;
    r->headers_out.content_type_len = type.len;
    r->headers_out.content_type_lowcase = NULL;
    /* chunked: a size pass would double the work of a 10 000-channel
       lineup */
    r->headers_out.content_length_n = -1;

    return ngx_xtream_send_stream(r, xt_hdhr_lineup_next, l);
}


static ngx_int_t
ngx_xtream_hdhr_process(ngx_http_request_t *r)
{
    u_char                      *buf, name[sizeof("xtream ") + XT_ARG_CRED_MAX];
    size_t                       n;
    xt_args_t                   *args;
    ngx_int_t                    rc;
    ngx_str_t                    base_url;
    xt_hdhr_dev_t                dev;
    ngx_xtream_map_t            *lm;
    const xt_snap_line_t        *line;
    ngx_xtream_hdhr_path_t       path;
    ngx_xtream_hdhr_loc_conf_t  *hlcf;

    hlcf = ngx_http_get_module_loc_conf(r, ngx_xtream_hdhr_module);

    /* nginx has decoded r->uri; the raw target must be sane as well */
    if (r->uri.len > 1024
        || ngx_strlchr(r->uri.data, r->uri.data + r->uri.len, '\0') != NULL
        || ngx_xtream_hdhr_parse(r, hlcf, &path) != NGX_OK)
    {
        return ngx_xtream_send_error(r, NGX_HTTP_NOT_FOUND, "not found");
    }

    if ((r->method & NGX_HTTP_POST) && path.doc != NGX_XTREAM_HDHR_POST) {
        return ngx_xtream_send_error(r, NGX_HTTP_NOT_ALLOWED,
                                     "method not allowed");
    }

    lm = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_LINES);
    if (lm == NULL) {
        return ngx_xtream_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                     "lines not available yet");
    }

    args = ngx_pcalloc(r->pool, sizeof(xt_args_t));
    if (args == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(args->username.data, path.user.data, path.user.len);
    args->username.len = path.user.len;
    args->username.set = 1;
    ngx_memcpy(args->password.data, path.pass.data, path.pass.len);
    args->password.len = path.pass.len;
    args->password.set = 1;

    if (hlcf->username.len) {
        /* the operator's credentials: checked, never counted */
        line = xt_snap_line_find(&lm->snap, args->username.data,
                                 args->username.len);
        if (line == NULL
            || !xt_password_check(line->salt, line->hash,
                                  args->password.data, args->password.len))
        {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "xtream_hdhr: the bound line \"%V\" does not "
                          "authenticate", &hlcf->username);
            return ngx_xtream_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                         "tuner not available");
        }

    } else {
        /* the player API's login: lock-out, constant work, counting */
        rc = ngx_xtream_login(r, &lm->snap, args, &line);

        if (rc == NGX_HTTP_TOO_MANY_REQUESTS) {
            return ngx_xtream_send_error(r, NGX_HTTP_TOO_MANY_REQUESTS,
                                         "too many failed logins");
        }

        if (rc != NGX_OK) {
            return ngx_xtream_send_error(r, NGX_HTTP_UNAUTHORIZED,
                                         "authentication failed");
        }
    }

    if (xt_line_status(line, ngx_time()) != XT_STATUS_ACTIVE) {
        return ngx_xtream_send_error(r, NGX_HTTP_FORBIDDEN,
                                     "line not active");
    }

    switch (path.doc) {

    case NGX_XTREAM_HDHR_LINEUP:
        return ngx_xtream_hdhr_lineup(r, &lm->snap, line, &path.pass);

    case NGX_XTREAM_HDHR_STATUS:
        return ngx_xtream_hdhr_send(r, "application/json",
                                    (u_char *) xt_hdhr_lineup_status,
                                    ngx_strlen(xt_hdhr_lineup_status));

    case NGX_XTREAM_HDHR_POST:
        /* Plex's "scan channels": nothing to scan, the lineup is fixed */
        return ngx_xtream_hdhr_send(r, "text/plain", NULL, 0);

    default:
        break;
    }

    rc = ngx_xtream_hdhr_base(r, &path.dir, &base_url);
    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        return ngx_xtream_send_error(r, NGX_HTTP_REQUEST_URI_TOO_LARGE,
                                     "path too long");
    }

    /* FriendlyName "xtream <username>": Plex lists tuners by it */
    n = ngx_min(line->username.len, XT_ARG_CRED_MAX);
    ngx_memcpy(ngx_cpymem(name, "xtream ", 7),
               xt_snap_strp(&lm->snap, line->username), n);

    ngx_memzero(&dev, sizeof(xt_hdhr_dev_t));
    dev.base_url = (char *) base_url.data;
    dev.base_url_len = base_url.len;
    dev.name = (char *) name;
    dev.name_len = 7 + n;
    dev.device_id = xt_hdhr_device_id(line->id, (char *) name + 7, n);
    dev.tuners = line->max_connections;
    dev.line_id = line->id;

    buf = ngx_pnalloc(r->pool, XT_HDHR_DOC_MAX);
    if (buf == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (path.doc == NGX_XTREAM_HDHR_DISCOVER) {
        n = xt_hdhr_discover(&dev, (char *) buf, XT_HDHR_DOC_MAX);
        return n ? ngx_xtream_hdhr_send(r, "application/json", buf, n)
                 : NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    n = xt_hdhr_device_xml(&dev, (char *) buf, XT_HDHR_DOC_MAX);

    return n ? ngx_xtream_hdhr_send(r, "application/xml", buf, n)
             : NGX_HTTP_INTERNAL_SERVER_ERROR;
}


static ngx_int_t
ngx_xtream_hdhr_handler(ngx_http_request_t *r)
{
    ngx_int_t  rc;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST))) {
        ngx_http_discard_request_body(r);
        return ngx_xtream_send_error(r, NGX_HTTP_NOT_ALLOWED,
                                     "method not allowed");
    }

    /* lineup.post carries its arguments in the query; a body is ignored */
    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    rc = ngx_xtream_hdhr_process(r);

    if (rc == NGX_DONE) {
        /* lineup.json continues from the write event */
        r->main->count++;
    }

    return rc;
}


static void *
ngx_xtream_hdhr_create_loc_conf(ngx_conf_t *cf)
{
    return ngx_pcalloc(cf->pool, sizeof(ngx_xtream_hdhr_loc_conf_t));
}


static char *
ngx_xtream_hdhr(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_xtream_hdhr_loc_conf_t *hlcf = conf;

    ngx_str_t                 *value;
    ngx_http_core_loc_conf_t  *clcf;
    ngx_xtream_main_conf_t    *xmcf;

    if (hlcf->enabled) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 3) {
        if (value[1].len == 0 || value[1].len > XT_ARG_CRED_MAX
            || value[2].len == 0 || value[2].len > XT_ARG_CRED_MAX)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "xtream_hdhr: username and password must be "
                               "1 to %d bytes", XT_ARG_CRED_MAX);
            return NGX_CONF_ERROR;
        }

        hlcf->username = value[1];
        hlcf->password = value[2];
    }

    hlcf->enabled = 1;

    /* the snapshots are mapped only where an API location exists */
    xmcf = ngx_http_conf_get_module_main_conf(cf, ngx_xtream_module);
    xmcf->api_used = 1;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_xtream_hdhr_handler;

    return NGX_CONF_OK;
}
