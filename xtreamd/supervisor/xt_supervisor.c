/*
 * The supervisor's job table: one job per stream placed on this server,
 * driven by the daemon's poll loop (see xt_supervisor.h).  A job is wanted
 * when its stream is always-on, or on-demand and asked for (until it has
 * been idle for ondemand_idle_seconds).  Failed workers restart with
 * back-off; hung ones (no health line, or no new segment while running)
 * are stopped with SIGTERM, then SIGKILL after the grace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xt_grow.h"
#include "xt_log.h"
#include "xt_spawn.h"
#include "xt_stream_status.h"
#include "xt_supervisor.h"
#include "xt_supervisor_int.h"

#define XT_CHILD_STATUS_FD  3

typedef struct {
    xt_spec_t    spec;
    int          in_db;           /* in the last loaded set */
    int          wanted;          /* should be running */
    pid_t        pid;             /* > 0 while the process exists */
    int          fd;              /* status pipe, -1 */
    char         buf[XT_HEALTH_LINE_MAX + 1];
    size_t       blen;
    int          skipping;        /* inside an overlong line */
    int          stopping;        /* we sent SIGTERM */
    int          killed;          /* and SIGKILL */
    int          hung;            /* the stop is a failure */
    int          restart_now;     /* stopped for a new command */
    int          held;            /* stopped by an admin until started */
    double       t_spawn, t_health, t_progress, t_term, t_next, t_running;
    double       t_failing;       /* wanted and not running since, or 0 */
    unsigned     backoff, restarts, segs;
    long long    started_at;
    xt_health_t  h;
    int          viewers;
    double       t_demand;
    int          dirty;
    double       t_written;
    const char  *state;           /* DB state */
    char         err[256];
} xt_job_t;

struct xt_sup_s {
    const xt_config_t  *cf;
    char                worker[XT_CONF_PATH_MAX];
    unsigned            rtmp_port;
    xt_job_t          **jobs;
    size_t              njobs, cap;
    double              now;      /* for the diff callback */
};


static xt_job_t *
xt_job_find(xt_sup_t *sup, uint32_t id)
{
    size_t  i;

    for (i = 0; i < sup->njobs; i++) {
        if (sup->jobs[i]->spec.id == id) {
            return sup->jobs[i];
        }
    }
    return NULL;
}


static void
xt_job_set_state(xt_job_t *j, const char *state)
{
    if (j->state != state) {
        j->state = state;
        j->dirty = 1;
    }
}


/* Not running: "starting" while the sources have failed for less than
   source_error_after seconds (retries, worker restarts included), then
   "error" with the last reason, until a source answers. */
static void
xt_job_not_running(const xt_config_t *cf, xt_job_t *j, double now)
{
    if (j->t_failing == 0) {
        j->t_failing = now;
    }
    xt_job_set_state(j, now - j->t_failing >= cf->source_error_after * 1000.0
                        ? "error" : "starting");
}


xt_sup_t *
xt_sup_create(const xt_config_t *cf, const char *worker)
{
    xt_sup_t  *sup = calloc(1, sizeof(*sup));

    if (sup == NULL) {
        return NULL;
    }
    sup->cf = cf;
    snprintf(sup->worker, sizeof(sup->worker), "%s", worker);
    if (cf->media_root[0] && mkdir(cf->media_root, 0755) != 0
        && errno != EEXIST)
    {
        xt_log(XT_LOG_ERR, "media_root %s: %s", cf->media_root,
               strerror(errno));
    }
    /* no two workers of one stream: a stuck worker of a killed daemon
       goes before ours start */
    (void) xt_sup_end_orphans(cf->media_root);
    return sup;
}


void
xt_sup_db_reset(xt_sup_t *sup, xt_db_t *db)
{
    if (xt_status_reset(db, sup->cf->server_id) != 0) {
        xt_log(XT_LOG_WARN, "stream_status reset: %s", db->err);
    }
}


static void
xt_job_stop(xt_job_t *j, double now, int hung, const char *why)
{
    if (j->pid <= 0 || j->stopping) {
        return;
    }
    xt_log(XT_LOG_INFO, "stream %u: stopping worker pid %ld (%s)",
           j->spec.id, (long) j->pid, why);
    xt_spawn_signal(j->pid, SIGTERM);
    j->stopping = 1;
    j->hung = hung;
    j->t_term = now;
}


/* stream-set diff: move the new spec into the job */
static void
xt_sup_diff_cb(void *ctx, xt_diff_e what, const xt_spec_t *old,
    const xt_spec_t *nw)
{
    xt_sup_t   *sup = ctx;
    xt_job_t   *j;
    xt_spec_t  *ns = (xt_spec_t *) nw;

    switch (what) {

    case XT_DIFF_REMOVE:
        j = xt_job_find(sup, old->id);
        if (j) {
            j->in_db = 0;
            j->wanted = 0;
        }
        return;

    case XT_DIFF_ADD:
        j = xt_job_find(sup, ns->id);
        if (j == NULL) {
            if (xt_grow((void **) &sup->jobs, &sup->cap, sup->njobs,
                        sizeof(*sup->jobs)) != 0)
            {
                return;
            }
            j = calloc(1, sizeof(*j));
            if (j == NULL) {
                return;
            }
            j->fd = -1;
            j->state = "stopped";
            j->dirty = 1;
            j->t_written = -1e9;
            sup->jobs[sup->njobs++] = j;
        } else {
            /* removed and added back before its worker ended */
            if (j->pid > 0 && !xt_spec_equal(&j->spec, ns)) {
                j->restart_now = 1;
                xt_job_stop(j, sup->now, 0, "new settings");
            }
            xt_spec_free(&j->spec);
        }
        j->spec = *ns;
        memset(ns, 0, sizeof(*ns));
        j->in_db = 1;
        j->wanted = !j->spec.on_demand;
        j->t_demand = sup->now;
        if (j->wanted) {
            xt_log(XT_LOG_INFO, "stream %u: always-on, starting", j->spec.id);
        }
        return;

    case XT_DIFF_CHANGE:
        j = xt_job_find(sup, ns->id);
        if (j == NULL) {
            return;
        }
        if (j->pid > 0) {
            j->restart_now = 1;
            xt_job_stop(j, sup->now, 0, "new settings");
        }
        xt_spec_free(&j->spec);
        j->spec = *ns;
        memset(ns, 0, sizeof(*ns));
        j->backoff = 0;
        j->t_next = 0;
        /* fall through: on_demand may have changed too */
        /* FALLTHROUGH */

    case XT_DIFF_SAME:
        j = xt_job_find(sup, nw->id ? nw->id : old->id);
        if (j == NULL) {
            return;
        }
        if (what == XT_DIFF_SAME) {
            j->spec.on_demand = nw->on_demand;
        }
        if (!j->spec.on_demand) {
            j->wanted = 1;
        } else if (j->wanted) {
            j->t_demand = sup->now;     /* idle timer from now */
        }
        return;
    }
}


static int
xt_spec_cmp(const void *a, const void *b)
{
    uint32_t  x = ((const xt_spec_t *) a)->id, y = ((const xt_spec_t *) b)->id;

    return x < y ? -1 : x > y;
}


int
xt_sup_load(xt_sup_t *sup, xt_db_t *db)
{
    xt_spec_t   *nv, *ov;
    size_t       nn, on = 0, i;
    unsigned     port;
    struct timespec  ts;

    if (xt_sup_db_load(db, sup->cf->server_id, &nv, &nn, &port) != 0) {
        return -1;
    }
    sup->rtmp_port = sup->cf->rtmp_port ? sup->cf->rtmp_port
                     : port ? port : 1935;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    sup->now = ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;

    /* the current set, shallow copies sorted by id */
    ov = malloc((sup->njobs + 1) * sizeof(xt_spec_t));
    if (ov == NULL) {
        for (i = 0; i < nn; i++) {
            xt_spec_free(&nv[i]);
        }
        free(nv);
        snprintf(db->err, sizeof(db->err), "out of memory");
        return -1;
    }
    for (i = 0; i < sup->njobs; i++) {
        if (sup->jobs[i]->in_db) {
            ov[on++] = sup->jobs[i]->spec;
        }
    }
    qsort(ov, on, sizeof(xt_spec_t), xt_spec_cmp);
    (void) xt_spec_diff(ov, on, nv, nn, xt_sup_diff_cb, sup);
    free(ov);
    for (i = 0; i < nn; i++) {
        xt_spec_free(&nv[i]);
    }
    free(nv);
    return 0;
}


static void
xt_job_spawn(xt_sup_t *sup, xt_job_t *j, double now)
{
    char   buf[16384], *argv[XT_WORKER_ARGV_MAX];
    char   archive[XT_CONF_PATH_MAX + 16];
    int    fd, argc;
    pid_t  pid;

    argc = xt_spec_argv(&j->spec, sup->worker, sup->cf->media_root,
                        sup->rtmp_port, XT_CHILD_STATUS_FD, buf, sizeof(buf),
                        argv);
    /* catch-up: the worker keeps its segments in the stream's archive */
    if (argc > 0 && j->spec.archive_days && sup->cf->archive_root[0]) {
        if (argc + 3 > XT_WORKER_ARGV_MAX) {
            argc = -1;
        } else {
            snprintf(archive, sizeof(archive), "%s/%u",
                     sup->cf->archive_root, j->spec.id);
            argv[argc++] = "--archive";
            argv[argc++] = archive;
            argv[argc] = NULL;
        }
    }
    if (argc < 0) {
        xt_log(XT_LOG_ERR, "stream %u: cannot build the worker command",
               j->spec.id);
        snprintf(j->err, sizeof(j->err), "bad stream settings");
        xt_job_set_state(j, "error");
        j->t_next = now + 60000;
        return;
    }
    pid = xt_spawn(argv, XT_CHILD_STATUS_FD, sup->cf->log_file, &fd);
    if (pid < 0) {
        xt_log(XT_LOG_ERR, "stream %u: spawn %s: %s", j->spec.id,
               sup->worker, strerror(errno));
        j->t_next = now + xt_backoff_next(j->backoff,
                                          sup->cf->restart_backoff_max_ms);
        return;
    }
    j->pid = pid;
    j->fd = fd;
    j->blen = 0;
    j->skipping = 0;
    j->stopping = j->killed = j->hung = j->restart_now = 0;
    j->t_spawn = j->t_health = j->t_progress = now;
    j->t_running = 0;
    j->segs = 0;
    memset(&j->h, 0, sizeof(j->h));
    j->started_at = (long long) time(NULL);
    xt_job_not_running(sup->cf, j, now);
    j->dirty = 1;
    xt_log(XT_LOG_INFO, "stream %u: worker started, pid %ld", j->spec.id,
           (long) pid);
}


static void
xt_job_line(const xt_config_t *cf, xt_job_t *j, const char *line,
    size_t len, double now)
{
    xt_health_t  h;

    if (xt_health_parse(line, len, &h) != 0) {
        xt_log(XT_LOG_DEBUG, "stream %u: unparsable health line",
               j->spec.id);
        return;
    }
    j->t_health = now;
    if (h.segments != j->segs) {
        j->segs = h.segments;
        j->t_progress = now;
    }
    if (h.state == XT_WS_RUNNING && j->t_running == 0) {
        j->t_running = now;
        j->t_progress = now;
    }
    if (h.last_error[0]) {
        /* a new error is the operator's to see (disk full, source gone) */
        if (strcmp(j->err, h.last_error) != 0) {
            xt_log(XT_LOG_WARN, "stream %u: worker reports: %s", j->spec.id,
                   h.last_error);
        }
        memcpy(j->err, h.last_error, sizeof(j->err));
    } else if (h.state == XT_WS_RUNNING && j->err[0]) {
        /* the source answers again: the old reason stays in the log only */
        xt_log(XT_LOG_INFO, "stream %u: running again (was: %s)", j->spec.id,
               j->err);
        j->err[0] = '\0';
    }
    j->h = h;
    j->dirty = 1;
    if (h.state == XT_WS_RUNNING) {
        j->t_failing = 0;
        xt_job_set_state(j, "running");
    } else if (!j->stopping) {
        xt_job_not_running(cf, j, now);
    }
}


static void
xt_job_drain(const xt_config_t *cf, xt_job_t *j, double now)
{
    ssize_t  n;
    char    *nl, *p;
    size_t   used;

    for ( ;; ) {
        n = read(j->fd, j->buf + j->blen, XT_HEALTH_LINE_MAX - j->blen);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                close(j->fd);
                j->fd = -1;
            }
            return;
        }
        j->blen += (size_t) n;
        p = j->buf;
        while ((nl = memchr(p, '\n', j->blen - (size_t) (p - j->buf)))) {
            if (!j->skipping) {
                xt_job_line(cf, j, p, (size_t) (nl - p), now);
            }
            j->skipping = 0;
            p = nl + 1;
        }
        used = (size_t) (p - j->buf);
        memmove(j->buf, p, j->blen - used);
        j->blen -= used;
        if (j->blen == XT_HEALTH_LINE_MAX) {
            j->skipping = 1;            /* overlong line: drop it */
            j->blen = 0;
        }
    }
}


void
xt_sup_read(xt_sup_t *sup, int fd, double now)
{
    size_t  i;

    for (i = 0; i < sup->njobs; i++) {
        if (sup->jobs[i]->fd == fd) {
            xt_job_drain(sup->cf, sup->jobs[i], now);
            return;
        }
    }
}


unsigned
xt_sup_pollfds(xt_sup_t *sup, struct pollfd *fds, unsigned max)
{
    size_t    i;
    unsigned  n = 0;

    for (i = 0; i < sup->njobs && n < max; i++) {
        if (sup->jobs[i]->fd >= 0) {
            fds[n].fd = sup->jobs[i]->fd;
            fds[n].events = POLLIN;
            fds[n].revents = 0;
            n++;
        }
    }
    return n;
}


static void
xt_job_exited(xt_sup_t *sup, xt_job_t *j, int status, double now)
{
    char      how[64];
    unsigned  delay;
    pid_t     pid;
    int       intended = j->stopping && !j->hung;

    if (j->fd >= 0) {
        xt_job_drain(sup->cf, j, now);
        if (j->fd >= 0) {
            close(j->fd);
            j->fd = -1;
        }
    }
    if (WIFEXITED(status)) {
        snprintf(how, sizeof(how), "exit status %d", WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        snprintf(how, sizeof(how), "signal %d", WTERMSIG(status));
    } else {
        snprintf(how, sizeof(how), "status %d", status);
    }
    pid = j->pid;
    j->pid = 0;
    j->started_at = 0;
    memset(&j->h, 0, sizeof(j->h));
    j->dirty = 1;

    if (intended) {
        xt_log(XT_LOG_INFO, "stream %u: worker stopped (%s)", j->spec.id,
               how);
        xt_job_set_state(j, "stopped");
        j->t_next = now;
        if (j->restart_now) {
            j->restart_now = 0;
        }
        j->stopping = 0;
        return;
    }

    j->restarts++;
    delay = xt_backoff_on_exit(&j->backoff,
                               j->t_running ? now - j->t_running : 0,
                               j->t_running != 0,
                               sup->cf->restart_backoff_max_ms);
    j->t_next = now + delay;
    if (j->hung) {
        snprintf(j->err, sizeof(j->err), "worker hung, killed");
    } else if (j->err[0] == '\0' || j->t_running) {
        snprintf(j->err, sizeof(j->err), "worker ended (%s)", how);
    }
    xt_log(XT_LOG_WARN, "stream %u: worker pid %ld ended (%s; %s), restart "
           "in %u ms", j->spec.id, (long) pid, how, j->err, delay);
    xt_job_not_running(sup->cf, j, now);
    j->stopping = 0;
    j->hung = 0;
}


void
xt_sup_reap(xt_sup_t *sup, double now)
{
    pid_t   pid;
    int     status;
    size_t  i;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (i = 0; i < sup->njobs; i++) {
            if (sup->jobs[i]->pid == pid) {
                xt_job_exited(sup, sup->jobs[i], status, now);
                break;
            }
        }
    }
}


static void
xt_job_flush(xt_sup_t *sup, xt_job_t *j, xt_status_batch_t *b, int *open,
    xt_db_t *db, double now, int force)
{
    xt_status_row_t  row;

    if (!j->dirty || (!force && now - j->t_written < 1000)) {
        return;
    }
    if (db == NULL || db->my == NULL) {
        return;
    }
    if (!*open) {
        if (xt_status_begin(b, db, sup->cf->server_id) != 0) {
            *open = -1;
            return;
        }
        *open = 1;
    }
    if (*open < 0) {
        return;
    }
    memset(&row, 0, sizeof(row));
    row.stream_id = j->spec.id;
    row.state = j->state;
    row.pid = j->pid;
    row.started_at = j->started_at;
    row.bitrate_kbps = j->h.bitrate_kbps;
    row.fps = j->h.fps;
    row.speed = j->h.speed;
    row.video_codec = j->h.video_codec;
    row.audio_codec = j->h.audio_codec;
    row.width = j->h.width;
    row.height = j->h.height;
    row.restarts = j->restarts;
    row.last_error = j->err;
    if (xt_status_write(b, db, &row) != 0) {
        xt_log(XT_LOG_WARN, "stream_status %u: %s", j->spec.id, db->err);
        *open = -1;
        return;
    }
    j->dirty = 0;
    j->t_written = now;
}


void
xt_sup_tick(xt_sup_t *sup, xt_db_t *db, double now)
{
    const xt_config_t  *cf = sup->cf;
    xt_status_batch_t   b;
    xt_job_t           *j;
    size_t              i;
    int                 open = 0;
    double              hang = cf->worker_hang_seconds * 1000.0, stall;

    memset(&b, 0, sizeof(b));
    for (i = 0; i < sup->njobs; i++) {
        j = sup->jobs[i];
        if (j->held) {
            j->wanted = 0;          /* xt_sup_control "stop" */
        }

        /* on-demand: idle stop */
        if (j->spec.on_demand && j->wanted && j->viewers <= 0
            && now - j->t_demand >= cf->ondemand_idle_seconds * 1000.0)
        {
            xt_log(XT_LOG_INFO, "stream %u: on-demand and idle for %u s",
                   j->spec.id, cf->ondemand_idle_seconds);
            j->wanted = 0;
        }

        if (j->pid > 0) {
            if (j->stopping) {
                if (!j->killed && now - j->t_term >= cf->worker_stop_grace_ms)
                {
                    xt_log(XT_LOG_WARN, "stream %u: worker pid %ld ignored "
                           "SIGTERM, killing it", j->spec.id, (long) j->pid);
                    xt_spawn_signal(j->pid, SIGKILL);
                    j->killed = 1;
                }
            } else if (!j->wanted) {
                xt_job_stop(j, now, 0, j->in_db ? "not wanted"
                                                : "removed or disabled");
            } else if (now - j->t_health >= hang) {
                xt_log(XT_LOG_WARN, "stream %u: no health line for %.0f s",
                       j->spec.id, (now - j->t_health) / 1000);
                xt_job_stop(j, now, 1, "hung");
            } else {
                stall = j->spec.segment_seconds * 3000.0;
                if (stall < hang) {
                    stall = hang;
                }
                if (j->h.state == XT_WS_RUNNING
                    && now - j->t_progress >= stall)
                {
                    xt_log(XT_LOG_WARN, "stream %u: no new segment for "
                           "%.0f s", j->spec.id, (now - j->t_progress) / 1000);
                    xt_job_stop(j, now, 1, "no progress");
                }
            }
        } else if (!j->in_db) {
            if (db && db->my) {
                (void) xt_status_delete(db, cf->server_id, j->spec.id);
            }
            xt_spec_free(&j->spec);
            free(j);
            sup->jobs[i] = sup->jobs[--sup->njobs];
            i--;
            continue;
        } else if (j->wanted && now >= j->t_next) {
            xt_job_spawn(sup, j, now);
        } else if (!j->wanted && strcmp(j->state, "error") == 0) {
            xt_job_set_state(j, "stopped");
        }
        if (!j->wanted) {
            j->t_failing = 0;
        } else if (j->t_failing != 0 && !j->stopping
                   && strcmp(j->state, "running") != 0)
        {
            xt_job_not_running(cf, j, now);   /* the window may end here */
        }
        xt_job_flush(sup, j, &b, &open, db, now, 0);
    }
    if (open > 0) {
        xt_status_end(&b);
    }
}


int
xt_sup_next_timeout(xt_sup_t *sup, double now)
{
    double    t = 1000, d;
    size_t    i;
    xt_job_t *j;

    for (i = 0; i < sup->njobs; i++) {
        j = sup->jobs[i];
        if (j->stopping || (j->pid <= 0 && !j->in_db)) {
            d = 50;
        } else if (j->pid <= 0 && j->wanted) {
            d = j->t_next - now;
        } else if (j->dirty) {
            d = j->t_written + 1000 - now;
        } else {
            continue;
        }
        if (d < t) {
            t = d;
        }
    }
    return t < 0 ? 0 : (int) t + 1;
}


void
xt_sup_demand(xt_sup_t *sup, uint32_t id, double now)
{
    xt_job_t  *j = xt_job_find(sup, id);

    if (j == NULL || !j->in_db) {
        xt_log(XT_LOG_DEBUG, "start request for stream %u: not placed here",
               id);
        return;
    }
    j->t_demand = now;
    if (!j->wanted) {
        xt_log(XT_LOG_INFO, "stream %u: start requested", id);
        j->wanted = 1;
        if (j->pid <= 0) {
            j->t_next = now;
        }
    }
}


void
xt_sup_publish(xt_sup_t *sup, uint32_t id, int up, double now)
{
    xt_job_t  *j = xt_job_find(sup, id);

    if (j == NULL || !j->in_db) {
        return;
    }
    xt_log(XT_LOG_INFO, "stream %u: RTMP %s", id,
           up ? "publisher connected" : "publisher gone");
    if (!up) {
        return;
    }
    j->t_demand = now;
    if (j->spec.on_demand) {
        j->wanted = 1;
    }
    if (j->pid <= 0 && j->wanted) {
        j->backoff = 0;         /* the source is there now: no waiting */
        j->t_next = now;
    }
}


void
xt_sup_viewers(xt_sup_t *sup, uint32_t id, int delta, double now)
{
    xt_job_t  *j = xt_job_find(sup, id);

    if (j == NULL) {
        return;
    }
    j->viewers += delta;
    if (j->viewers < 0) {
        j->viewers = 0;
    }
    j->t_demand = now;
}


void
xt_sup_control(xt_sup_t *sup, uint32_t id, const char *action, double now)
{
    xt_job_t  *j = xt_job_find(sup, id);

    if (j == NULL || !j->in_db) {
        xt_log(XT_LOG_DEBUG, "%s for stream %u: not placed here", action, id);
        return;
    }
    xt_log(XT_LOG_INFO, "stream %u: %s asked by an admin", id, action);
    if (strcmp(action, "stop") == 0) {
        j->held = 1;
        j->wanted = 0;
        return;
    }
    j->held = 0;
    j->wanted = 1;
    j->t_demand = now;
    j->backoff = 0;
    if (j->pid <= 0) {
        j->t_next = now;
    } else if (strcmp(action, "restart") == 0) {
        xt_job_stop(j, now, 0, "restart asked");
    }
}


unsigned
xt_sup_running(xt_sup_t *sup)
{
    size_t    i;
    unsigned  n = 0;

    for (i = 0; i < sup->njobs; i++) {
        n += sup->jobs[i]->pid > 0;
    }
    return n;
}


static double
xt_mono_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}


void
xt_sup_shutdown(xt_sup_t *sup, xt_db_t *db)
{
    size_t             i;
    double             t0 = xt_mono_ms(), now;
    xt_job_t          *j;
    xt_status_batch_t  b;
    int                open = 0, killed = 0;
    struct timespec    ts = { 0, 20 * 1000000L };

    if (sup == NULL) {
        return;
    }
    for (i = 0; i < sup->njobs; i++) {
        j = sup->jobs[i];
        j->wanted = 0;
        xt_job_stop(j, t0, 0, "xtreamd stopping");
    }
    while (xt_sup_running(sup)) {
        now = xt_mono_ms();
        xt_sup_reap(sup, now);
        if (!xt_sup_running(sup)) {
            break;
        }
        if (!killed && now - t0 >= sup->cf->worker_stop_grace_ms) {
            for (i = 0; i < sup->njobs; i++) {
                if (sup->jobs[i]->pid > 0) {
                    xt_log(XT_LOG_WARN, "stream %u: killing worker pid %ld",
                           sup->jobs[i]->spec.id, (long) sup->jobs[i]->pid);
                    xt_spawn_signal(sup->jobs[i]->pid, SIGKILL);
                }
            }
            killed = 1;
        }
        if (killed && now - t0 >= sup->cf->worker_stop_grace_ms + 5000.0) {
            break;                      /* unkillable (D state): give up */
        }
        nanosleep(&ts, NULL);
    }
    memset(&b, 0, sizeof(b));
    now = xt_mono_ms();
    for (i = 0; i < sup->njobs; i++) {
        j = sup->jobs[i];
        xt_job_set_state(j, "stopped");
        j->dirty = 1;
        xt_job_flush(sup, j, &b, &open, db, now, 1);
        if (j->fd >= 0) {
            close(j->fd);
        }
        xt_spec_free(&j->spec);
        free(j);
    }
    if (open > 0) {
        xt_status_end(&b);
    }
    free(sup->jobs);
    free(sup);
}


/* for the metrics file (xt_metrics_file.c): one call per job */
void
xt_sup_foreach(xt_sup_t *sup, xt_sup_visit_pt visit, void *ctx, double now)
{
    size_t              i;
    xt_job_t           *j;
    xt_sup_stream_t     s;

    for (i = 0; i < sup->njobs; i++) {
        j = sup->jobs[i];
        if (!j->in_db && j->pid <= 0) {
            continue;
        }
        memset(&s, 0, sizeof(s));
        s.id = j->spec.id;
        s.state = j->state;
        s.pid = j->pid;
        s.wanted = j->wanted;
        s.on_demand = j->spec.on_demand;
        s.restarts = j->restarts;
        s.viewers = j->viewers;
        s.fps = j->h.fps;
        s.speed = j->h.speed;
        s.bitrate_kbps = j->h.bitrate_kbps;
        s.segments = j->h.segments;
        s.uptime_s = j->pid > 0 ? (now - j->t_spawn) / 1e3 : 0;
        s.last_error = j->err;
        visit(ctx, &s);
    }
}
