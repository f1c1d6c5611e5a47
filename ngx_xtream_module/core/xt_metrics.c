/*
 * Module metrics: counters, census and rendering (see xt_metrics.h).
 */
#include <stdio.h>
#include <string.h>

#include "xt_metrics.h"


static const char  *xt_endpoint_names[XT_EP_N] = {
    "player_api", "get_php", "xmltv", "panel_api", "live_ts", "live_hls",
    "hls_playlist", "hls_segment", "movie", "episode", "delivery_other",
    "metrics", "other"
};

/* the statuses this server answers with; the last slot is "other" */
static const unsigned  xt_statuses[XT_ST_N - 1] = {
    200, 204, 206, 301, 302, 304, 400, 401, 403, 404, 405, 406, 413, 416,
    429, 444, 499, 500, 502, 503, 504
};

static const char  *xt_status_names[XT_ST_N] = {
    "200", "204", "206", "301", "302", "304", "400", "401", "403", "404",
    "405", "406", "413", "416", "429", "444", "499", "500", "502", "503",
    "504", "other"
};

static const char  *xt_tag_names[XT_MTAG_N] = {
    "untagged", "ts", "hls", "movie", "episode"
};


void
xt_metrics_init(xt_metrics_t *m, int64_t now)
{
    memset(m, 0, sizeof(*m));
    m->magic = XT_METRICS_MAGIC;
    m->started = now;
}


const char *
xt_metrics_endpoint_name(unsigned ep)
{
    return ep < XT_EP_N ? xt_endpoint_names[ep] : "other";
}


unsigned
xt_metrics_status_idx(unsigned status)
{
    unsigned  lo = 0, hi = XT_ST_N - 1, mid;

    while (lo < hi) {
        mid = (lo + hi) / 2;
        if (xt_statuses[mid] < status) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return (lo < XT_ST_N - 1 && xt_statuses[lo] == status) ? lo : XT_ST_N - 1;
}


const char *
xt_metrics_status_name(unsigned idx)
{
    return xt_status_names[idx < XT_ST_N ? idx : XT_ST_N - 1];
}


/* ------------------------------------------------------------------ */
/* census: the layouts are the ones of xt_conns.c and xt_flood.c */

static xt_conn_t *
xt_census_recs(xt_conns_t *t)
{
    return (xt_conn_t *) ((uint32_t *) (t + 1) + t->nbuckets);
}


void
xt_census_tag(xt_conns_t *t, uint32_t slot, xt_mtag_e tag)
{
    if (t != NULL && slot < t->capacity) {
        xt_census_recs(t)[slot].tag = (uint8_t) tag;
    }
}


/* kill(pid, 0) once per distinct owner pid, not once per record */
typedef struct {
    int32_t  pid[16];
    int8_t   alive[16];
    unsigned n;
} xt_pid_cache_t;

static int
xt_census_alive(xt_pid_cache_t *pc, xt_pid_alive_pt alive, int32_t pid)
{
    unsigned  i;
    int       a;

    if (alive == NULL) {
        return 1;
    }
    for (i = 0; i < pc->n; i++) {
        if (pc->pid[i] == pid) {
            return pc->alive[i];
        }
    }
    a = alive(pid) ? 1 : 0;
    if (pc->n < 16) {
        pc->pid[pc->n] = pid;
        pc->alive[pc->n] = (int8_t) a;
        pc->n++;
    }
    return a;
}


void
xt_census_take(xt_census_t *c, xt_conns_t *conns, xt_flood_t *flood,
    int64_t now_ms, int64_t now_s, xt_pid_alive_pt alive)
{
    uint32_t               i;
    const xt_conn_t       *r;
    xt_pid_cache_t         pc;
    const xt_flood_ent_t  *e;

    memset(c, 0, sizeof(*c));
    memset(&pc, 0, sizeof(pc));

    if (conns != NULL) {
        c->capacity = conns->capacity;
        c->used = conns->used;
        for (i = 0; i < conns->capacity; i++) {
            r = &xt_census_recs(conns)[i];
            if (r->state == XT_CONN_FREE) {
                continue;
            }
            /* what xt_conns_count() would drop as stale is not live */
            if (r->kind == XT_CONN_HLS) {
                if (now_ms - r->last_seen > conns->hls_idle_ms) {
                    continue;
                }
            } else if (!xt_census_alive(&pc, alive, r->pid)) {
                continue;
            }
            if (r->state == XT_CONN_EVICTED) {
                c->evicted++;
                continue;
            }
            c->conns[r->kind == XT_CONN_HLS ? XT_MTAG_HLS
                     : r->tag < XT_MTAG_N ? r->tag
                     : XT_MTAG_NONE]++;
        }
    }

    if (flood != NULL) {
        c->flood_slots = flood->nslots;
        e = (const xt_flood_ent_t *) (flood + 1);
        for (i = 0; i < flood->nslots; i++) {
            /* 0xff...: an address + username counter, not an address */
            if (!e[i].used || e[i].addr[0] == 0xff) {
                continue;
            }
            if (e[i].locked_until > now_s) {
                c->lock_addresses++;
            } else if (e[i].failures > 0
                       && now_s - e[i].window_start < flood->window)
            {
                c->fail_addresses++;
            }
        }
    }
}


/* ------------------------------------------------------------------ */
/* rendering */

static void
xt_render_requests(xt_prom_t *p, const xt_metrics_t *m)
{
    unsigned     ep, st;
    uint64_t     n;
    const char  *labels[5];

    xt_prom_family(p, "xtream_requests_total", "counter",
                   "Requests answered, by endpoint and HTTP status "
                   "(all nginx workers).");
    labels[0] = "endpoint";
    labels[2] = "code";
    labels[4] = NULL;
    for (ep = 0; ep < XT_EP_N; ep++) {
        for (st = 0; st < XT_ST_N; st++) {
            n = __atomic_load_n(&m->requests[ep][st], __ATOMIC_RELAXED);
            if (n == 0) {
                continue;       /* a series appears with its first hit */
            }
            labels[1] = xt_endpoint_names[ep];
            labels[3] = xt_status_names[st];
            xt_prom_u64(p, "xtream_requests_total", labels, n);
        }
    }
}


static void
xt_render_census(xt_prom_t *p, const xt_census_t *c, const xt_metrics_t *m)
{
    unsigned     t;
    const char  *labels[3] = { "kind", NULL, NULL };

    xt_prom_family(p, "xtream_connections_active", "gauge",
                   "Viewer connections counted against max_connections: "
                   "TS, movie and episode transfers while they run, HLS "
                   "sessions while they fetch.");
    for (t = XT_MTAG_TS; t < XT_MTAG_N; t++) {
        labels[1] = xt_tag_names[t];
        xt_prom_u64(p, "xtream_connections_active", labels, c->conns[t]);
    }
    if (c->conns[XT_MTAG_NONE]) {
        labels[1] = xt_tag_names[XT_MTAG_NONE];
        xt_prom_u64(p, "xtream_connections_active", labels,
                    c->conns[XT_MTAG_NONE]);
    }

    xt_prom_family(p, "xtream_hls_sessions", "gauge",
                   "HLS sessions seen within xtream_hls_idle.");
    xt_prom_u64(p, "xtream_hls_sessions", NULL, c->conns[XT_MTAG_HLS]);

    xt_prom_family(p, "xtream_connections_evicted", "gauge",
                   "Connections replaced by a newer one of their line "
                   "(replace-oldest) whose owner has not ended them yet.");
    xt_prom_u64(p, "xtream_connections_evicted", NULL, c->evicted);

    xt_prom_family(p, "xtream_connection_table_used", "gauge",
                   "Records in use in the zone's connection table "
                   "(stale ones until they are found).");
    xt_prom_u64(p, "xtream_connection_table_used", NULL, c->used);
    xt_prom_family(p, "xtream_connection_table_capacity", "gauge",
                   "Records the connection table holds (xtream_zone size).");
    xt_prom_u64(p, "xtream_connection_table_capacity", NULL, c->capacity);

    xt_prom_family(p, "xtream_lockout_addresses", "gauge",
                   "Client addresses locked out after failed logins now.");
    xt_prom_u64(p, "xtream_lockout_addresses", NULL, c->lock_addresses);
    xt_prom_family(p, "xtream_login_failure_addresses", "gauge",
                   "Addresses with failed logins in the open window, "
                   "not locked out (yet).");
    xt_prom_u64(p, "xtream_login_failure_addresses", NULL,
                c->fail_addresses);

    xt_prom_family(p, "xtream_login_failures_total", "counter",
                   "Failed logins counted by the lock-out "
                   "(xtream_login_failures on).");
    xt_prom_u64(p, "xtream_login_failures_total", NULL,
                __atomic_load_n(&m->login_failures, __ATOMIC_RELAXED));
    xt_prom_family(p, "xtream_lockouts_total", "counter",
                   "Lock-outs started.");
    xt_prom_u64(p, "xtream_lockouts_total", NULL,
                __atomic_load_n(&m->lockouts, __ATOMIC_RELAXED));
    xt_prom_family(p, "xtream_zone_reloads_total", "counter",
                   "Configuration reloads that kept the zone (its "
                   "counts survive them).");
    xt_prom_u64(p, "xtream_zone_reloads_total", NULL,
                __atomic_load_n(&m->reloads, __ATOMIC_RELAXED));
    xt_prom_family(p, "xtream_zone_created_timestamp_seconds", "gauge",
                   "When the zone (and so every counter) was created.");
    xt_prom_i64(p, "xtream_zone_created_timestamp_seconds", NULL,
                m->started);
}


static void
xt_render_snaps(xt_prom_t *p, const xt_metrics_view_t *v)
{
    size_t       i;
    const char  *labels[3] = { "kind", NULL, NULL };

    xt_prom_family(p, "xtream_snapshot_loaded", "gauge",
                   "1 when the answering worker has a valid snapshot of "
                   "the kind mapped.");
    for (i = 0; i < v->nsnaps; i++) {
        labels[1] = v->snaps[i].kind;
        xt_prom_u64(p, "xtream_snapshot_loaded", labels,
                    v->snaps[i].loaded ? 1 : 0);
    }
    xt_prom_family(p, "xtream_snapshot_generation", "gauge",
                   "Generation of the mapped snapshot (grows with every "
                   "build by xtreamd).");
    xt_prom_family(p, "xtream_snapshot_age_seconds", "gauge",
                   "Seconds since the mapped snapshot was built.");
    for (i = 0; i < v->nsnaps; i++) {
        if (!v->snaps[i].loaded) {
            continue;
        }
        labels[1] = v->snaps[i].kind;
        xt_prom_u64(p, "xtream_snapshot_generation", labels,
                    v->snaps[i].generation);
    }
    for (i = 0; i < v->nsnaps; i++) {
        if (!v->snaps[i].loaded) {
            continue;
        }
        labels[1] = v->snaps[i].kind;
        xt_prom_i64(p, "xtream_snapshot_age_seconds", labels,
                    v->now - v->snaps[i].created);
    }
}


void
xt_metrics_render(xt_prom_t *p, const xt_metrics_view_t *v)
{
    xt_prom_family(p, "xtream_metrics_zone", "gauge",
                   "1 when counters come from the shared xtream_zone.");
    xt_prom_u64(p, "xtream_metrics_zone", NULL, v->m && v->census ? 1 : 0);

    if (v->m != NULL && v->census != NULL) {
        xt_render_requests(p, v->m);
        xt_render_census(p, v->census, v->m);
    }

    xt_render_snaps(p, v);

    xt_prom_family(p, "xtream_worker_pid", "gauge",
                   "The nginx worker that answered this scrape.");
    xt_prom_i64(p, "xtream_worker_pid", NULL, v->pid);

    xt_prom_family(p, "xtream_xtreamd_metrics_present", "gauge",
                   "1 when xtreamd's metrics file was found and appended "
                   "below.");
    xt_prom_u64(p, "xtream_xtreamd_metrics_present", NULL,
                v->xtreamd_age >= 0 ? 1 : 0);
    if (v->xtreamd_age >= 0) {
        xt_prom_family(p, "xtream_xtreamd_metrics_age_seconds", "gauge",
                       "Seconds since xtreamd last wrote its metrics file "
                       "(it writes every few seconds: large means xtreamd "
                       "is down or stuck).");
        xt_prom_i64(p, "xtream_xtreamd_metrics_age_seconds", NULL,
                    v->xtreamd_age);
    }
}
