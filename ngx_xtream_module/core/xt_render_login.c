/*
 * Login renderer.  Numbers that XC sends as strings (mysqli returns every
 * column as a string) go through yajl_gen_string; only auth and
 * timestamp_now are JSON numbers, process a boolean.  "/" is escaped as
 * PHP's json_encode does ("Europe\/London").
 */

#include <stdio.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "xt_render_login.h"


#define XT_KEY(g, k)                                                         \
    yajl_gen_string(g, (const unsigned char *) k, sizeof(k) - 1)


static yajl_gen
xt_gen(xt_sink_pt sink, void *ctx)
{
    yajl_gen  g;

    g = yajl_gen_alloc(NULL);
    if (g == NULL) {
        return NULL;
    }

    yajl_gen_config(g, yajl_gen_print_callback, sink, ctx);
    yajl_gen_config(g, yajl_gen_escape_solidus, 1);

    return g;
}


static yajl_gen_status
xt_str(yajl_gen g, const char *p, size_t len)
{
    return yajl_gen_string(g, (const unsigned char *) p, len);
}


static yajl_gen_status
xt_num_str(yajl_gen g, int64_t v)
{
    int   n;
    char  buf[24];

    n = snprintf(buf, sizeof(buf), "%lld", (long long) v);

    return xt_str(g, buf, (size_t) n);
}


static yajl_gen_status
xt_user_info(yajl_gen g, const xt_login_t *in)
{
    int                    ok;
    xt_status_e            st;
    const xt_snap_t       *s;
    const xt_snap_line_t  *l;

    s = in->lines;
    l = in->line;
    st = xt_line_status(l, in->now);

    ok = XT_KEY(g, "user_info") == yajl_gen_status_ok
         && yajl_gen_map_open(g) == yajl_gen_status_ok
         && XT_KEY(g, "username") == yajl_gen_status_ok
         && xt_str(g, xt_snap_strp(s, l->username), l->username.len) == yajl_gen_status_ok
         && XT_KEY(g, "password") == yajl_gen_status_ok
         && xt_str(g, in->password.data, in->password.len) == yajl_gen_status_ok
         && (in->panel
             || (XT_KEY(g, "message") == yajl_gen_status_ok
                 && xt_str(g, xt_snap_strp(s, l->message), l->message.len)
                    == yajl_gen_status_ok))
         && XT_KEY(g, "auth") == yajl_gen_status_ok
         && yajl_gen_integer(g, 1) == yajl_gen_status_ok
         && XT_KEY(g, "status") == yajl_gen_status_ok
         && xt_str(g, xt_status_name(st), strlen(xt_status_name(st))) == yajl_gen_status_ok
         && XT_KEY(g, "exp_date") == yajl_gen_status_ok
         && (l->exp_date == 0 ? yajl_gen_null(g) : xt_num_str(g, l->exp_date))
            == yajl_gen_status_ok
         && XT_KEY(g, "is_trial") == yajl_gen_status_ok
         && xt_str(g, (l->flags & XT_LINE_TRIAL) ? "1" : "0", 1) == yajl_gen_status_ok
         && XT_KEY(g, "active_cons") == yajl_gen_status_ok
         && xt_num_str(g, in->active_cons) == yajl_gen_status_ok
         && XT_KEY(g, "created_at") == yajl_gen_status_ok
         && xt_num_str(g, l->created_at) == yajl_gen_status_ok
         && XT_KEY(g, "max_connections") == yajl_gen_status_ok
         && xt_num_str(g, l->max_connections) == yajl_gen_status_ok
         && XT_KEY(g, "allowed_output_formats") == yajl_gen_status_ok
         && yajl_gen_array_open(g) == yajl_gen_status_ok
         && (!(l->outputs & XT_OUT_M3U8) || xt_str(g, "m3u8", 4) == 0)
         && (!(l->outputs & XT_OUT_TS) || xt_str(g, "ts", 2) == 0)
         && (!(l->outputs & XT_OUT_RTMP) || xt_str(g, "rtmp", 4) == 0)
         && yajl_gen_array_close(g) == yajl_gen_status_ok
         && yajl_gen_map_close(g) == yajl_gen_status_ok;

    return ok ? yajl_gen_status_ok : yajl_gen_in_error_state;
}


static yajl_gen_status xt_server_info_rest(yajl_gen g, const xt_login_t *in,
    const char *now);


static yajl_gen_status
xt_server_info(yajl_gen g, const xt_login_t *in)
{
    int   ok;
    char  now[XT_TZ_TIME_LEN + 1];

    xt_tz_format(in->tz, in->now, now);

    ok = XT_KEY(g, "server_info") == yajl_gen_status_ok
         && yajl_gen_map_open(g) == yajl_gen_status_ok
         && XT_KEY(g, "url") == yajl_gen_status_ok
         && xt_str(g, in->url.data, in->url.len) == yajl_gen_status_ok
         && XT_KEY(g, "port") == yajl_gen_status_ok
         && xt_str(g, in->port.data, in->port.len) == yajl_gen_status_ok
         && XT_KEY(g, "https_port") == yajl_gen_status_ok
         && xt_str(g, in->https_port.data, in->https_port.len) == yajl_gen_status_ok
         && XT_KEY(g, "server_protocol") == yajl_gen_status_ok
         && xt_str(g, in->protocol.data, in->protocol.len) == yajl_gen_status_ok
         && (in->panel
             || xt_server_info_rest(g, in, now) == yajl_gen_status_ok)
         && yajl_gen_map_close(g) == yajl_gen_status_ok;

    return ok ? yajl_gen_status_ok : yajl_gen_in_error_state;
}


static yajl_gen_status
xt_server_info_rest(yajl_gen g, const xt_login_t *in, const char *now)
{
    int  ok;

    ok = XT_KEY(g, "rtmp_port") == yajl_gen_status_ok
         && xt_str(g, in->rtmp_port.data, in->rtmp_port.len) == yajl_gen_status_ok
         && XT_KEY(g, "timezone") == yajl_gen_status_ok
         && xt_str(g, in->tz->name, strlen(in->tz->name)) == yajl_gen_status_ok
         && XT_KEY(g, "timestamp_now") == yajl_gen_status_ok
         && yajl_gen_integer(g, in->now) == yajl_gen_status_ok
         && XT_KEY(g, "time_now") == yajl_gen_status_ok
         && xt_str(g, now, XT_TZ_TIME_LEN) == yajl_gen_status_ok
         && XT_KEY(g, "process") == yajl_gen_status_ok
         && yajl_gen_bool(g, in->process) == yajl_gen_status_ok;

    return ok ? yajl_gen_status_ok : yajl_gen_in_error_state;
}


int
xt_render_login(const xt_login_t *in, xt_sink_pt sink, void *ctx)
{
    int       ok;
    yajl_gen  g;

    g = xt_gen(sink, ctx);
    if (g == NULL) {
        return -1;
    }

    ok = yajl_gen_map_open(g) == yajl_gen_status_ok
         && xt_user_info(g, in) == yajl_gen_status_ok
         && xt_server_info(g, in) == yajl_gen_status_ok
         && yajl_gen_map_close(g) == yajl_gen_status_ok;

    yajl_gen_free(g);

    return ok ? 0 : -1;
}


int
xt_render_auth_failed(xt_sink_pt sink, void *ctx)
{
    int       ok;
    yajl_gen  g;

    g = xt_gen(sink, ctx);
    if (g == NULL) {
        return -1;
    }

    ok = yajl_gen_map_open(g) == yajl_gen_status_ok
         && XT_KEY(g, "user_info") == yajl_gen_status_ok
         && yajl_gen_map_open(g) == yajl_gen_status_ok
         && XT_KEY(g, "auth") == yajl_gen_status_ok
         && yajl_gen_integer(g, 0) == yajl_gen_status_ok
         && yajl_gen_map_close(g) == yajl_gen_status_ok
         && yajl_gen_map_close(g) == yajl_gen_status_ok;

    yajl_gen_free(g);

    return ok ? 0 : -1;
}


int
xt_render_error(const char *msg, xt_sink_pt sink, void *ctx)
{
    int       ok;
    yajl_gen  g;

    g = xt_gen(sink, ctx);
    if (g == NULL) {
        return -1;
    }

    ok = yajl_gen_map_open(g) == yajl_gen_status_ok
         && XT_KEY(g, "error") == yajl_gen_status_ok
         && xt_str(g, msg, strlen(msg)) == yajl_gen_status_ok
         && yajl_gen_map_close(g) == yajl_gen_status_ok;

    yajl_gen_free(g);

    return ok ? 0 : -1;
}


int
xt_render_panel_head(const xt_login_t *in, xt_sink_pt sink, void *ctx)
{
    int       ok;
    yajl_gen  g;

    g = xt_gen(sink, ctx);
    if (g == NULL) {
        return -1;
    }

    /* the object stays open: the caller continues it */
    ok = yajl_gen_map_open(g) == yajl_gen_status_ok
         && xt_user_info(g, in) == yajl_gen_status_ok
         && xt_server_info(g, in) == yajl_gen_status_ok;

    yajl_gen_free(g);

    return ok ? 0 : -1;
}


int
xt_render_string(const char *p, size_t len, xt_sink_pt sink, void *ctx)
{
    int       ok;
    yajl_gen  g;

    g = xt_gen(sink, ctx);
    if (g == NULL) {
        return -1;
    }

    ok = xt_str(g, p, len) == yajl_gen_status_ok;

    yajl_gen_free(g);

    return ok ? 0 : -1;
}
