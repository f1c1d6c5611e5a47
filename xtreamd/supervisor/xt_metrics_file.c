/*
 * xtreamd's metrics file (see xt_metrics_file.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xt_metrics_file.h"

#define XT_DM_KINDS  8

typedef struct {
    char                kind[16];
    unsigned long long  runs, failures, generation;
    double              last_ms, sum_ms;
} xt_dm_run_t;

static struct {
    long long    started;
    int          db_up;
    unsigned     db_losses;
    xt_dm_run_t  compile[XT_DM_KINDS];
    xt_dm_run_t  import[XT_DM_KINDS];
} xt_dm;


void
xt_dm_start(long long now_s)
{
    memset(&xt_dm, 0, sizeof(xt_dm));
    xt_dm.started = now_s;
}


void
xt_dm_db(int up)
{
    if (xt_dm.db_up && !up) {
        xt_dm.db_losses++;
    }
    xt_dm.db_up = up;
}


static xt_dm_run_t *
xt_dm_slot(xt_dm_run_t *runs, const char *kind)
{
    unsigned  i;

    for (i = 0; i < XT_DM_KINDS; i++) {
        if (runs[i].kind[0] == '\0') {
            snprintf(runs[i].kind, sizeof(runs[i].kind), "%s", kind);
            return &runs[i];
        }
        if (strcmp(runs[i].kind, kind) == 0) {
            return &runs[i];
        }
    }
    return NULL;                        /* more kinds than slots */
}


static void
xt_dm_run(xt_dm_run_t *runs, const char *kind, double ms, int ok,
    unsigned long long generation)
{
    xt_dm_run_t  *r = xt_dm_slot(runs, kind);

    if (r == NULL) {
        return;
    }
    r->runs++;
    r->failures += !ok;
    r->last_ms = ms;
    r->sum_ms += ms;
    if (ok && generation) {
        r->generation = generation;
    }
}


void
xt_dm_compile(const char *kind, double ms, int ok,
    unsigned long long generation)
{
    xt_dm_run(xt_dm.compile, kind, ms, ok, generation);
}


void
xt_dm_import(const char *kind, double ms, int ok)
{
    xt_dm_run(xt_dm.import, kind, ms, ok, 0);
}


static void
xt_dm_runs(xt_prom_t *p, const xt_dm_run_t *runs, const char *what,
    const char *help_runs, const char *help_last)
{
    char         name[64];
    unsigned     i;
    const char  *labels[3] = { "kind", NULL, NULL };

    snprintf(name, sizeof(name), "xtreamd_%s_total", what);
    xt_prom_family(p, name, "counter", help_runs);
    for (i = 0; i < XT_DM_KINDS && runs[i].kind[0]; i++) {
        labels[1] = runs[i].kind;
        xt_prom_u64(p, name, labels, runs[i].runs);
    }
    snprintf(name, sizeof(name), "xtreamd_%s_failures_total", what);
    xt_prom_family(p, name, "counter", "Runs of the kind that failed.");
    for (i = 0; i < XT_DM_KINDS && runs[i].kind[0]; i++) {
        labels[1] = runs[i].kind;
        xt_prom_u64(p, name, labels, runs[i].failures);
    }
    snprintf(name, sizeof(name), "xtreamd_%s_last_duration_seconds", what);
    xt_prom_family(p, name, "gauge", help_last);
    for (i = 0; i < XT_DM_KINDS && runs[i].kind[0]; i++) {
        labels[1] = runs[i].kind;
        xt_prom_f64(p, name, labels, runs[i].last_ms / 1e3);
    }
    snprintf(name, sizeof(name), "xtreamd_%s_duration_seconds_total", what);
    xt_prom_family(p, name, "counter",
                   "Time spent in runs of the kind (rate() over "
                   "xtreamd_..._total gives the mean).");
    for (i = 0; i < XT_DM_KINDS && runs[i].kind[0]; i++) {
        labels[1] = runs[i].kind;
        xt_prom_f64(p, name, labels, runs[i].sum_ms / 1e3);
    }
}


/* per-stream series: one family at a time, so each visit writes one
   sample of the family being rendered */
typedef struct {
    xt_prom_t   *p;
    const char  *name;
    int          field;
} xt_dm_visit_t;

enum {
    XT_DMF_UP = 0, XT_DMF_STATE, XT_DMF_RESTARTS, XT_DMF_FPS,
    XT_DMF_BITRATE, XT_DMF_SPEED, XT_DMF_SEGMENTS, XT_DMF_UPTIME,
    XT_DMF_VIEWERS, XT_DMF_ERROR
};

static const char  *xt_dm_states[] = {
    "starting", "running", "error", "stopped"
};


static void
xt_dm_visit(void *ctx, const xt_sup_stream_t *s)
{
    xt_dm_visit_t  *v = ctx;
    char            id[16];
    unsigned        i;
    const char     *labels[5] = { "stream", id, NULL, NULL, NULL };

    snprintf(id, sizeof(id), "%u", s->id);

    switch (v->field) {
    case XT_DMF_UP:
        xt_prom_u64(v->p, v->name, labels, s->pid > 0);
        break;
    case XT_DMF_STATE:
        labels[2] = "state";
        for (i = 0; i < sizeof(xt_dm_states) / sizeof(xt_dm_states[0]); i++) {
            labels[3] = xt_dm_states[i];
            xt_prom_u64(v->p, v->name, labels,
                        s->state && strcmp(s->state, xt_dm_states[i]) == 0);
        }
        break;
    case XT_DMF_RESTARTS:
        xt_prom_u64(v->p, v->name, labels, s->restarts);
        break;
    case XT_DMF_FPS:
        xt_prom_f64(v->p, v->name, labels, s->fps);
        break;
    case XT_DMF_BITRATE:
        xt_prom_u64(v->p, v->name, labels,
                    (unsigned long long) s->bitrate_kbps * 1000);
        break;
    case XT_DMF_SPEED:
        xt_prom_f64(v->p, v->name, labels, s->speed);
        break;
    case XT_DMF_SEGMENTS:
        xt_prom_u64(v->p, v->name, labels, s->segments);
        break;
    case XT_DMF_UPTIME:
        xt_prom_f64(v->p, v->name, labels, s->uptime_s);
        break;
    case XT_DMF_VIEWERS:
        xt_prom_i64(v->p, v->name, labels, s->viewers);
        break;
    case XT_DMF_ERROR:
        /* the message as a label of a constant 1: Grafana tables show it;
           bounded (256 bytes) and escaped by the writer */
        if (s->last_error && s->last_error[0]) {
            labels[2] = "error";
            labels[3] = s->last_error;
            xt_prom_u64(v->p, v->name, labels, 1);
        }
        break;
    }
}


static const struct {
    const char  *name;
    const char  *type;
    const char  *help;
} xt_dm_stream_families[] = {
    { "xtreamd_stream_worker_up", "gauge",
      "1 while the stream's worker process exists." },
    { "xtreamd_stream_state", "gauge",
      "1 for the stream's current state (starting, running, error, "
      "stopped), 0 for the others." },
    { "xtreamd_stream_restarts_total", "counter",
      "Worker restarts after a failure since xtreamd started." },
    { "xtreamd_stream_fps", "gauge",
      "Frames per second the worker reports (0 when not running)." },
    { "xtreamd_stream_bitrate_bps", "gauge",
      "Output bitrate the worker reports, bits per second." },
    { "xtreamd_stream_speed", "gauge",
      "Processing speed relative to real time (1 = real time)." },
    { "xtreamd_stream_segments", "gauge",
      "Segments the current worker has published." },
    { "xtreamd_stream_uptime_seconds", "gauge",
      "Seconds since the current worker was started." },
    { "xtreamd_stream_viewers", "gauge",
      "Viewers xtreamd counts for the stream (from nginx's events)." },
    { "xtreamd_stream_last_error", "gauge",
      "1, with the stream's last error message as a label." },
};


void
xt_dm_render(xt_prom_t *p, xt_sup_t *sup, double now_ms, long long now_s)
{
    unsigned       i;
    xt_dm_visit_t  v;

    xt_prom_family(p, "xtreamd_metrics_written_timestamp_seconds", "gauge",
                   "When xtreamd wrote this file (compare with time()).");
    xt_prom_i64(p, "xtreamd_metrics_written_timestamp_seconds", NULL,
                now_s);
    xt_prom_family(p, "xtreamd_start_timestamp_seconds", "gauge",
                   "When this xtreamd process started.");
    xt_prom_i64(p, "xtreamd_start_timestamp_seconds", NULL, xt_dm.started);
    xt_prom_family(p, "xtreamd_db_up", "gauge",
                   "1 while xtreamd is connected to MariaDB.");
    xt_prom_u64(p, "xtreamd_db_up", NULL, xt_dm.db_up ? 1 : 0);
    xt_prom_family(p, "xtreamd_db_connection_losses_total", "counter",
                   "Times the database connection was lost.");
    xt_prom_u64(p, "xtreamd_db_connection_losses_total", NULL,
                xt_dm.db_losses);

    xt_dm_runs(p, xt_dm.compile, "snapshot_builds",
               "Snapshot builds by kind.",
               "Duration of the last snapshot build of the kind.");
    xt_prom_family(p, "xtreamd_snapshot_generation", "gauge",
                   "Generation of the last snapshot xtreamd built.");
    for (i = 0; i < XT_DM_KINDS && xt_dm.compile[i].kind[0]; i++) {
        const char  *labels[3] = { "kind", xt_dm.compile[i].kind, NULL };

        xt_prom_u64(p, "xtreamd_snapshot_generation", labels,
                    xt_dm.compile[i].generation);
    }
    xt_dm_runs(p, xt_dm.import, "imports",
               "Import runs by kind (the EPG import records here).",
               "Duration of the last import run of the kind.");

    if (sup == NULL) {
        return;
    }
    xt_prom_family(p, "xtreamd_workers_running", "gauge",
                   "Worker processes alive.");
    xt_prom_u64(p, "xtreamd_workers_running", NULL, xt_sup_running(sup));

    v.p = p;
    for (i = 0; i < sizeof(xt_dm_stream_families)
                    / sizeof(xt_dm_stream_families[0]); i++)
    {
        xt_prom_family(p, xt_dm_stream_families[i].name,
                       xt_dm_stream_families[i].type,
                       xt_dm_stream_families[i].help);
        v.name = xt_dm_stream_families[i].name;
        v.field = (int) i;
        xt_sup_foreach(sup, xt_dm_visit, &v, now_ms);
    }
}


int
xt_dm_write(const char *dir, xt_sup_t *sup, double now_ms, long long now_s)
{
    int        fd, saved;
    char       path[4096], tmp[4112];
    size_t     off;
    ssize_t    n;
    xt_prom_t  p;

    xt_prom_init(&p, NULL, 0, xt_prom_grow_malloc, NULL);
    xt_dm_render(&p, sup, now_ms, now_s);
    if (p.failed) {
        free(p.buf);
        errno = ENOMEM;
        return -1;
    }

    snprintf(path, sizeof(path), "%s/%s", dir, XT_METRICS_FILE);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        free(p.buf);
        return -1;
    }
    for (off = 0; off < p.len; off += (size_t) n) {
        n = write(fd, p.buf + off, p.len - off);
        if (n < 0 && errno == EINTR) {
            n = 0;
            continue;
        }
        if (n <= 0) {
            saved = n < 0 ? errno : ENOSPC;
            close(fd);
            unlink(tmp);
            free(p.buf);
            errno = saved;
            return -1;
        }
    }
    free(p.buf);
    /* no fsync: the file is rewritten every few seconds and only read
       while the machine is up */
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}
