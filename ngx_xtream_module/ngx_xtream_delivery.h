/*
 * ngx_xtream_delivery_module: gated delivery of live HLS, continuous
 * MPEG-TS, VOD and episodes (docs/DELIVERY.md).  A second HTTP module in the
 * same .so as ngx_xtream_module, whose snapshots it reads.
 *
 *   _module.c   directives, per-request state, variables
 *   _handler.c  routing and the checks, in XC's order
 *   _hls.c      playlists (rewritten, token-carrying) and segments
 *   _ts.c       continuous TS from the live edge
 *   _vod.c      movies and episodes: internal redirect to static serving
 *   _events.c   activity datagrams to xtreamd
 *   _timeshift.c  catch-up: archived windows as one .ts or a VOD .m3u8
 *   _send.c     back-pressure steps of streamed file-buffer answers
 */

#ifndef NGX_XTREAM_DELIVERY_H
#define NGX_XTREAM_DELIVERY_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_xtream_module.h"
#include "ngx_xtream_zone.h"
#include "xt_route.h"
#include "xt_token.h"


#define NGX_XTREAM_PLAYLIST_MAX   (256 * 1024)

/* a token may expire this much more than xtream_token_ttl ahead (a
   second boundary between issuing and checking) */
#define NGX_XTREAM_TOKEN_SLACK    2
/* a catch-up VOD playlist's segment tokens last its window plus this much
   (pauses); the clock-step check allows for it */
#define NGX_XTREAM_ARCHIVE_PAUSE  3600

typedef enum {
    NGX_XTREAM_KIND_NONE = 0,
    NGX_XTREAM_KIND_LIVE_TS,
    NGX_XTREAM_KIND_LIVE_HLS,
    NGX_XTREAM_KIND_HLS_PLAYLIST,
    NGX_XTREAM_KIND_HLS_SEGMENT,
    NGX_XTREAM_KIND_MOVIE,
    NGX_XTREAM_KIND_EPISODE,
    NGX_XTREAM_KIND_TIMESHIFT_TS,
    NGX_XTREAM_KIND_TIMESHIFT_HLS
} ngx_xtream_kind_e;


typedef struct {
    ngx_str_t                secret;
    xt_token_key_t          *token_key;         /* the secret, prepared */
    time_t                   token_ttl;
    ngx_msec_t               hls_idle;
    ngx_str_t                media_root;        /* no trailing '/' */
    ngx_str_t                vod_root;
    ngx_str_t                vod_location;      /* "/_xtream_vod/" */
    ngx_uint_t               policy;
    ngx_msec_t               ts_grace;
    ngx_msec_t               ts_poll;
    ngx_msec_t               ondemand_wait;     /* 0: answer at once */
    time_t                   ondemand_stale;    /* 0: off */
    ngx_str_t                event_socket;
    ngx_flag_t               used;
    ngx_str_t                archive_root;      /* catch-up; no trailing '/' */
} ngx_xtream_delivery_main_conf_t;


/* one per delivery request, owned by a pool cleanup (survives an
   internal redirect, unlike r->ctx) */
typedef struct ngx_xtream_dreq_s {
    ngx_http_request_t      *r;
    ngx_xtream_delivery_main_conf_t *dmcf;
    ngx_xtream_kind_e        kind;
    ngx_str_t                username;
    uint32_t                 line_id;
    uint32_t                 stream_id;
    uint64_t                 session;
    ngx_str_t                ua;                /* bounded copy */
    off_t                    sent_start;

    /* zone slot of a counted connection */
    uint32_t                 slot;
    uint64_t                 key;
    time_t                   start;
    unsigned                 counted:1;
    unsigned                 slotted:1;         /* slot and key are set */
    unsigned                 quiet:1;           /* not reported (events) */
    unsigned                 connect_sent:1;

    /* VOD: in this worker's list of transfers checked for eviction */
    ngx_queue_t              vod_queue;
    unsigned                 vod_listed:1;
    unsigned                 vod_cut:1;

    /* continuous TS */
    ngx_file_t               file;
    ngx_buf_t                buf;
    ngx_chain_t              out;
    ngx_event_t              wait;
    u_char                  *path;              /* media_root + 64 */
    u_char                  *plbuf;             /* playlist reads */
    uint64_t                 next_seq;
    ngx_msec_t               waiting_since;
    ngx_msec_t               last_playlist;
    unsigned                 have_seq:1;
    unsigned                 pending:1;
    unsigned                 waiting:1;
    unsigned                 done:1;

    /* on-demand start: waiting for the first segment before answering */
    ngx_msec_t               od_since;
    uint32_t                 od_max_conns;
    unsigned                 od_waiting:1;
    unsigned                 od_ondemand:1;

    /* catch-up (ngx_xtream_delivery_timeshift.c) */
    void                    *tshift;
} ngx_xtream_dreq_t;


extern ngx_module_t  ngx_xtream_delivery_module;


/* _module.c */
ngx_int_t ngx_xtream_conf_secret(ngx_conf_t *cf, ngx_str_t *arg,
    ngx_str_t *secret);
ngx_xtream_dreq_t *ngx_xtream_dreq(ngx_http_request_t *r);
ngx_xtream_dreq_t *ngx_xtream_dreq_create(ngx_http_request_t *r);

/* _handler.c */
ngx_int_t ngx_xtream_delivery_handler(ngx_http_request_t *r);
ngx_int_t ngx_xtream_send_status(ngx_http_request_t *r, ngx_uint_t status);
ngx_int_t ngx_xtream_read_small(ngx_http_request_t *r, ngx_str_t *path,
    ngx_str_t *out);
/* the same into a caller buffer (no pool growth on long streams) */
ngx_int_t ngx_xtream_read_into(ngx_log_t *log, u_char *path, u_char *buf,
    size_t size, size_t *len);
const char *ngx_xtream_kind_name(ngx_xtream_kind_e kind);

/* _hls.c */
/* a response header; key and value live as long as the request */
ngx_int_t ngx_xtream_delivery_header(ngx_http_request_t *r, const char *key,
    const char *value);

/* a bounded output buffer and its sink (the renderers' callback) */
typedef struct {
    u_char                  *pos;
    u_char                  *end;
} ngx_xtream_out_t;

int ngx_xtream_out_sink(void *ctx, const char *p, size_t len);

ngx_int_t ngx_xtream_hls_live(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    uint32_t max_conns);
ngx_int_t ngx_xtream_hls_token_request(ngx_http_request_t *r,
    xt_route_t *rt);
/* the viewer's session admitted (or refreshed) and its "open" sent:
   NGX_OK, or the status to answer */
ngx_int_t ngx_xtream_hls_admit(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    uint32_t max_conns);
ngx_int_t ngx_xtream_send_playlist(ngx_http_request_t *r, u_char *data,
    size_t len);
ngx_int_t ngx_xtream_send_playlist_head(ngx_http_request_t *r);

/* _timeshift.c: the window of a catch-up request from its URL form into
   rt (kind XT_ROUTE_TIMESHIFT): NGX_OK, or the status (400) */
ngx_int_t ngx_xtream_timeshift_params(ngx_http_request_t *r, xt_route_t *rt);
/* 1 when a live URL carries the "shift" style ?utc= */
ngx_int_t ngx_xtream_timeshift_is_shift(ngx_http_request_t *r);
/* after the line's checks: the archived window, .ts or .m3u8 */
ngx_int_t ngx_xtream_timeshift_answer(ngx_http_request_t *r,
    ngx_xtream_dreq_t *d, xt_route_t *rt, const xt_snap_live_t *live,
    uint32_t max_conns);

/* _send.c: a streamed answer's pending buffer flushed (NGX_OK), the
   client still reading (NGX_AGAIN, write event armed), or NGX_ERROR; and
   its write handler's first step: NGX_OK to go on, NGX_DONE when a
   timeout ended the request or limit_rate still delays it */
ngx_int_t ngx_xtream_send_flush(ngx_http_request_t *r);
ngx_int_t ngx_xtream_send_writable(ngx_http_request_t *r,
    ngx_xtream_dreq_t *d);

/* _ts.c */
ngx_int_t ngx_xtream_ts_ready(ngx_http_request_t *r, ngx_xtream_dreq_t *d);
ngx_int_t ngx_xtream_ts_start(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    uint32_t max_conns);

/* _vod.c */
ngx_int_t ngx_xtream_vod_start(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    const char *path, size_t path_len, uint32_t max_conns);
/* from the dreq cleanup: the transfer ended, stop watching it */
void ngx_xtream_vod_forget(ngx_xtream_dreq_t *d);
/* checked every 250 ms for eviction or revocation, ended when so */
void ngx_xtream_vod_watch(ngx_xtream_dreq_t *d);

/* counting (in _handler.c): NGX_OK, or an HTTP status to answer */
ngx_int_t ngx_xtream_count(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    xt_conn_kind_e kind, uint32_t max_conns);
/* 1 when the counted connection was evicted (replace-oldest) or revoked
   (below) */
int ngx_xtream_evicted(ngx_xtream_dreq_t *d);

/* _kick.c: 1 when the connection of key must end: its line is banned,
   disabled, expired or gone, or was killed (kick generation) */
int ngx_xtream_revoked(ngx_xtream_dreq_t *d, uint64_t key);
/* the line's allowed_uas let the request's User-Agent in (else logged) */
int ngx_xtream_line_ua_allowed(ngx_http_request_t *r, const xt_snap_t *lines,
    const xt_snap_line_t *line);
/* the line's kick generation in the current lines snapshot (0 without) */
uint32_t ngx_xtream_line_kick(uint32_t line_id);
/* the viewer's HLS session id (xt_token_session_key): 0 on error */
uint64_t ngx_xtream_hls_session(ngx_http_request_t *r,
    ngx_xtream_delivery_main_conf_t *dmcf, uint32_t line_id,
    uint32_t stream_id, uint32_t kick);

/* _events.c */
ngx_int_t ngx_xtream_events_init_process(ngx_cycle_t *cycle,
    ngx_xtream_delivery_main_conf_t *dmcf);
void ngx_xtream_events_exit_process(void);
void ngx_xtream_event(ngx_xtream_dreq_t *d, const char *type);
/* {"ev":"start"} for a stream, at most once a second per stream and
   worker; 1 when a datagram went out */
ngx_uint_t ngx_xtream_event_start(ngx_log_t *log, uint32_t stream_id);

/* _handler.c: a live answer, after an on-demand wait when its media is
   not there yet */
ngx_int_t ngx_xtream_live_answer(ngx_http_request_t *r, ngx_xtream_dreq_t *d);

#endif /* NGX_XTREAM_DELIVERY_H */
