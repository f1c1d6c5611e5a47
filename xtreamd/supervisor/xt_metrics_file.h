/*
 * xtreamd's metrics: what the daemon knows (stream workers, snapshot
 * builds, imports, the database) written as Prometheus text to
 * <snapshot_dir>/xtreamd.prom every few seconds, to a temporary name and
 * renamed into place.  nginx's `xtream_metrics` endpoint appends the file
 * to its own answer (docs/METRICS.md), so one scrape covers both, and a
 * daemon that died shows as a growing xtream_xtreamd_metrics_age_seconds
 * (and a stale xtreamd_metrics_written_timestamp_seconds).
 *
 * Why a file and not an HTTP listener of the daemon's own: no second port
 * to secure (the operator's allow/deny on the nginx location covers both),
 * no HTTP server in the daemon, and the figures survive the daemon (stale,
 * but visibly so).  One thread: the recorders below are plain stores.
 */
#ifndef XT_METRICS_FILE_H
#define XT_METRICS_FILE_H

#include <stddef.h>

#include "xt_prom.h"
#include "xt_supervisor.h"

#define XT_METRICS_FILE         "xtreamd.prom"
#define XT_METRICS_INTERVAL_MS  2000

void xt_dm_start(long long now_s);

/* the database connection: up after a connect, down on loss */
void xt_dm_db(int up);

/* one snapshot build of kind, ms long */
void xt_dm_compile(const char *kind, double ms, int ok,
    unsigned long long generation);

/* one import run (the place for the EPG import of branch `epg`:
   xt_dm_import("epg", ms, ok) after each source) */
void xt_dm_import(const char *kind, double ms, int ok);

/* everything as exposition text; sup may be NULL */
void xt_dm_render(xt_prom_t *p, xt_sup_t *sup, double now_ms,
    long long now_s);

/* render and install dir/xtreamd.prom atomically; 0, or -1 (errno) */
int xt_dm_write(const char *dir, xt_sup_t *sup, double now_ms,
    long long now_s);

#endif
