/*
 * Stream supervisor: one xtream-worker process per running stream.
 *
 * The daemon's poll loop owns it: xt_sup_load() after a catalog change,
 * xt_sup_tick() on every wake, xt_sup_reap() after SIGCHLD,
 * xt_sup_read() when a worker's status pipe is readable, xt_sup_demand()
 * and xt_sup_viewers() from the event sink.  No threads.
 *
 * Internals (pure, unit-tested) are in xt_supervisor_int.h.
 */
#ifndef XT_SUPERVISOR_H
#define XT_SUPERVISOR_H

#include <poll.h>
#include <stdint.h>

#include "xt_config.h"
#include "xt_db.h"

typedef struct xt_sup_s  xt_sup_t;

xt_sup_t *xt_sup_create(const xt_config_t *cf, const char *worker_binary);

/* at daemon start (db connected): mark this server's stale status rows
   stopped */
void xt_sup_db_reset(xt_sup_t *sup, xt_db_t *db);

/* read the set of streams placed on this server; 0, or -1 (db->err) */
int xt_sup_load(xt_sup_t *sup, xt_db_t *db);

/* timers: spawn, back-off, hang detection, idle stop, status writes;
   db may be NULL or closed (status rows are then written later) */
void xt_sup_tick(xt_sup_t *sup, xt_db_t *db, double now_ms);

/* milliseconds until the next timer (capped by the caller) */
int xt_sup_next_timeout(xt_sup_t *sup, double now_ms);

/* collect exited workers (call after SIGCHLD) */
void xt_sup_reap(xt_sup_t *sup, double now_ms);

/* status pipes: fill fds (at most max), returns the number added */
unsigned xt_sup_pollfds(xt_sup_t *sup, struct pollfd *fds, unsigned max);
/* one readable status pipe */
void xt_sup_read(xt_sup_t *sup, int fd, double now_ms);

/* events: an on-demand start request or an RTMP publish (start now);
   viewers +1 on open, -1 on close */
void xt_sup_demand(xt_sup_t *sup, uint32_t stream_id, double now_ms);
void xt_sup_publish(xt_sup_t *sup, uint32_t stream_id, int up,
    double now_ms);
void xt_sup_viewers(xt_sup_t *sup, uint32_t stream_id, int delta,
    double now_ms);

/* an admin's start/stop/restart (stream_commands rows, read by
   xt_stream_cmds_poll): stop holds the stream stopped until a start or
   restart (in memory: an xtreamd restart forgets it) */
void xt_sup_control(xt_sup_t *sup, uint32_t stream_id, const char *action,
    double now_ms);

/* number of worker processes alive */
unsigned xt_sup_running(xt_sup_t *sup);

/* one stream as the metrics file reports it */
typedef struct {
    uint32_t     id;
    const char  *state;           /* starting running error stopped */
    long         pid;             /* 0: no worker */
    int          wanted, on_demand, viewers;
    unsigned     restarts, bitrate_kbps, segments;
    double       fps, speed, uptime_s;
    const char  *last_error;
} xt_sup_stream_t;

typedef void (*xt_sup_visit_pt)(void *ctx, const xt_sup_stream_t *s);
void xt_sup_foreach(xt_sup_t *sup, xt_sup_visit_pt visit, void *ctx,
    double now_ms);

/* SIGTERM every worker, wait up to the grace, SIGKILL the rest, write
   their status; then free everything */
void xt_sup_shutdown(xt_sup_t *sup, xt_db_t *db);

#endif
