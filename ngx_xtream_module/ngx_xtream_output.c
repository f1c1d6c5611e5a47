/*
 * Small JSON responses: rendered by the xt_render_* functions into one
 * pool buffer, then sent with a Content-Length.  Also the headers every
 * player_api answer carries (JSON type, CORS echo of a valid Origin).
 */

#include "xt_render_login.h"
#include "ngx_xtream_module.h"


#define NGX_XTREAM_SINK_START   2048
#define NGX_XTREAM_SINK_MAX     (256 * 1024)    /* a login object is ~1 KB */
#define NGX_XTREAM_ORIGIN_MAX   256


ngx_int_t
ngx_xtream_sink_init(ngx_xtream_sink_t *s, ngx_pool_t *pool)
{
    s->pool = pool;
    s->max = NGX_XTREAM_SINK_MAX;
    s->failed = 0;
    ngx_str_null(&s->type);
    s->buf = ngx_create_temp_buf(pool, NGX_XTREAM_SINK_START);

    return s->buf ? NGX_OK : NGX_ERROR;
}


void
ngx_xtream_sink(void *ctx, const char *p, size_t len)
{
    ngx_xtream_sink_t *s = ctx;

    size_t      size, need;
    ngx_buf_t  *b;

    if (s->failed) {
        return;
    }

    b = s->buf;

    if ((size_t) (b->end - b->last) < len) {
        need = (size_t) (b->last - b->pos) + len;
        if (need > s->max) {
            s->failed = 1;
            return;
        }

        size = (size_t) (b->end - b->start) * 2;
        while (size < need) {
            size *= 2;
        }

        b = ngx_create_temp_buf(s->pool, size);
        if (b == NULL) {
            s->failed = 1;
            return;
        }

        b->last = ngx_cpymem(b->last, s->buf->pos, s->buf->last - s->buf->pos);
        s->buf = b;
    }

    b->last = ngx_cpymem(b->last, p, len);
}


/* Origin: "null" or scheme "://" host [":" port], nothing else */
static ngx_int_t
ngx_xtream_origin_valid(ngx_str_t *o)
{
    u_char  *p, *end, c;

    if (o->len == 4 && ngx_strncmp(o->data, "null", 4) == 0) {
        return 1;
    }

    if (o->len == 0 || o->len > NGX_XTREAM_ORIGIN_MAX) {
        return 0;
    }

    p = o->data;
    end = p + o->len;

    while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
                       || *p == '+' || *p == '-' || *p == '.'))
    {
        p++;
    }

    if (p == o->data || end - p < 4 || ngx_strncmp(p, "://", 3) != 0) {
        return 0;
    }

    for (p += 3; p < end; p++) {
        c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':'
              || c == '[' || c == ']'))
        {
            return 0;
        }
    }

    return 1;
}


static ngx_table_elt_t *
ngx_xtream_find_header(ngx_http_request_t *r, const char *name, size_t len)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {
        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }
            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == len
            && ngx_strncasecmp(h[i].key.data, (u_char *) name, len) == 0)
        {
            return &h[i];
        }
    }
}


ngx_int_t
ngx_xtream_add_header(ngx_http_request_t *r, const char *key, ngx_str_t *val)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.data = (u_char *) key;
    h->key.len = ngx_strlen(key);
    h->value = *val;

    return NGX_OK;
}


ngx_int_t
ngx_xtream_set_json_headers(ngx_http_request_t *r, ngx_uint_t status,
    off_t length)
{
    ngx_str_t         v;
    ngx_table_elt_t  *origin;

    static ngx_str_t  type = ngx_string("application/json");
    static ngx_str_t  yes = ngx_string("true");

    r->headers_out.status = status;
    r->headers_out.content_length_n = length;
    r->headers_out.content_type = type;
    r->headers_out.content_type_len = type.len;
    r->headers_out.content_type_lowcase = NULL;

    origin = ngx_xtream_find_header(r, "Origin", 6);

    if (origin && ngx_xtream_origin_valid(&origin->value)) {
        v = origin->value;
        if (ngx_xtream_add_header(r, "Access-Control-Allow-Origin", &v)
            != NGX_OK
            || ngx_xtream_add_header(r, "Access-Control-Allow-Credentials",
                                     &yes)
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


ngx_int_t
ngx_xtream_send_sink(ngx_http_request_t *r, ngx_uint_t status,
    ngx_xtream_sink_t *s)
{
    ngx_int_t    rc;
    ngx_buf_t   *b;
    ngx_chain_t  out;

    if (s->failed) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "xtream: rendering a response failed");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b = s->buf;

    if (ngx_xtream_set_json_headers(r, status, b->last - b->pos) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (s->type.len) {
        r->headers_out.content_type = s->type;
        /* without "; charset=...", as the type filters (gzip_types) match */
        r->headers_out.content_type_len = s->type.len;
        while (r->headers_out.content_type_len
               && s->type.data[r->headers_out.content_type_len - 1] != ';')
        {
            r->headers_out.content_type_len--;
        }
        r->headers_out.content_type_len = r->headers_out.content_type_len
                                          ? r->headers_out.content_type_len - 1
                                          : s->type.len;
    }

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


ngx_int_t
ngx_xtream_send_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *msg)
{
    ngx_xtream_sink_t  s;

    if (ngx_xtream_sink_init(&s, r->pool) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (xt_render_error(msg, ngx_xtream_sink, &s) != 0) {
        s.failed = 1;
    }

    return ngx_xtream_send_sink(r, status, &s);
}


ngx_int_t
ngx_xtream_send_empty(ngx_http_request_t *r, ngx_uint_t status)
{
    ngx_int_t  rc;

    r->headers_out.status = status;
    r->headers_out.content_length_n = 0;
    r->header_only = 1;

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK) {
        return rc;
    }

    return ngx_http_send_special(r, NGX_HTTP_LAST);
}
