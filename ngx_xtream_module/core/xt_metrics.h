/*
 * The module's metrics: request counters that live in the xtream_zone
 * (one relaxed atomic add per request, from any worker), a census of the
 * connection and lock-out tables taken at scrape time, and the rendering
 * of all of it as Prometheus text (docs/METRICS.md names every series).
 * Pure C: the nginx glue is ngx_xtream_metrics_module.c.
 */
#ifndef XT_METRICS_H
#define XT_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "xt_conns.h"
#include "xt_flood.h"
#include "xt_prom.h"


/* the endpoint label of xtream_requests_total */
typedef enum {
    XT_EP_PLAYER_API = 0,
    XT_EP_GET_PHP,
    XT_EP_XMLTV,
    XT_EP_PANEL_API,
    XT_EP_LIVE_TS,
    XT_EP_LIVE_HLS,         /* /live/U/P/ID.m3u8 */
    XT_EP_HLS_PLAYLIST,     /* token-carrying variant playlists */
    XT_EP_HLS_SEGMENT,
    XT_EP_MOVIE,
    XT_EP_EPISODE,
    XT_EP_DELIVERY_OTHER,   /* refused before its kind was known */
    XT_EP_METRICS,
    XT_EP_OTHER,            /* locations without an xtream handler */
    XT_EP_N
} xt_endpoint_e;

/* status codes counted one by one; anything else is "other" */
#define XT_ST_N  22

/* what a counted connection is, tagged into xt_conn_t.tag */
typedef enum {
    XT_MTAG_NONE = 0,
    XT_MTAG_TS,
    XT_MTAG_HLS,
    XT_MTAG_MOVIE,
    XT_MTAG_EPISODE,
    XT_MTAG_N
} xt_mtag_e;

#define XT_METRICS_MAGIC  0x31636972746d7478ULL       /* "xtmtric1" */

/* in shared memory; every field is only ever added to atomically */
typedef struct {
    uint64_t  magic;
    int64_t   started;                      /* unix s, zone created */
    uint64_t  requests[XT_EP_N][XT_ST_N];
    uint64_t  login_failures;               /* counted by the lock-out */
    uint64_t  lockouts;                     /* lock-outs started */
    uint64_t  reloads;                      /* cycles that found the zone */
} xt_metrics_t;

void xt_metrics_init(xt_metrics_t *m, int64_t now);

const char *xt_metrics_endpoint_name(unsigned ep);
/* index into requests[ep][] of an HTTP status */
unsigned xt_metrics_status_idx(unsigned status);
/* the label of an index: "200" ... or "other" */
const char *xt_metrics_status_name(unsigned idx);

static inline void
xt_metrics_add(uint64_t *counter, uint64_t n)
{
    __atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

static inline void
xt_metrics_count(xt_metrics_t *m, unsigned ep, unsigned status)
{
    if (ep >= XT_EP_N) {
        ep = XT_EP_OTHER;
    }
    xt_metrics_add(&m->requests[ep][xt_metrics_status_idx(status)], 1);
}


/* what the tables hold now (the caller holds the zone lock) */
typedef struct {
    uint32_t  conns[XT_MTAG_N];     /* live records by tag */
    uint32_t  evicted;              /* replaced, not yet ended by owner */
    uint32_t  capacity;
    uint32_t  used;                 /* records in use, stale ones too */
    uint32_t  lock_addresses;       /* locked out now */
    uint32_t  fail_addresses;       /* failures in the open window */
    uint32_t  flood_slots;
} xt_census_t;

/* tags the record at slot (after an acquire) */
void xt_census_tag(xt_conns_t *t, uint32_t slot, xt_mtag_e tag);

void xt_census_take(xt_census_t *c, xt_conns_t *conns, xt_flood_t *flood,
    int64_t now_ms, int64_t now_s, xt_pid_alive_pt alive);


/* one snapshot kind as this worker has it mapped */
typedef struct {
    const char  *kind;
    int          loaded;
    uint64_t     generation;
    int64_t      created;           /* unix s */
} xt_metrics_snap_t;

typedef struct {
    const xt_metrics_t       *m;            /* NULL: no zone */
    const xt_census_t        *census;       /* NULL: no zone */
    const xt_metrics_snap_t  *snaps;
    size_t                    nsnaps;
    int64_t                   now;          /* unix s */
    int64_t                   xtreamd_age;  /* s since its file was
                                               written; -1: no file */
    int64_t                   pid;          /* the answering worker */
} xt_metrics_view_t;

void xt_metrics_render(xt_prom_t *p, const xt_metrics_view_t *v);

#endif
