#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xt_epg_sched.h"
#include "xt_log.h"
#include "xt_spawn.h"

#define XT_EPG_PRUNE_S  3600


int
xt_epg_sched_init(xt_epg_sched_t *s, const xt_config_t *cf, const char *conf)
{
    char     path[PATH_MAX], *slash;
    ssize_t  n;

    memset(s, 0, sizeof(*s));
    s->cf = cf;
    s->fd = -1;
    if (realpath(conf, path) == NULL || strlen(path) >= sizeof(s->conf)) {
        xt_log(XT_LOG_ERR, "epg: configuration path %s: %s; no scheduled "
               "EPG imports", conf, strerror(errno));
        return -1;
    }
    strcpy(s->conf, path);
    n = readlink("/proc/self/exe", path, sizeof(path) - 16);
    if (n <= 0) {
        xt_log(XT_LOG_ERR, "epg: cannot find my own path; no scheduled EPG "
               "imports");
        return -1;
    }
    path[n] = '\0';
    slash = strrchr(path, '/');
    strcpy(slash ? slash + 1 : path, "xtreamctl");
    if (strlen(path) >= sizeof(s->ctl) || access(path, X_OK) != 0) {
        xt_log(XT_LOG_ERR, "epg: %s: %s; no scheduled EPG imports", path,
               strerror(errno));
        return -1;
    }
    strcpy(s->ctl, path);
    s->ready = 1;
    return 0;
}


/* 1 when an enabled source is due, 0 not, -1 error */
static int
xt_any_due(xt_db_t *db)
{
    MYSQL_STMT  *st;
    xt_row_t     r;
    xt_binds_t   bs;
    int          rc = -1;

    st = xt_db_prepare(db, "SELECT COUNT(*) FROM epg_sources "
                       "WHERE enabled = 1 AND next_due <= ?");
    if (st == NULL) {
        return -1;
    }
    xt_row_init(&r);
    xt_row_int(&r);
    xt_binds_reset(&bs);
    xt_bind_int(&bs, (long long) time(NULL));
    if (xt_db_run(db, st, &bs) == 0 && xt_db_bind_row(db, st, &r) == 0
        && xt_db_fetch(db, st) == 1)
    {
        rc = r.ival[0] > 0;
        while (xt_db_fetch(db, st) == 1) { /* drain */ }
    }
    mysql_stmt_close(st);
    return rc;
}


void
xt_epg_sched_tick(xt_epg_sched_t *s, xt_db_t *db, double now)
{
    char     drain[64];
    ssize_t  n;
    int      due;
    char    *argv[8];

    if (!s->ready) {
        return;
    }
    if (s->pid > 0) {
        n = read(s->fd, drain, sizeof(drain));
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            close(s->fd);
            s->fd = -1;
            xt_log(XT_LOG_INFO, "epg: refresh pid %ld finished after %.1f s",
                   (long) s->pid, (now - s->started) / 1000);
            s->pid = 0;
            s->next_check = 0;      /* look again: more may be due */
        } else if (now - s->started
                   > 2000.0 * s->cf->epg_timeout_s + 3600e3)
        {
            xt_log(XT_LOG_ERR, "epg: refresh pid %ld runs for %.0f s, "
                   "stopping it", (long) s->pid, (now - s->started) / 1000);
            xt_spawn_signal(s->pid, SIGTERM);
            s->started = now;       /* SIGKILL only after another period */
        }
        return;
    }
    if (now < s->next_check || db == NULL || db->my == NULL) {
        return;
    }
    s->next_check = now + 1000.0 * s->cf->epg_check_seconds;
    due = xt_any_due(db);
    if (due < 0) {
        xt_log(XT_LOG_WARN, "epg: looking for due sources: %s", db->err);
        return;
    }
    /* the first prune an hour after start: a daemon start is not a
       reason to rewrite the guide */
    if (s->last_prune == 0) {
        s->last_prune = now;
    }
    if (!due && now - s->last_prune < XT_EPG_PRUNE_S * 1000.0) {
        return;
    }
    argv[0] = s->ctl;
    argv[1] = "-c";
    argv[2] = s->conf;
    argv[3] = "epg";
    argv[4] = "refresh";
    argv[5] = "--due";
    argv[6] = NULL;
    s->pid = xt_spawn(argv, 3, s->cf->log_file, &s->fd);
    if (s->pid < 0) {
        xt_log(XT_LOG_ERR, "epg: cannot start %s: %s", s->ctl,
               strerror(errno));
        s->pid = 0;
        return;
    }
    s->started = now;
    s->last_prune = now;
    xt_log(XT_LOG_INFO, "epg: refresh started, pid %ld (%s)", (long) s->pid,
           due ? "sources due" : "prune");
}


void
xt_epg_sched_stop(xt_epg_sched_t *s)
{
    if (s->pid > 0) {
        xt_log(XT_LOG_INFO, "epg: stopping refresh pid %ld", (long) s->pid);
        xt_spawn_signal(s->pid, SIGTERM);
        s->pid = 0;
    }
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}
