/*
 * xtreamd: migrate, compile every snapshot kind, then poll change_counters
 * and recompile a kind when its counter moves.  When MariaDB is away the
 * snapshot files in place are left alone (nginx keeps serving them) and the
 * connection is retried with back-off.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xt_compile.h"
#include "xt_config.h"
#include "xt_db.h"
#include "xt_log.h"
#include "xt_migrate.h"

#define XT_BACKOFF_MAX_MS  5000

static volatile sig_atomic_t  xt_stop;


static void
xt_on_signal(int sig)
{
    (void) sig;
    xt_stop = 1;
}


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
        xt_log(XT_LOG_ERR, "building %s failed: %s", k->file, err);
        return -1;
    }
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

    if (xt_db_connect(db, cf) != 0) {
        return -1;
    }
    if (xt_migrate(db, &applied) != 0) {
        xt_db_close(db);
        return -1;
    }
    return 0;
}


static int
xt_run(const xt_config_t *cf, int once)
{
    xt_db_t              db;
    MYSQL_STMT          *cst = NULL;
    unsigned long long   seen[8], now[8];
    int                  built[8], down = 0;
    unsigned             i, backoff = 0;

    memset(&db, 0, sizeof(db));
    memset(built, 0, sizeof(built));
    memset(seen, 0, sizeof(seen));

    while (!xt_stop) {
        if (db.my == NULL) {
            if (xt_connect(&db, cf) != 0) {
                if (once) {
                    xt_log(XT_LOG_ERR, "database: %s", db.err);
                    return 2;
                }
                if (!down) {
                    xt_log(XT_LOG_ERR, "database unavailable, keeping the "
                           "current snapshots: %s", db.err);
                    down = 1;
                }
                backoff = backoff ? backoff * 2 : 250;
                if (backoff > XT_BACKOFF_MAX_MS) {
                    backoff = XT_BACKOFF_MAX_MS;
                }
                xt_sleep_ms(backoff);
                continue;
            }
            if (down) {
                xt_log(XT_LOG_INFO, "database is back, rebuilding");
            }
            down = 0;
            backoff = 0;
            /* anything may have changed while we were away */
            memset(built, 0, sizeof(built));
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
            if (built[i] && seen[i] == now[i]) {
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
            seen[i] = now[i];
        }
        if (once) {
            break;
        }
        xt_sleep_ms(cf->poll_interval_ms);
        continue;

    lost:
        xt_log(XT_LOG_ERR, "database connection lost: %s", db.err);
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
    xt_db_close(&db);
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
    char               err[1200];
    xt_config_t        cf;
    struct sigaction   sa;

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
        return xt_run(&cf, 1);
    }

    if (!fg && xt_daemonize() != 0) {
        fprintf(stderr, "xtreamd: daemonise: %s\n", strerror(errno));
        return 2;
    }
    if (cf.pid_file[0] && xt_write_pid(cf.pid_file) != 0) {
        xt_log(XT_LOG_ERR, "pid_file %s: %s", cf.pid_file, strerror(errno));
        return 2;
    }
    xt_log(XT_LOG_INFO, "xtreamd started, pid %ld", (long) getpid());
    rc = xt_run(&cf, 0);
    xt_log(XT_LOG_INFO, "xtreamd stopping");
    if (cf.pid_file[0]) {
        unlink(cf.pid_file);
    }
    return rc;
}
