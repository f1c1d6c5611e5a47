/*
 * xmltv.php: the line's guide, streamed in rounds (xt_xmltv.h).  Bad
 * credentials and lines that are not Active get 401 with an empty body
 * (XC2).  Without an EPG snapshot the document has no channels.
 */

#include "xt_xmltv.h"
#include "ngx_xtream_player_api.h"


ngx_int_t
ngx_xtream_xmltv_php(ngx_http_request_t *r, xt_args_t *args)
{
    void                     *scratch;
    ngx_int_t                 rc;
    uint32_t                  prev, next;
    xt_xmltv_t               *x;
    ngx_xtream_map_t         *lm, *cat, *epg;
    const xt_snap_line_t     *line;
    const xt_snap_setting_t  *st;
    ngx_xtream_main_conf_t   *xmcf;

    static ngx_str_t  type = ngx_string("application/xml; charset=utf-8");

    xmcf = ngx_http_get_module_main_conf(r, ngx_xtream_module);

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
        return ngx_xtream_send_empty(r, NGX_HTTP_UNAUTHORIZED);
    }

    epg = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_EPG);

    prev = args->has_prev_days ? args->prev_days : XT_XMLTV_DAYS_DEFAULT;
    next = args->has_next_days ? args->next_days : XT_XMLTV_DAYS_DEFAULT;
    prev = ngx_min(prev, XT_XMLTV_DAYS_MAX);
    next = ngx_min(next, XT_XMLTV_DAYS_MAX);

    x = ngx_palloc(r->pool, sizeof(xt_xmltv_t));
    scratch = ngx_palloc(r->pool,
                         xt_xmltv_scratch_size(&cat->snap,
                                               epg ? &epg->snap : NULL));
    if (x == NULL || scratch == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    st = xt_snap_setting_find(&cat->snap, "server_name", 11);

    xt_xmltv_init(x, &cat->snap, &lm->snap, line, epg ? &epg->snap : NULL,
                  xmcf->tz, ngx_time(), prev, next,
                  st ? xt_snap_strp(&cat->snap, st->value) : "xtream",
                  st ? st->value.len : 6, scratch);

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_type = type;
    /* the length of the type without its parameters, as
       ngx_http_set_content_type() sets it: gzip_types and the other
       *_types lists match on it (the whole string never matched) */
    r->headers_out.content_type_len = sizeof("application/xml") - 1;
    r->headers_out.content_type_lowcase = NULL;
    r->headers_out.content_length_n = -1;

    return ngx_xtream_send_stream(r, xt_xmltv_next, x);
}
