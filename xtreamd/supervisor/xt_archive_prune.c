#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xt_archive_policy.h"
#include "xt_archive_prune.h"
#include "xt_grow.h"
#include "xt_log.h"

#define XT_ARCH_PATH_MAX  (XT_CONF_PATH_MAX + 64)

typedef struct {
    uint32_t   id;
    unsigned   days;
} xt_arch_days_t;

typedef struct {
    unsigned long long  bytes, segments;
    long long           oldest_ms, newest_ms;
} xt_arch_use_t;


int
xt_archive_hour_expired(long long hour, unsigned days, time_t now)
{
    return (hour + 1) * 3600 <= (long long) now - (long long) days * 86400;
}


/* a directory entry made only of 1..13 digits (our names), else -1 */
static long long
xt_arch_num(const char *name, const char *suffix)
{
    long long   v = 0;
    const char *p = name;

    for (; *p >= '0' && *p <= '9'; p++) {
        if (p - name >= 13) {
            return -1;
        }
        v = v * 10 + (*p - '0');
    }
    if (p == name || strcmp(p, suffix) != 0) {
        return -1;
    }
    return v;
}


/* removes an hour directory: our files only (segments, index, tmp) */
static void
xt_arch_rm_hour(const char *dir, xt_arch_use_t *gone)
{
    DIR            *d;
    struct dirent  *de;
    struct stat     sb;
    char            path[XT_ARCH_PATH_MAX + 32];

    if ((d = opendir(dir)) == NULL) {
        return;
    }
    while ((de = readdir(d)) != NULL) {
        if (xt_arch_num(de->d_name, ".ts") < 0
            && xt_arch_num(de->d_name, ".ts.tmp") < 0
            && strcmp(de->d_name, "index") != 0)
        {
            continue;
        }
        if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name)
            >= (int) sizeof(path))
        {
            continue;
        }
        if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode)
            && unlink(path) == 0 && xt_arch_num(de->d_name, ".ts") >= 0)
        {
            gone->bytes += (unsigned long long) sb.st_size;
            gone->segments++;
        }
    }
    closedir(d);
    if (rmdir(dir) != 0 && errno != ENOENT) {
        xt_log(XT_LOG_WARN, "archive: rmdir %s: %s", dir, strerror(errno));
    }
}


static void
xt_arch_count_hour(const char *dir, xt_arch_use_t *use)
{
    DIR            *d;
    struct dirent  *de;
    struct stat     sb;
    long long       ms;
    char            path[XT_ARCH_PATH_MAX + 32];

    if ((d = opendir(dir)) == NULL) {
        return;
    }
    while ((de = readdir(d)) != NULL) {
        if ((ms = xt_arch_num(de->d_name, ".ts")) < 0) {
            continue;
        }
        if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name)
            >= (int) sizeof(path)
            || lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        {
            continue;
        }
        use->bytes += (unsigned long long) sb.st_size;
        use->segments++;
        if (use->oldest_ms == 0 || ms < use->oldest_ms) {
            use->oldest_ms = ms;
        }
        if (ms > use->newest_ms) {
            use->newest_ms = ms;
        }
    }
    closedir(d);
}


/* one stream's archive: prune, then count what is left */
static void
xt_arch_stream(const char *sdir, unsigned days, time_t now,
    xt_arch_use_t *use, xt_arch_use_t *gone, unsigned *hours_gone)
{
    DIR            *d;
    struct dirent  *de;
    long long       hour;
    char            hdir[XT_ARCH_PATH_MAX + 16];

    if ((d = opendir(sdir)) == NULL) {
        return;
    }
    while ((de = readdir(d)) != NULL) {
        if ((hour = xt_arch_num(de->d_name, "")) < 0) {
            continue;
        }
        if (snprintf(hdir, sizeof(hdir), "%s/%s", sdir, de->d_name)
            >= (int) sizeof(hdir))
        {
            continue;
        }
        if (xt_archive_hour_expired(hour, days, now)) {
            xt_arch_rm_hour(hdir, gone);
            (*hours_gone)++;
        } else {
            xt_arch_count_hour(hdir, use);
        }
    }
    closedir(d);
    if (days == 0) {
        (void) rmdir(sdir);         /* no longer archived: empty now */
    }
}


static int
xt_arch_load_days(xt_db_t *db, xt_arch_days_t **out, size_t *n)
{
    MYSQL_STMT      *st;
    xt_row_t         r;
    xt_binds_t       bs;
    xt_arch_days_t  *v = NULL;
    size_t           cap = 0;
    int              frc, rc = -1;

    *n = 0;
    xt_row_init(&r);
    st = xt_db_prepare(db, "SELECT s.id, s.tv_archive, s.tv_archive_duration, "
                       "s.on_demand, " XT_ARCHIVE_HERE_SQL " FROM streams s "
                       "WHERE s.enabled = 1 ORDER BY s.id");
    if (st == NULL) {
        return -1;
    }
    xt_row_int(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    xt_binds_reset(&bs);
    xt_bind_int(&bs, xt_archive_policy_server());
    if (xt_db_run(db, st, &bs) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        goto out;
    }
    while ((frc = xt_db_fetch(db, st)) == 1) {
        if (xt_grow((void **) &v, &cap, *n, sizeof(*v)) != 0) {
            goto out;
        }
        v[*n].id = (uint32_t) r.ival[0];
        v[*n].days = xt_archive_days(r.ival[1], r.ival[2], r.ival[3],
                                     r.ival[4]);
        (*n)++;
    }
    if (frc == 0) {
        rc = 0;
    }
out:
    mysql_stmt_close(st);
    xt_row_free(&r);
    if (rc != 0) {
        free(v);
        v = NULL;
        *n = 0;
    }
    *out = v;
    return rc;
}


static unsigned
xt_arch_days_of(const xt_arch_days_t *v, size_t n, uint32_t id)
{
    size_t  lo = 0, hi = n, mid;

    while (lo < hi) {
        mid = (lo + hi) / 2;
        if (v[mid].id == id) {
            return v[mid].days;
        }
        if (v[mid].id < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return 0;
}


static int
xt_arch_write_use(xt_db_t *db, MYSQL_STMT **st, unsigned server_id,
    uint32_t id, unsigned days, const xt_arch_use_t *u, time_t now)
{
    xt_binds_t  bs;

    if (*st == NULL) {
        *st = xt_db_prepare(db, "REPLACE INTO archive_usage (stream_id, "
                            "server_id, bytes, segments, oldest_ms, "
                            "newest_ms, keep_days, updated_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        if (*st == NULL) {
            return -1;
        }
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    xt_bind_int(&bs, server_id);
    xt_bind_int(&bs, (long long) u->bytes);
    xt_bind_int(&bs, (long long) u->segments);
    xt_bind_int(&bs, u->oldest_ms);
    xt_bind_int(&bs, u->newest_ms);
    xt_bind_int(&bs, days);
    xt_bind_int(&bs, (long long) now);
    return xt_db_run(db, *st, &bs);
}


int
xt_archive_tick(xt_db_t *db, const xt_config_t *cf, time_t now)
{
    static time_t    last;
    DIR             *d;
    struct dirent   *de;
    struct stat      sb;
    xt_arch_days_t  *days = NULL;
    size_t           ndays;
    long long        id;
    unsigned         sd, hours_gone = 0, streams = 0;
    xt_arch_use_t    use, total, gone;
    MYSQL_STMT      *st = NULL, *del;
    xt_binds_t       bs;
    char             sdir[XT_ARCH_PATH_MAX];
    int              rc = 0;

    if (cf->archive_root[0] == '\0'
        || (last && now - last < (time_t) cf->archive_scan_seconds))
    {
        return 0;
    }
    last = now;

    if (mkdir(cf->archive_root, 0755) != 0 && errno != EEXIST) {
        xt_log(XT_LOG_ERR, "archive_root %s: %s", cf->archive_root,
               strerror(errno));
        return 0;
    }
    if (xt_arch_load_days(db, &days, &ndays) != 0) {
        xt_log(XT_LOG_WARN, "archive scan skipped: %s", db->err);
        return -1;
    }
    if ((d = opendir(cf->archive_root)) == NULL) {
        free(days);
        return 0;
    }
    memset(&total, 0, sizeof(total));
    memset(&gone, 0, sizeof(gone));
    while ((de = readdir(d)) != NULL) {
        if ((id = xt_arch_num(de->d_name, "")) <= 0 || id > 0xffffffffLL) {
            continue;
        }
        if (snprintf(sdir, sizeof(sdir), "%s/%s", cf->archive_root,
                     de->d_name) >= (int) sizeof(sdir)
            || lstat(sdir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        {
            continue;
        }
        sd = xt_arch_days_of(days, ndays, (uint32_t) id);
        memset(&use, 0, sizeof(use));
        xt_arch_stream(sdir, sd, now, &use, &gone, &hours_gone);
        total.bytes += use.bytes;
        total.segments += use.segments;
        streams++;
        if (rc == 0
            && xt_arch_write_use(db, &st, cf->server_id, (uint32_t) id, sd,
                                 &use, now) != 0)
        {
            xt_log(XT_LOG_WARN, "archive_usage: %s", db->err);
            rc = -1;
        }
    }
    closedir(d);
    free(days);
    if (st) {
        mysql_stmt_close(st);
    }
    /* streams whose archive directory is gone */
    if (rc == 0) {
        del = xt_db_prepare(db, "DELETE FROM archive_usage WHERE "
                            "server_id = ? AND updated_at < ?");
        if (del != NULL) {
            xt_binds_reset(&bs);
            xt_bind_int(&bs, cf->server_id);
            xt_bind_int(&bs, (long long) now);
            (void) xt_db_run(db, del, &bs);
            mysql_stmt_close(del);
        }
    }
    xt_log(hours_gone ? XT_LOG_INFO : XT_LOG_DEBUG,
           "archive: %u streams, %llu bytes in %llu segments; pruned %u "
           "hours (%llu bytes, %llu segments)", streams, total.bytes,
           total.segments, hours_gone, gone.bytes, gone.segments);
    return rc;
}
