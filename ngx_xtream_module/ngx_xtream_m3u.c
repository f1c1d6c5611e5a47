/*
 * get.php: the line's playlist, streamed in rounds (xt_m3u.h).  Bad
 * credentials and lines that are not Active get 404 with an empty body
 * (XC2); an unknown type or output gets 400 and no playlist.
 */

#include "xt_m3u.h"
#include "ngx_xtream_player_api.h"


ngx_int_t
ngx_xtream_get_php(ngx_http_request_t *r, xt_args_t *args)
{
    int                    plus;
    ngx_int_t              rc;
    void                  *scratch;
    u_char                *p;
    xt_m3u_t              *m;
    ngx_str_t              base;
    const char            *ext;
    ngx_table_elt_t       *h;
    ngx_xtream_map_t      *lm, *cat;
    const xt_snap_line_t  *line;

    static ngx_str_t  type = ngx_string("audio/x-mpegurl");

    plus = 1;
    ext = "ts";

    if (args->type.set) {
        if (ngx_strcmp(args->type.data, "m3u") == 0) {
            plus = 0;

        } else if (ngx_strcmp(args->type.data, "m3u_plus") != 0) {
            return ngx_xtream_send_error(r, NGX_HTTP_BAD_REQUEST,
                                         "unknown type");
        }
    }

    if (args->output.set) {
        if (ngx_strcmp(args->output.data, "m3u8") == 0
            || ngx_strcmp(args->output.data, "hls") == 0)
        {
            ext = "m3u8";

        } else if (ngx_strcmp(args->output.data, "ts") != 0
                   && ngx_strcmp(args->output.data, "mpegts") != 0)
        {
            return ngx_xtream_send_error(r, NGX_HTTP_BAD_REQUEST,
                                         "unknown output");
        }
    }

    lm = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_LINES);
    cat = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_CATALOG);
    if (lm == NULL || cat == NULL) {
        return ngx_xtream_send_empty(r, NGX_HTTP_SERVICE_UNAVAILABLE);
    }

    rc = ngx_xtream_login(r, &lm->snap, args, &line);
    if (rc == NGX_HTTP_TOO_MANY_REQUESTS) {
        return ngx_xtream_send_empty(r, NGX_HTTP_TOO_MANY_REQUESTS);
    }

    if (rc != NGX_OK || xt_line_status(line, ngx_time()) != XT_STATUS_ACTIVE)
    {
        return ngx_xtream_send_empty(r, NGX_HTTP_NOT_FOUND);
    }

    if (ngx_xtream_base_url(r, &base) != NGX_OK
        || base.len >= XT_M3U_BASE_MAX)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    m = ngx_palloc(r->pool, sizeof(xt_m3u_t));
    scratch = ngx_palloc(r->pool, xt_m3u_scratch_size(&cat->snap));
    if (m == NULL || scratch == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the stored username (what players reuse), the password as sent */
    p = ngx_pnalloc(r->pool, line->username.len + 1);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    ngx_memcpy(p, xt_snap_strp(&lm->snap, line->username),
               line->username.len);
    p[line->username.len] = '\0';

    if (xt_m3u_init(m, &cat->snap, &lm->snap, line, plus, ext,
                    (const char *) base.data, base.len, (const char *) p,
                    (const char *) args->password.data, scratch)
        != 0)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_type = type;
    r->headers_out.content_type_len = type.len;
    r->headers_out.content_type_lowcase = NULL;
    r->headers_out.content_length_n = (off_t) xt_m3u_size(m);

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->value.data = ngx_pnalloc(r->pool, 64 + line->username.len);
    if (h->value.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the username is of [A-Za-z0-9._@-]: safe in a quoted filename */
    h->hash = 1;
    ngx_str_set(&h->key, "Content-Disposition");
    h->value.len = ngx_sprintf(h->value.data,
                               "attachment; filename=\"tv_channels_%s%s.m3u\"",
                               p, plus ? "_plus" : "")
                   - h->value.data;

    return ngx_xtream_send_stream(r, xt_m3u_next, m);
}
