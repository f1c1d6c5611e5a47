/*
 * ngx_xtream_module: shared declarations of the nginx glue.  The pure-C
 * pieces (xt_*.h) know nothing of nginx; these files connect them to
 * directives, per-worker snapshot maps and content handlers.
 */

#ifndef NGX_XTREAM_MODULE_H
#define NGX_XTREAM_MODULE_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "xt_sink.h"
#include "xt_snapshot.h"
#include "xt_tz.h"
#include "ngx_xtream_zone.h"


#define NGX_XTREAM_ZONEINFO     "/usr/share/zoneinfo"
#define NGX_XTREAM_BODY_MAX     4096    /* a login form is ~100 bytes */

/* snapshot kinds the module maps, indexes into the per-worker slots */
typedef enum {
    NGX_XTREAM_SNAP_LINES = 0,
    NGX_XTREAM_SNAP_CATALOG,
    NGX_XTREAM_SNAP_EPG,
    NGX_XTREAM_SNAP_CLUSTER,            /* issue 11: servers and loads */
    NGX_XTREAM_SNAP_NKINDS
} ngx_xtream_snap_kind_e;


typedef struct {
    ngx_str_t                snapshot_dir;
    ngx_msec_t               snapshot_poll;
    xt_tz_t                 *tz;
    ngx_flag_t               api_used;
    ngx_xtream_zone_conf_t   zone;          /* xtream_zone and its tables */
} ngx_xtream_main_conf_t;

typedef struct {
    ngx_str_t                https_port;
    ngx_str_t                rtmp_port;
    ngx_str_t                public_url;    /* scheme://host[:port], or
                                               empty: from the request */
} ngx_xtream_loc_conf_t;


/* one mapped generation of a snapshot file */
typedef struct {
    u_char                  *addr;
    size_t                   size;
    ngx_uint_t               refs;      /* the slot's own + requests' */
    xt_snap_t                snap;
} ngx_xtream_map_t;


extern ngx_module_t  ngx_xtream_module;


/* ngx_xtream_snap.c: per-worker maps, swapped by a timer */
ngx_int_t ngx_xtream_snap_init_process(ngx_cycle_t *cycle,
    ngx_xtream_main_conf_t *xmcf);
void ngx_xtream_snap_exit_process(void);

/* the current generation, referenced until r->pool is destroyed; NULL
   when no valid snapshot exists yet (or on allocation failure) */
ngx_xtream_map_t *ngx_xtream_snap_acquire(ngx_http_request_t *r,
    ngx_xtream_snap_kind_e kind);
/* the current generation without a reference: only for a look-up that
   ends before the handler returns (timers of long requests) */
ngx_xtream_map_t *ngx_xtream_snap_peek(ngx_xtream_snap_kind_e kind);

/* ngx_xtream_api.c: the xtream_api content handler */
ngx_int_t ngx_xtream_api_handler(ngx_http_request_t *r);

/* ngx_xtream_output.c: small JSON responses rendered into one buffer */
typedef struct {
    ngx_pool_t              *pool;
    ngx_buf_t               *buf;
    size_t                   max;       /* bytes at most */
    ngx_uint_t               failed;
} ngx_xtream_sink_t;

ngx_int_t ngx_xtream_sink_init(ngx_xtream_sink_t *s, ngx_pool_t *pool);
void ngx_xtream_sink(void *ctx, const char *p, size_t len);
ngx_int_t ngx_xtream_set_json_headers(ngx_http_request_t *r,
    ngx_uint_t status, off_t length);
ngx_int_t ngx_xtream_send_sink(ngx_http_request_t *r, ngx_uint_t status,
    ngx_xtream_sink_t *s);
ngx_int_t ngx_xtream_send_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *msg);

/* ngx_xtream_list_output.c: large answers sent in rounds from a chunk
   source (xt_sink.h); the caller sets status and headers first.  Returns
   NGX_DONE while output continues from the write event handler */
ngx_int_t ngx_xtream_send_stream(ngx_http_request_t *r,
    xt_chunk_next_pt next, void *data);
/* a spliced JSON list (an xt_list_chunk_t) */
ngx_int_t ngx_xtream_send_list(ngx_http_request_t *r, void *list);

/* ngx_xtream_write.c: back-pressure of answers sent in rounds.  After
   output: NGX_OK all flushed, NGX_AGAIN the client still reading (write
   event armed), NGX_ERROR.  A write handler's first step: NGX_OK to go
   on, NGX_AGAIN while limit_rate delays it, else the status to finalize
   with (a client timeout, NGX_ERROR) */
ngx_int_t ngx_xtream_write_pending(ngx_http_request_t *r);
ngx_int_t ngx_xtream_write_ready(ngx_http_request_t *r);

#endif /* NGX_XTREAM_MODULE_H */
