/*
 * get.php: the line's playlist, streamed in rounds (xt_m3u.h): m3u,
 * m3u_plus, or an Enigma2 userbouquet (dreambox, enigma, enigma16); the
 * Enigma2 install scripts (enigma22_script, enigma216_script) come from
 * ngx_xtream_enigma2.c.  key= keeps only some kinds.  Bad credentials and
 * lines that are not Active get 404 with an empty body (XC2); an unknown
 * type, output or key gets 400 and no playlist.
 */

#include "xt_m3u.h"
#include "ngx_xtream_player_api.h"


ngx_int_t
ngx_xtream_get_php(ngx_http_request_t *r, xt_args_t *args)
{
    int                    format, script;
    ngx_uint_t             status;
    unsigned               kinds;
    void                  *scratch;
    u_char                *p;
    xt_m3u_t              *m;
    ngx_str_t              base;
    const char            *ext;
    ngx_table_elt_t       *h;
    ngx_xtream_map_t      *lm, *cat;
    const xt_snap_line_t  *line;

    const xt_snap_setting_t  *st;

    static ngx_str_t  type = ngx_string("audio/x-mpegurl");
    static ngx_str_t  e2type = ngx_string("application/octet-stream");

    format = XT_M3U_PLUS;
    script = 0;
    kinds = XT_M3U_K_ALL;
    ext = "ts";

    if (args->type.set) {
        if (ngx_strcmp(args->type.data, "m3u") == 0) {
            format = XT_M3U_PLAIN;

        } else if (ngx_strcmp(args->type.data, "dreambox") == 0
                   || ngx_strcmp(args->type.data, "enigma") == 0
                   || ngx_strcmp(args->type.data, "enigma16") == 0)
        {
            format = XT_M3U_ENIGMA;

        } else if (ngx_strcmp(args->type.data, "enigma22_script") == 0) {
            script = 22;

        } else if (ngx_strcmp(args->type.data, "enigma216_script") == 0) {
            script = 216;

        } else if (ngx_strcmp(args->type.data, "m3u_plus") != 0) {
            return ngx_xtream_send_error(r, NGX_HTTP_BAD_REQUEST,
                                         "unknown type");
        }
    }

    if (args->key.set && args->key.len) {
        kinds = xt_m3u_parse_kinds((const char *) args->key.data,
                                   args->key.len);
        if (kinds == 0) {
            return ngx_xtream_send_error(r, NGX_HTTP_BAD_REQUEST,
                                         "unknown key");
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

    status = ngx_xtream_file_auth(r, args, NGX_HTTP_NOT_FOUND, &lm, &cat,
                                  &line);
    if (status) {
        return ngx_xtream_send_empty(r, status);
    }

    if (ngx_xtream_base_url(r, &base) != NGX_OK
        || base.len >= XT_M3U_BASE_MAX)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    st = xt_snap_setting_find(&cat->snap, "server_name", 11);

    if (script) {
        return ngx_xtream_e2_script(r, &base, line, &lm->snap, args,
                                    st ? xt_snap_strp(&cat->snap, st->value)
                                       : "xtream",
                                    st ? st->value.len : 6, script, ext);
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

    if (xt_m3u_init(m, &cat->snap, &lm->snap, line, format, ext,
                    (const char *) base.data, base.len, (const char *) p,
                    (const char *) args->password.data, scratch)
        != 0)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    xt_m3u_filter(m, kinds);
    xt_m3u_set_name(m, st ? xt_snap_strp(&cat->snap, st->value) : "xtream",
                    st ? st->value.len : 6);

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_type = format == XT_M3U_ENIGMA ? e2type : type;
    r->headers_out.content_type_len = r->headers_out.content_type.len;
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
    if (format == XT_M3U_ENIGMA) {
        h->value.len = ngx_sprintf(h->value.data, "attachment; filename="
                                   "\"userbouquet.favourites.tv\"")
                       - h->value.data;
    } else {
        h->value.len = ngx_sprintf(h->value.data,
                                   "attachment; filename="
                                   "\"tv_channels_%s%s.m3u\"",
                                   p, format == XT_M3U_PLUS ? "_plus" : "")
                       - h->value.data;
    }

    return ngx_xtream_send_stream(r, xt_m3u_next, m);
}
