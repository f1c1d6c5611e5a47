/*
 * The xtream_api content handler: picks the endpoint by the URI's last
 * path component, reads the (bounded) form body for POST, parses the
 * arguments strictly and hands over to the endpoint.
 */

#include "xt_access.h"
#include "xt_args.h"
#include "ngx_xtream_module.h"
#include "ngx_xtream_player_api.h"


typedef struct {
    ngx_str_t                 name;
    ngx_xtream_endpoint_pt    handler;
} ngx_xtream_endpoint_t;


static ngx_xtream_endpoint_t  ngx_xtream_endpoints[] = {
    { ngx_string("player_api.php"), ngx_xtream_player_api },
    { ngx_string("get.php"), ngx_xtream_get_php },
    { ngx_string("xmltv.php"), ngx_xtream_xmltv_php },
    { ngx_string("panel_api.php"), ngx_xtream_panel_api },
    { ngx_null_string, NULL }
};


static ngx_xtream_endpoint_pt
ngx_xtream_route(ngx_http_request_t *r)
{
    u_char                 *p, *last;
    ngx_str_t               name;
    ngx_xtream_endpoint_t  *ep;

    /* r->uri is decoded and normalised by nginx; only its tail matters,
       so sub-path panels (/panel/player_api.php) work too */
    last = r->uri.data + r->uri.len;
    for (p = last; p > r->uri.data && p[-1] != '/'; p--) { /* void */ }

    name.data = p;
    name.len = last - p;

    for (ep = ngx_xtream_endpoints; ep->handler; ep++) {
        if (ep->name.len == name.len
            && ngx_strncmp(ep->name.data, name.data, name.len) == 0)
        {
            return ep->handler;
        }
    }

    return NULL;
}


/* the body as one contiguous buffer, at most NGX_XTREAM_BODY_MAX bytes */
static ngx_int_t
ngx_xtream_body(ngx_http_request_t *r, ngx_str_t *body)
{
    u_char       *p;
    size_t        len;
    ngx_chain_t  *cl;

    body->data = NULL;
    body->len = 0;

    if (r->request_body == NULL || r->request_body->bufs == NULL) {
        return NGX_OK;
    }

    len = 0;
    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        if (cl->buf->in_file || r->request_body->temp_file) {
            return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
        }
        len += cl->buf->last - cl->buf->pos;
    }

    if (len > NGX_XTREAM_BODY_MAX) {
        return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
    }

    p = ngx_pnalloc(r->pool, len + 1);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    body->data = p;
    body->len = len;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        p = ngx_cpymem(p, cl->buf->pos, cl->buf->last - cl->buf->pos);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_xtream_process(ngx_http_request_t *r)
{
    ngx_int_t                rc;
    ngx_str_t                body;
    xt_args_t               *args;
    const char              *err;
    ngx_xtream_endpoint_pt   handler;

    handler = ngx_xtream_route(r);

    /* the Host name goes into URLs of our answers (M3U, server_info): a
       name nginx let through but that is no DNS name or address literal
       (quotes, "=", "<") is refused rather than written out */
    if (r->headers_in.server.len
        && !xt_access_host_valid((const char *) r->headers_in.server.data,
                                 r->headers_in.server.len))
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: bad request: invalid Host header");
        return ngx_xtream_send_error(r, NGX_HTTP_BAD_REQUEST,
                                     "invalid Host header");
    }

    rc = ngx_xtream_body(r, &body);
    if (rc != NGX_OK) {
        return ngx_xtream_send_error(r, rc, rc == NGX_HTTP_INTERNAL_SERVER_ERROR
                                            ? "internal error"
                                            : "request body too large");
    }

    args = ngx_palloc(r->pool, sizeof(xt_args_t));
    if (args == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (xt_args_parse(args, r->args.data, r->args.len, body.data, body.len,
                      &err)
        != 0)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: bad request: %s", err);
        return ngx_xtream_send_error(r, NGX_HTTP_BAD_REQUEST, err);
    }

    return handler(r, args);
}


static void
ngx_xtream_body_handler(ngx_http_request_t *r)
{
    ngx_int_t  rc;

    rc = ngx_xtream_process(r);

    /* NGX_DONE: the list writer finalizes when the output is sent */
    if (rc != NGX_DONE) {
        ngx_http_finalize_request(r, rc);
    }
}


ngx_int_t
ngx_xtream_api_handler(ngx_http_request_t *r)
{
    ngx_int_t  rc;

    if (ngx_xtream_route(r) == NULL) {
        ngx_http_discard_request_body(r);
        return ngx_xtream_send_error(r, NGX_HTTP_NOT_FOUND, "not found");
    }

    if (r->method & NGX_HTTP_POST) {
        if (r->headers_in.content_length_n > NGX_XTREAM_BODY_MAX) {
            ngx_http_discard_request_body(r);
            return ngx_xtream_send_error(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                         "request body too large");
        }

        r->request_body_in_single_buf = 1;

        rc = ngx_http_read_client_request_body(r, ngx_xtream_body_handler);
        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            return rc;
        }

        return NGX_DONE;
    }

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        ngx_http_discard_request_body(r);
        return ngx_xtream_send_error(r, NGX_HTTP_NOT_ALLOWED,
                                     "method not allowed");
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    rc = ngx_xtream_process(r);

    if (rc == NGX_DONE) {
        /* output continues from the write event; keep the request */
        r->main->count++;
    }

    return rc;
}
