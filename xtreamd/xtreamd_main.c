/*
 * xtreamd: migrate, compile every snapshot kind, then poll change_counters
 * and recompile a kind when its counter moves.  When MariaDB is away the
 * snapshot files in place are left alone (nginx keeps serving them) and the
 * connection is retried with back-off.
 *
 * One thread, one poll() loop: between counter polls it waits on the event
 * socket, the workers' status pipes and a self-pipe fed by SIGCHLD/SIGTERM,
 * and runs the supervisor's timers.  Workers keep running while MariaDB is
 * away (their status rows are written when it is back).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xt_archive_policy.h"
#include "xt_archive_prune.h"
#include "xt_compile.h"
#include "xt_config.h"
#include "xt_db.h"
#include "xt_epg_sched.h"
#include "xt_db_write.h"
#include "xt_events.h"
#include "xt_load_report.h"
#include "xt_log.h"
#include "xt_metrics_file.h"
#include "xt_migrate.h"
#include "xt_supervisor.h"
#include "xt_stream_cmds.h"
#include "admin/xt_admin_http.h"

#define XT_BACKOFF_MAX_MS  5000
#define XT_POLL_FDS        1024

static volatile sig_atomic_t  xt_stop, xt_child;
static int                    xt_sigpipe[2] = { -1, -1 };


static void
xt_on_signal(int sig)
{
    int  saved = errno;

    if (sig == SIGCHLD) {
        xt_child = 1;
    } else {
        xt_stop = 1;
    }
    if (xt_sigpipe[1] >= 0) {
        (void) !write(xt_sigpipe[1], "x", 1);
    }
    errno = saved;
}


/* what the loop serves between counter polls */
typedef struct {
    const xt_config_t  *cf;
    xt_db_t            *db;
    xt_sup_t           *sup;
    xt_events_t         ev;
    xt_stream_cmds_t    cmds;     /* admin start/stop/restart */
    double              expired_at;     /* last HLS expiry sweep, ms */
    double              metrics_at;     /* last metrics file, ms */
    int                 metrics_failing;
    xt_epg_sched_t      epg;            /* scheduled EPG imports */
    xt_load_t           load;           /* load reports (issue 11) */
} xt_loop_t;


static void
xt_sleep_ms(unsigned ms)
{
    struct timespec  ts = { ms / 1000, (long) (ms % 1000) * 1000000L };

    /* a signal cuts the sleep short; the loop then sees xt_stop */
    (void) nanosleep(&ts, NULL);
}


static double
xt_now_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}


static void
xt_handle_events(xt_loop_t *lp, double now)
{
    xt_event_t  e;
    uint32_t    stream;
    int         delta, n;

    /* bounded per wake so timers and pipes are served under a flood */
    for (n = 0; n < 512 && xt_events_recv(&lp->ev, &e) == 1; n++) {
        switch (e.type) {
        case XT_EV_OPEN:
        case XT_EV_CLOSE:
            delta = xt_events_db_apply(&lp->ev, lp->db, lp->cf->server_id,
                                       &e, &stream);
            if (delta) {
                xt_sup_viewers(lp->sup, stream, delta, now);
            }
            break;
        case XT_EV_START:
            xt_sup_demand(lp->sup, e.stream, now);
            break;
        case XT_EV_PUBLISH:
        case XT_EV_UNPUBLISH:
            xt_sup_publish(lp->sup, e.stream, e.type == XT_EV_PUBLISH, now);
            break;
        }
    }
}


static void
xt_hls_gone(void *ctx, uint32_t stream)
{
    xt_loop_t  *lp = ctx;

    xt_sup_viewers(lp->sup, stream, -1, xt_now_ms());
}


/* the metrics file nginx's xtream_metrics appends (xt_metrics_file.h);
   a failure (disk full) is logged once until it works again */
static void
xt_write_metrics(xt_loop_t *lp, double now)
{
    if (xt_dm_write(lp->cf->snapshot_dir, lp->sup, now,
                    (long long) time(NULL)) != 0)
    {
        if (!lp->metrics_failing) {
            xt_log(XT_LOG_WARN, "metrics file in %s: %s",
                   lp->cf->snapshot_dir, strerror(errno));
        }
        lp->metrics_failing = 1;
    } else {
        lp->metrics_failing = 0;
    }
}


/*
 * Serve events, worker pipes and supervisor timers for ms milliseconds
 * (or until SIGTERM).  Without a loop (--once) it just sleeps.
 */
static void
xt_wait(xt_loop_t *lp, unsigned ms)
{
    struct pollfd  fds[XT_POLL_FDS];
    unsigned       n, i, nsup;
    double         end = xt_now_ms() + ms, now;
    int            t, rc;
    char           drain[64];

    if (lp == NULL || lp->sup == NULL) {
        xt_sleep_ms(ms);
        return;
    }
    while (!xt_stop) {
        now = xt_now_ms();
        if (xt_child) {
            xt_child = 0;
            xt_sup_reap(lp->sup, now);
        }
        xt_sup_tick(lp->sup, lp->db, now);
        if (now - lp->expired_at >= 1000) {
            lp->expired_at = now;
            xt_events_db_expire(&lp->ev, lp->db, (long long) time(NULL),
                                lp->cf->hls_idle_seconds, xt_hls_gone, lp);
        }
        if (now - lp->metrics_at >= XT_METRICS_INTERVAL_MS) {
            lp->metrics_at = now;
            xt_write_metrics(lp, now);
        }
        if (xt_load_report(&lp->load, lp->db, lp->cf,
                           xt_sup_running(lp->sup), now) != 0
            && xt_db_write_split(lp->cf) && xt_db_gone(lp->db))
        {
            /* the primary went away: xt_run reconnects it */
            xt_db_close(lp->db);
        }
        if (now >= end) {
            return;
        }
        n = 0;
        fds[n].fd = xt_sigpipe[0];
        fds[n].events = POLLIN;
        n++;
        if (lp->ev.fd >= 0) {
            fds[n].fd = lp->ev.fd;
            fds[n].events = POLLIN;
            n++;
        }
        nsup = xt_sup_pollfds(lp->sup, fds + n, XT_POLL_FDS - n);
        n += nsup;
        t = xt_sup_next_timeout(lp->sup, now);
        if (t > end - now) {
            t = (int) (end - now) + 1;
        }
        rc = poll(fds, n, t);
        if (rc <= 0) {
            continue;
        }
        now = xt_now_ms();
        for (i = 0; i < n; i++) {
            if (fds[i].revents == 0) {
                continue;
            }
            if (fds[i].fd == xt_sigpipe[0]) {
                while (read(xt_sigpipe[0], drain, sizeof(drain)) > 0) {
                    /* empty */
                }
            } else if (fds[i].fd == lp->ev.fd) {
                xt_handle_events(lp, now);
            } else {
                xt_sup_read(lp->sup, fds[i].fd, now);
            }
        }
    }
}


/* build one kind; -1 on failure (db->err or the message logged) */
static int
xt_build(xt_db_t *db, const xt_config_t *cf, const xt_kind_t *k)
{
    xt_compile_stats_t  st;
    char                err[1024];
    double              t0 = xt_now_ms();

    memset(&st, 0, sizeof(st));
    db->errnum = 0;
    if (k->build(db, cf->snapshot_dir, &st, err, sizeof(err)) != 0) {
        xt_dm_compile(k->domain, xt_now_ms() - t0, 0, 0);
        xt_log(XT_LOG_ERR, "building %s failed: %s", k->file, err);
        return -1;
    }
    xt_dm_compile(k->domain, xt_now_ms() - t0, 1, st.generation);
    xt_log(XT_LOG_INFO, "built %s generation %llu: %zu records, %zu bytes, "
           "%.1f ms", k->file, (unsigned long long) st.generation,
           st.records, st.bytes, xt_now_ms() - t0);
    return 0;
}


/* read every counter; counters[i] for xt_kinds[i] */
static int
xt_read_counters(xt_db_t *db, MYSQL_STMT *st, unsigned long long *counters)
{
    xt_row_t  r;
    unsigned  i;
    int       frc;

    xt_row_init(&r);
    if (xt_row_str(&r, 16) != 0) {
        return -1;
    }
    xt_row_int(&r);
    if (xt_db_run(db, st, NULL) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        xt_row_free(&r);
        return -1;
    }
    while ((frc = xt_db_fetch(db, st)) == 1) {
        for (i = 0; i < xt_nkinds; i++) {
            if (strlen(xt_kinds[i].domain) == r.len[0]
                && memcmp(xt_kinds[i].domain, r.sval[0], r.len[0]) == 0)
            {
                counters[i] = (unsigned long long) r.ival[1];
            }
        }
    }
    mysql_stmt_free_result(st);
    xt_row_free(&r);
    return frc < 0 ? -1 : 0;
}


static int
xt_connect(xt_db_t *db, const xt_config_t *cf)
{
    unsigned  applied;
    int       rc;

    if (xt_db_connect(db, cf) != 0) {
        return -1;
    }
    /* with a write (primary) server the schema is migrated there and
       reaches this (replica) connection by replication */
    if (!xt_db_write_split(cf)
        && (rc = xt_migrate(db, &applied)) != 0)
    {
        xt_db_close(db);
        return rc;
    }
    return 0;
}


/* xt_run's per-kind arrays have XT_SNAP_KIND_LAST items, one per row of
   xt_kinds (a new kind without its row, or a row without its kind, stops
   the build) */
_Static_assert(sizeof(xt_kinds) / sizeof(xt_kinds[0]) == XT_SNAP_KIND_LAST,
               "xt_kinds and the kinds enum disagree");


static int
xt_run(const xt_config_t *cf, int once, xt_loop_t *lp)
{
    xt_db_t              db, wdb, *w;
    MYSQL_STMT          *cst = NULL;
    /* per kind, indexed like xt_kinds[] (XT_SNAP_KIND_LAST rows) */
    unsigned long long   seen[XT_SNAP_KIND_LAST], now[XT_SNAP_KIND_LAST];
    unsigned long long   sup_seen = 0;
    time_t               built_at[XT_SNAP_KIND_LAST];
    int                  built[XT_SNAP_KIND_LAST], down = 0, first = 1;
    int                  sup_loaded = 0;
    unsigned             i, backoff = 0, cat = 0, applied;
    int                  wfirst = 1, wdown = 0, mrc;
    double               wtry = -1e9;

    memset(&db, 0, sizeof(db));
    memset(&wdb, 0, sizeof(wdb));
    /* status, activity and load rows: the primary when one is named */
    w = xt_db_write_split(cf) ? &wdb : &db;
    memset(built, 0, sizeof(built));
    memset(seen, 0, sizeof(seen));
    memset(built_at, 0, sizeof(built_at));
    for (i = 0; i < xt_nkinds; i++) {
        if (strcmp(xt_kinds[i].domain, "catalog") == 0) {
            cat = i;
        }
    }
    if (lp) {
        lp->db = w;
    }

    while (!xt_stop) {
        if (w == &wdb && wdb.my == NULL && xt_now_ms() - wtry >= 2000) {
            wtry = xt_now_ms();
            mrc = 0;
            if (xt_db_connect_write(&wdb, cf) != 0
                || (mrc = xt_migrate(&wdb, &applied)) != 0)
            {
                if (mrc == XT_MIGRATE_REFUSED) {
                    /* waiting cannot fix it: a person must */
                    xt_log(XT_LOG_ERR, "database: %s", wdb.err);
                    xt_db_close(&wdb);
                    return 2;
                }
                if (!wdown) {
                    xt_log(XT_LOG_ERR, "write database unavailable (status "
                           "and load wait for it): %s", wdb.err);
                    wdown = 1;
                }
                xt_db_close(&wdb);
                if (once) {
                    return 2;
                }
            } else {
                xt_log(XT_LOG_INFO, "write database connected");
                wdown = 0;
                if (lp) {
                    if (wfirst) {
                        xt_sup_db_reset(lp->sup, &wdb);
                    }
                    if (xt_events_db_start(&lp->ev, &wdb, cf->server_id,
                                           wfirst) != 0)
                    {
                        xt_log(XT_LOG_WARN, "live_connections reset: %s",
                               wdb.err);
                    }
                }
                wfirst = 0;
            }
        }
        if (db.my == NULL) {
            if ((mrc = xt_connect(&db, cf)) != 0) {
                if (once || mrc == XT_MIGRATE_REFUSED) {
                    xt_log(XT_LOG_ERR, "database: %s", db.err);
                    return 2;
                }
                xt_dm_db(0);
                if (!down) {
                    xt_log(XT_LOG_ERR, "database unavailable, keeping the "
                           "current snapshots: %s", db.err);
                    down = 1;
                }
                backoff = backoff ? backoff * 2 : 250;
                if (backoff > XT_BACKOFF_MAX_MS) {
                    backoff = XT_BACKOFF_MAX_MS;
                }
                xt_wait(lp, backoff);
                continue;
            }
            if (down) {
                xt_log(XT_LOG_INFO, "database is back, rebuilding");
            }
            xt_dm_db(1);
            down = 0;
            backoff = 0;
            /* anything may have changed while we were away */
            memset(built, 0, sizeof(built));
            sup_loaded = 0;
            if (lp && w == &db) {
                if (first) {
                    xt_sup_db_reset(lp->sup, &db);
                }
                if (xt_events_db_start(&lp->ev, &db, cf->server_id, first)
                    != 0)
                {
                    xt_log(XT_LOG_WARN, "live_connections reset: %s", db.err);
                }
                first = 0;
            }
            cst = xt_db_prepare(&db, "SELECT domain, counter "
                                "FROM change_counters");
            if (cst == NULL) {
                xt_log(XT_LOG_ERR, "database: %s", db.err);
                xt_db_close(&db);
                if (once) {
                    return 2;
                }
                continue;
            }
        }

        /* counters are read before building: a change made during a build
           moves the counter again and is picked up by the next poll */
        memset(now, 0, sizeof(now));
        if (xt_read_counters(&db, cst, now) != 0) {
            goto lost;
        }
        for (i = 0; i < xt_nkinds; i++) {
            if (built[i] && seen[i] == now[i]
                && (xt_kinds[i].refresh_s == 0
                    || time(NULL) - built_at[i]
                       < (time_t) xt_kinds[i].refresh_s))
            {
                continue;
            }
            if (xt_build(&db, cf, &xt_kinds[i]) != 0) {
                if (db.my == NULL || xt_db_gone(&db)) {
                    goto lost;
                }
                if (once) {
                    return 2;
                }
                continue;   /* e.g. disk full: retry next poll */
            }
            built[i] = 1;
            built_at[i] = time(NULL);
            seen[i] = now[i];
        }
        if (once) {
            break;
        }
        /* the streams to run come from the catalog tables: reload them
           when the catalog counter moves (a change is seen within one
           poll interval) */
        /* catch-up archives: prune and record disk use when due */
        if (lp && xt_archive_tick(&db, cf, time(NULL)) != 0
            && (db.my == NULL || xt_db_gone(&db)))
        {
            goto lost;
        }
        if (lp && (!sup_loaded || sup_seen != now[cat])) {
            if (xt_sup_load(lp->sup, &db) != 0) {
                xt_log(XT_LOG_ERR, "loading streams: %s", db.err);
                if (db.my == NULL || xt_db_gone(&db)) {
                    goto lost;
                }
            } else {
                sup_loaded = 1;
                sup_seen = now[cat];
            }
        }
        if (lp) {
            xt_epg_sched_tick(&lp->epg, &db, xt_now_ms());
        }
        if (lp && sup_loaded
            && xt_stream_cmds_poll(&lp->cmds, &db, lp->sup, cf->server_id,
                                   xt_now_ms()) != 0)
        {
            xt_log(XT_LOG_WARN, "stream commands: %s", db.err);
            if (db.my == NULL || xt_db_gone(&db)) {
                goto lost;
            }
        }
        xt_wait(lp, cf->poll_interval_ms);
        continue;

    lost:
        xt_log(XT_LOG_ERR, "database connection lost: %s", db.err);
        xt_dm_db(0);
        if (cst) {
            mysql_stmt_close(cst);
            cst = NULL;
        }
        xt_db_close(&db);
        if (once) {
            return 2;
        }
        down = 1;
    }

    if (cst) {
        mysql_stmt_close(cst);
    }
    if (lp) {
        xt_epg_sched_stop(&lp->epg);
        /* workers first (their last status rows need the connection) */
        xt_sup_shutdown(lp->sup, w);
        lp->sup = NULL;
        xt_load_report_gone(w, cf);
        xt_events_db_start(&lp->ev, w, cf->server_id, 0);
    }
    xt_db_close(&db);
    xt_db_close(&wdb);
    return 0;
}


static int
xt_write_pid(const char *path)
{
    FILE  *f;
    char   tmp[XT_CONF_PATH_MAX + 8];

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "we");
    if (f == NULL) {
        return -1;
    }
    fprintf(f, "%ld\n", (long) getpid());
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}


static int
xt_daemonize(void)
{
    pid_t  pid;
    int    fd;

    pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid > 0) {
        _exit(0);
    }
    if (setsid() < 0) {
        return -1;
    }
    fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        if (fd > 1) {
            close(fd);
        }
    }
    if (chdir("/") != 0) {
        return -1;
    }
    return 0;
}


static void
xt_usage(FILE *f)
{
    fprintf(f, "usage: xtreamd [-c CONF] [--once] [--foreground]\n"
            "  -c CONF        configuration file (default: $XTREAM_CONF)\n"
            "  --once         migrate, build every snapshot, exit\n"
            "  --foreground   do not daemonise (logs to log_file or stderr)\n");
}


int
main(int argc, char **argv)
{
    const char        *conf = getenv("XTREAM_CONF");
    int                once = 0, fg = 0, i, rc;
    char               err[1200], worker[XT_CONF_PATH_MAX + 32];
    xt_config_t        cf;
    struct sigaction   sa;
    xt_loop_t          loop;
    xt_admin_http_t   *admin;
    ssize_t            n;
    char              *slash;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            conf = argv[++i];
        } else if (strcmp(argv[i], "--once") == 0) {
            once = 1;
        } else if (strcmp(argv[i], "--foreground") == 0) {
            fg = 1;
        } else if (strcmp(argv[i], "--help") == 0) {
            xt_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "xtreamd: unknown argument \"%s\"\n", argv[i]);
            xt_usage(stderr);
            return 1;
        }
    }
    if (conf == NULL) {
        fprintf(stderr, "xtreamd: no configuration (-c CONF or "
                "XTREAM_CONF)\n");
        return 1;
    }
    if (xt_config_load(&cf, conf, err, sizeof(err)) != 0) {
        fprintf(stderr, "xtreamd: %s\n", err);
        return 1;
    }
    xt_archive_policy_set(cf.archive_root[0] != '\0', cf.server_id);
    if (xt_log_open(cf.log_file) != 0) {
        fprintf(stderr, "xtreamd: log_file %s: %s\n", cf.log_file,
                strerror(errno));
        return 1;
    }
    if (mkdir(cf.snapshot_dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "xtreamd: snapshot_dir %s: %s\n", cf.snapshot_dir,
                strerror(errno));
        return 1;
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = xt_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (once) {
        return xt_run(&cf, 1, NULL);
    }
    xt_dm_start((long long) time(NULL));

    /* the worker binary: configured, or next to this executable */
    if (cf.worker_binary[0]) {
        snprintf(worker, sizeof(worker), "%s", cf.worker_binary);
    } else {
        n = readlink("/proc/self/exe", worker, sizeof(worker) - 32);
        if (n <= 0) {
            fprintf(stderr, "xtreamd: cannot find my own path; set "
                    "worker_binary\n");
            return 1;
        }
        worker[n] = '\0';
        slash = strrchr(worker, '/');
        strcpy(slash ? slash + 1 : worker, "xtream-worker");
    }
    if (access(worker, X_OK) != 0) {
        fprintf(stderr, "xtreamd: worker_binary %s: %s (streams will not "
                "start)\n", worker, strerror(errno));
    }

    /* before daemonising: the configuration path may be relative */
    memset(&loop, 0, sizeof(loop));
    (void) xt_epg_sched_init(&loop.epg, &cf, conf);

    if (!fg && xt_daemonize() != 0) {
        fprintf(stderr, "xtreamd: daemonise: %s\n", strerror(errno));
        return 2;
    }
    if (cf.pid_file[0] && xt_write_pid(cf.pid_file) != 0) {
        xt_log(XT_LOG_ERR, "pid_file %s: %s", cf.pid_file, strerror(errno));
        return 2;
    }

    /* one loop: signals arrive through a pipe so poll() wakes up */
    if (pipe2(xt_sigpipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        xt_log(XT_LOG_ERR, "pipe: %s", strerror(errno));
        return 2;
    }
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    sa.sa_flags = 0;

    loop.cf = &cf;
    if (xt_events_open(&loop.ev, cf.event_socket, cf.event_socket_group,
                       err, sizeof(err)) != 0)
    {
        xt_log(XT_LOG_ERR, "%s", err);
        return 2;
    }
    loop.sup = xt_sup_create(&cf, worker);
    if (loop.sup == NULL) {
        xt_log(XT_LOG_ERR, "out of memory");
        return 2;
    }
    /* the admin API: its own threads and database connections */
    admin = xt_admin_http_start(&cf, err, sizeof(err));
    if (admin == NULL && err[0]) {
        xt_log(XT_LOG_ERR, "%s", err);
        return 2;
    }
    xt_log(XT_LOG_INFO, "xtreamd started, pid %ld, worker %s, events %s",
           (long) getpid(), worker, cf.event_socket);
    rc = xt_run(&cf, 0, &loop);
    xt_admin_http_stop(admin);
    xt_log(XT_LOG_INFO, "xtreamd stopping: %lu events received, %lu bad, "
           "%lu activity writes failed", loop.ev.received, loop.ev.bad,
           loop.ev.db_failed);
    xt_events_close(&loop.ev, cf.event_socket);
    xt_log(XT_LOG_INFO, "xtreamd stopping");
    if (cf.pid_file[0]) {
        unlink(cf.pid_file);
    }
    return rc;
}
