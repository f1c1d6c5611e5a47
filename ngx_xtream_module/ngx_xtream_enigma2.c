/*
 * Enigma2 receivers (xt_e2.h): /enigma2.php, the XML browse API, and
 * get.php's install scripts.  Missing or bad credentials and lines that
 * are not Active get 401 with an empty body, as xmltv.php; an unknown type
 * or a missing parameter 400 with the reason; an unknown or not entitled
 * series 404.
 */

#include "xt_e2.h"
#include "ngx_xtream_player_api.h"


ngx_int_t
ngx_xtream_e2_script(ngx_http_request_t *r, ngx_str_t *base,
    const xt_snap_line_t *line, xt_snap_t *lines, xt_args_t *args,
    const char *name, size_t name_len, int script, const char *output)
{
    u_char             *user;
    size_t              n;
    ngx_xtream_sink_t   s;

    static ngx_str_t  type = ngx_string("application/octet-stream");
    static ngx_str_t  cd = ngx_string("attachment; filename=\"iptv.sh\"");

    if (ngx_xtream_sink_init(&s, r->pool) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    user = ngx_pnalloc(r->pool, line->username.len + 1);
    s.buf = ngx_create_temp_buf(r->pool, XT_E2_SCRIPT_MAX);
    if (user == NULL || s.buf == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(user, xt_snap_strp(lines, line->username), line->username.len);
    user[line->username.len] = '\0';

    n = xt_e2_script((char *) s.buf->pos, (const char *) base->data,
                     base->len, (const char *) user,
                     (const char *) args->password.data, name, name_len,
                     script == 22, output);
    if (n == 0) {
        return ngx_xtream_send_error(r, NGX_HTTP_BAD_REQUEST,
                                     "the server address cannot go into "
                                     "a script");
    }

    s.buf->last = s.buf->pos + n;
    s.type = type;

    if (ngx_xtream_add_header(r, "Content-Disposition", &cd) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_xtream_send_sink(r, NGX_HTTP_OK, &s);
}


ngx_int_t
ngx_xtream_enigma2_php(ngx_http_request_t *r, xt_args_t *args)
{
    u_char                  *user;
    ngx_str_t                base;
    ngx_uint_t               status;
    xt_e2_rc_e               e2rc;
    xt_e2_req_t              q;
    ngx_xtream_map_t        *lm, *cat, *epg;
    ngx_xtream_sink_t        s;
    const xt_snap_line_t    *line;
    const xt_snap_setting_t *st;
    ngx_xtream_main_conf_t  *xmcf;

    static ngx_str_t  type = ngx_string("application/xml; charset=utf-8");

    xmcf = ngx_http_get_module_main_conf(r, ngx_xtream_module);

    status = ngx_xtream_file_auth(r, args, NGX_HTTP_UNAUTHORIZED, &lm, &cat,
                                  &line);
    if (status) {
        return ngx_xtream_send_empty(r, status);
    }

    if (ngx_xtream_base_url(r, &base) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    epg = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_EPG);
    st = xt_snap_setting_find(&cat->snap, "server_name", 11);

    user = ngx_pnalloc(r->pool, line->username.len + 1);
    if (user == NULL || ngx_xtream_sink_init(&s, r->pool) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(user, xt_snap_strp(&lm->snap, line->username),
               line->username.len);
    user[line->username.len] = '\0';

    ngx_memzero(&q, sizeof(xt_e2_req_t));
    q.cat = &cat->snap;
    q.lines = &lm->snap;
    q.line = line;
    q.epg = epg ? &epg->snap : NULL;
    q.tz = xmcf->tz;
    q.now = ngx_time();
    q.base = (const char *) base.data;
    q.base_len = base.len;
    q.user = (const char *) user;
    q.pass = (const char *) args->password.data;
    q.name = st ? xt_snap_strp(&cat->snap, st->value) : "xtream";
    q.name_len = st ? st->value.len : 6;
    q.type = args->type.set ? (const char *) args->type.data : "";
    /* XC's players send cat_id, or scat_id for series */
    q.has_cat = args->has_cat_id || args->has_scat_id;
    q.cat_id = args->has_cat_id ? args->cat_id : args->scat_id;
    q.has_series = args->has_series_id;
    q.series_id = args->series_id;
    q.has_season = args->has_season;
    q.season = args->season;

    q.scratch = ngx_palloc(r->pool, xt_e2_scratch_size(&cat->snap));
    if (q.scratch == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    e2rc = xt_e2_render(&q, ngx_xtream_sink, &s);

    switch (e2rc) {

    case XT_E2_UNKNOWN_TYPE:
        return ngx_xtream_send_error(r, NGX_HTTP_BAD_REQUEST, "unknown type");

    case XT_E2_MISSING:
        return ngx_xtream_send_error(r, NGX_HTTP_BAD_REQUEST,
                                     "series_id (and season for "
                                     "get_series_streams) required");

    case XT_E2_NOT_FOUND:
        return ngx_xtream_send_error(r, NGX_HTTP_NOT_FOUND, "unknown series");

    case XT_E2_ERROR:
        return NGX_HTTP_INTERNAL_SERVER_ERROR;

    default:
        s.type = type;
        return ngx_xtream_send_sink(r, NGX_HTTP_OK, &s);
    }
}
