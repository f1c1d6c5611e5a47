/*
 * The player_api login object (user_info + server_info) and the small
 * fixed answers ({"user_info":{"auth":0}}, {"error":"..."}), rendered with
 * yajl into a sink.  Key order and JSON types follow XC 2.x exactly.
 */

#ifndef XT_RENDER_LOGIN_H
#define XT_RENDER_LOGIN_H

#include <stddef.h>
#include <stdint.h>

#include "xt_entitle.h"
#include "xt_sink.h"
#include "xt_tz.h"


typedef struct {
    const char  *data;
    size_t       len;
} xt_text_t;

typedef struct {
    const xt_snap_t        *lines;
    const xt_snap_line_t   *line;
    xt_text_t               password;       /* as sent; it matched */
    uint32_t                active_cons;
    int64_t                 now;

    xt_text_t               url;            /* host only */
    xt_text_t               port;
    xt_text_t               https_port;
    xt_text_t               rtmp_port;
    xt_text_t               protocol;       /* "http" or "https" */
    const xt_tz_t          *tz;
    int                     process;
    int                     panel;          /* panel_api.php: no message,
                                               server_info url..protocol */
} xt_login_t;


/* each returns 0, or -1 when yajl failed (allocation, bad state) */
int xt_render_login(const xt_login_t *in, xt_sink_pt sink, void *ctx);
int xt_render_auth_failed(xt_sink_pt sink, void *ctx);
int xt_render_error(const char *msg, xt_sink_pt sink, void *ctx);

/* {"user_info":{...},"server_info":{...}  -- left open for the caller */
int xt_render_panel_head(const xt_login_t *in, xt_sink_pt sink, void *ctx);

/* one JSON string (quotes, escapes; invalid UTF-8 passes as bytes) */
int xt_render_string(const char *p, size_t len, xt_sink_pt sink, void *ctx);

#endif /* XT_RENDER_LOGIN_H */
