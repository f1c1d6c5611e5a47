/*
 * panel_api.php: the old full dump (xt_panel.h), streamed in rounds.
 * Wrong credentials: {"user_info":{"auth":0}}; a line that is not Active
 * gets its login object, as player_api does.
 */

#include "xt_panel.h"
#include "ngx_xtream_player_api.h"


ngx_int_t
ngx_xtream_panel_api(ngx_http_request_t *r, xt_args_t *args)
{
    void                  *scratch;
    xt_panel_t            *pn;
    xt_login_t             in;
    ngx_xtream_sink_t      s;
    ngx_xtream_map_t      *lm, *cat;
    const xt_snap_line_t  *line;

    lm = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_LINES);
    cat = ngx_xtream_snap_acquire(r, NGX_XTREAM_SNAP_CATALOG);
    if (lm == NULL || cat == NULL) {
        return ngx_xtream_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                     "snapshots not available yet");
    }

    switch (ngx_xtream_login(r, &lm->snap, args, &line)) {
    case NGX_OK:
        break;
    case NGX_HTTP_TOO_MANY_REQUESTS:
        return ngx_xtream_send_error(r, NGX_HTTP_TOO_MANY_REQUESTS,
                                     "too many failed logins");
    default:
        return ngx_xtream_send_auth_failed(r);
    }

    if (ngx_xtream_login_input(r, &lm->snap, line, args, &in) != NGX_OK
        || ngx_xtream_sink_init(&s, r->pool) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (xt_line_status(line, ngx_time()) != XT_STATUS_ACTIVE) {
        if (xt_render_login(&in, ngx_xtream_sink, &s) != 0) {
            s.failed = 1;
        }
        return ngx_xtream_send_sink(r, NGX_HTTP_OK, &s);
    }

    in.panel = 1;

    if (xt_render_panel_head(&in, ngx_xtream_sink, &s) != 0 || s.failed) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    pn = ngx_palloc(r->pool, sizeof(xt_panel_t));
    scratch = ngx_palloc(r->pool, xt_panel_scratch_size(&cat->snap));
    if (pn == NULL || scratch == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    xt_panel_init(pn, &cat->snap, &lm->snap, line, (char *) s.buf->pos,
                  s.buf->last - s.buf->pos, scratch);

    if (ngx_xtream_set_json_headers(r, NGX_HTTP_OK, -1) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_xtream_send_stream(r, xt_panel_next, pn);
}
