/*
 * xtreamd's EPG schedule.  Imports run in a child process,
 * `xtreamctl -c CONF epg refresh --due` (which also prunes old
 * programmes), never in the daemon: a 100 MB guide takes tens of seconds
 * of CPU and a long transaction, and the daemon's single poll() loop must
 * keep serving events, workers and snapshot rebuilds meanwhile.  A process
 * (not a thread) also keeps a libxml2/zlib/curl crash or leak away from
 * the supervisor, gives the import its own DB connections and returns
 * its memory when it exits.
 *
 * The loop calls xt_epg_sched_tick() once per iteration: every
 * epg_check_seconds it looks for an enabled source whose next_due has
 * come (or an hourly prune) and starts the child when none runs.  The
 * child is watched through a pipe (EOF = gone), not waitpid(): the
 * supervisor reaps every child.  The import bumps the epg change counter,
 * so the loop rebuilds epg.snap as for any other change.
 */
#ifndef XT_EPG_SCHED_H
#define XT_EPG_SCHED_H

#include <sys/types.h>

#include "xt_config.h"
#include "xt_db.h"

typedef struct {
    const xt_config_t  *cf;
    char                ctl[XT_CONF_PATH_MAX + 32];     /* xtreamctl */
    char                conf[XT_CONF_PATH_MAX + 32];
    int                 ready;
    pid_t               pid;
    int                 fd;
    double              next_check, started, last_prune;
} xt_epg_sched_t;

/* before daemonising (conf may be relative); 0, or -1: no scheduled
   imports (logged) */
int xt_epg_sched_init(xt_epg_sched_t *s, const xt_config_t *cf,
    const char *conf);

void xt_epg_sched_tick(xt_epg_sched_t *s, xt_db_t *db, double now_ms);

/* SIGTERM a running import (its transaction rolls back) */
void xt_epg_sched_stop(xt_epg_sched_t *s);

#endif
