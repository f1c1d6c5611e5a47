#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "xt_epg_fetch.h"
#include "xt_epg_import.h"
#include "xt_epg_input.h"
#include "xt_epg_store.h"
#include "xt_epg_xmltv.h"
#include "xt_grow.h"
#include "xt_json_gen.h"
#include "xt_log.h"

#define XT_EPG_LOCK_WAIT   600          /* s, for another import to end */
#define XT_EPG_RETRY_MAX   3600         /* s, a failed source is retried */

typedef struct {
    char      name[256], url[2049], lang[17], etag[256], lastmod[65];
    unsigned  interval;
    int       enabled;
} xt_src_t;

typedef struct {
    xt_epg_run_t     *run;
    uint32_t          id;
    const char       *name;
    xt_epg_input_t   *in;
    xt_xmltv_t       *x;
    MYSQL_STMT       *st;
    const char       *phase;
    double            t0, last_db, last_log;
    uint64_t          dl_now, dl_total;
} xt_prog_t;


static double
xt_mono(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}


static int
xt_load_source(xt_db_t *db, uint32_t id, xt_src_t *s)
{
    MYSQL_STMT  *st;
    xt_row_t     r;
    xt_binds_t   bs;
    int          frc, rc = -1;

    xt_row_init(&r);
    st = xt_db_prepare(db, "SELECT name, url, enabled, lang, "
                       "refresh_interval, etag, last_modified "
                       "FROM epg_sources WHERE id = ?");
    if (st == NULL) {
        return -1;
    }
    if (xt_row_str(&r, sizeof(s->name)) || xt_row_str(&r, sizeof(s->url))) {
        goto out;
    }
    xt_row_int(&r);
    if (xt_row_str(&r, sizeof(s->lang))) {
        goto out;
    }
    xt_row_int(&r);
    if (xt_row_str(&r, sizeof(s->etag)) || xt_row_str(&r, sizeof(s->lastmod)))
    {
        goto out;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    if (xt_db_run(db, st, &bs) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        goto out;
    }
    frc = xt_db_fetch(db, st);
    if (frc < 0) {
        goto out;
    }
    rc = frc == 1 ? 1 : 0;
    if (frc == 1) {
#define CP(dst, k)  snprintf(dst, sizeof(dst), "%.*s", (int) r.len[k], \
                             r.sval[k])
        CP(s->name, 0);
        CP(s->url, 1);
        s->enabled = (int) r.ival[2];
        CP(s->lang, 3);
        s->interval = (unsigned) r.ival[4];
        CP(s->etag, 5);
        CP(s->lastmod, 6);
#undef CP
        while (xt_db_fetch(db, st) == 1) { /* drain */ }
    }
out:
    xt_row_free(&r);
    mysql_stmt_close(st);
    return rc;
}


/* SELECT GET_LOCK(...): 1 held, 0 timed out, -1 error */
static int
xt_lock(xt_db_t *db, const char *sql)
{
    MYSQL_STMT  *st;
    xt_row_t     r;
    int          rc = -1;

    xt_row_init(&r);
    xt_row_int(&r);
    st = xt_db_prepare(db, sql);
    if (st == NULL) {
        return -1;
    }
    if (xt_db_run(db, st, NULL) == 0 && xt_db_bind_row(db, st, &r) == 0
        && xt_db_fetch(db, st) == 1)
    {
        rc = r.isnull[0] ? 0 : (int) r.ival[0];
        while (xt_db_fetch(db, st) == 1) { /* drain */ }
    }
    mysql_stmt_close(st);
    return rc;
}


static void
xt_progress_write(xt_prog_t *pg, int force)
{
    double              t = xt_mono(), rate, eta, pct;
    unsigned long long  n = pg->x ? pg->x->programmes : 0;
    uint64_t            pos, total;
    xt_binds_t          bs;

    if (pg->in) {
        pos = xt_epg_input_pos(pg->in);
        total = pg->in->size;
    } else {
        pos = pg->dl_now;
        total = pg->dl_total;
    }
    if (pg->st && (force || t - pg->last_db >= 1.0)) {
        pg->last_db = t;
        xt_binds_reset(&bs);
        xt_bind_cstr(&bs, pg->phase);
        xt_bind_int(&bs, (long long) time(NULL));
        xt_bind_int(&bs, (long long) n);
        xt_bind_int(&bs, (long long) pos);
        xt_bind_int(&bs, (long long) total);
        xt_bind_int(&bs, pg->id);
        if (xt_db_run(pg->run->sdb, pg->st, &bs) != 0) {
            xt_log(XT_LOG_WARN, "epg source %u: progress write: %s", pg->id,
                   pg->run->sdb->err);
        }
    }
    if (t - pg->last_log >= 5.0) {
        pg->last_log = t;
        rate = t > pg->t0 ? n / (t - pg->t0) : 0;
        if (total && pos) {
            pct = 100.0 * (double) pos / (double) total;
            eta = (t - pg->t0) * ((double) total / (double) pos - 1.0);
            xt_log(XT_LOG_INFO, "epg source %u (%s): %s, %llu programmes, "
                   "%.0f/s, %.0f%% of %.1f MB, ETA %.0f s", pg->id, pg->name,
                   pg->phase, n, rate, pct, total / 1e6, eta);
        } else {
            xt_log(XT_LOG_INFO, "epg source %u (%s): %s, %llu programmes, "
                   "%.0f/s, %.1f MB", pg->id, pg->name, pg->phase, n, rate,
                   pos / 1e6);
        }
    }
}


static void
xt_on_parse_progress(void *ctx)
{
    xt_progress_write(*(xt_prog_t **) ctx, 0);
}


static void
xt_on_fetch_progress(void *ctx, uint64_t now, uint64_t total)
{
    xt_prog_t  *pg = ctx;

    pg->dl_now = now;
    pg->dl_total = total;
    xt_progress_write(pg, 0);
}


/* the parser's context is the store; progress needs the xt_prog_t too */
typedef struct {
    xt_prog_t       *pg;                /* first: xt_on_parse_progress */
    xt_epg_store_t  *store;
} xt_pctx_t;

static int
xt_cb_channel(void *ctx, const xt_epg_chan_t *c, int *reason)
{
    return xt_epg_store_channel(((xt_pctx_t *) ctx)->store, c, reason);
}

static int
xt_cb_prog(void *ctx, const xt_epg_prog_t *p, int *reason)
{
    return xt_epg_store_programme(((xt_pctx_t *) ctx)->store, p, reason);
}


static void
xt_detail_json(const xt_epg_result_t *res, char *out, size_t cap)
{
    yajl_gen              g = xt_gen_new();
    const unsigned char  *buf;
    size_t                len, k;

    snprintf(out, cap, "{}");
    if (g == NULL) {
        return;
    }
    yajl_gen_map_open(g);
    for (k = 0; k < XT_EPG_SKIP_COUNT; k++) {
        if (res->skip[k]) {
            xt_gen_key(g, xt_epg_skip_names[k]);
            xt_gen_ullong(g, res->skip[k]);
        }
    }
    yajl_gen_map_close(g);
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok && len < cap) {
        memcpy(out, buf, len);
        out[len] = '\0';
    }
    yajl_gen_free(g);
}


static int
xt_record(xt_epg_run_t *run, uint32_t id, const xt_src_t *src,
    xt_epg_result_t *res, const char *etag, const char *lastmod)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    char         detail[1024];
    int64_t      now = (int64_t) time(NULL), next;
    int          ok = strcmp(res->status, "ok") == 0, rc;
    unsigned     retry = src->interval < XT_EPG_RETRY_MAX ? src->interval
                         : XT_EPG_RETRY_MAX;

    next = now + (strcmp(res->status, "error") == 0 ? retry : src->interval);
    if (ok) {
        xt_detail_json(res, detail, sizeof(detail));
        st = xt_db_prepare(run->sdb, "UPDATE epg_sources SET last_status = ?, "
            "last_error = '', last_duration_ms = ?, next_due = ?, "
            "progress_state = 'idle', progress_pid = 0, progress_at = ?, "
            "last_import = ?, etag = ?, last_modified = ?, format = ?, "
            "bytes = ?, channels = ?, programmes = ?, skipped = ?, "
            "skipped_detail = ?, outside_window = ? WHERE id = ?");
    } else {
        st = xt_db_prepare(run->sdb, "UPDATE epg_sources SET last_status = ?, "
            "last_error = ?, last_duration_ms = ?, next_due = ?, "
            "progress_state = 'idle', progress_pid = 0, progress_at = ? "
            "WHERE id = ?");
    }
    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_cstr(&bs, res->status);
    if (!ok) {
        /* the column is utf8mb4: a message quoting odd bytes stays storable */
        size_t  i, n = strlen(res->err) > 1000 ? 1000 : strlen(res->err);

        if (!xt_utf8_valid(res->err, n)) {
            for (i = 0; i < n; i++) {
                if ((unsigned char) res->err[i] >= 0x80) {
                    res->err[i] = '?';
                }
            }
        }
        xt_bind_str(&bs, res->err, n);
    }
    xt_bind_int(&bs, (long long) (res->seconds * 1000));
    xt_bind_int(&bs, next);
    xt_bind_int(&bs, now);
    if (ok) {
        xt_bind_int(&bs, now);
        xt_bind_cstr(&bs, etag);
        xt_bind_cstr(&bs, lastmod);
        xt_bind_cstr(&bs, res->gzip ? "gzip" : "plain");
        xt_bind_int(&bs, (long long) res->bytes);
        xt_bind_int(&bs, (long long) res->channels);
        xt_bind_int(&bs, (long long) res->programmes);
        xt_bind_int(&bs, (long long) res->skipped);
        xt_bind_cstr(&bs, detail);
        xt_bind_int(&bs, (long long) res->outside);
    }
    xt_bind_int(&bs, id);
    rc = xt_db_run(run->sdb, st, &bs);
    mysql_stmt_close(st);
    return rc;
}


/* a local source: "/abs/path" or "file:///abs/path" */
static const char *
xt_local_path(const char *url)
{
    if (strncmp(url, "file://", 7) == 0) {
        url += 7;
    }
    return url[0] == '/' ? url : NULL;
}


static int
xt_spool(const xt_config_t *cf, char *err, size_t errlen)
{
    const char  *dir = cf->epg_spool_dir[0] ? cf->epg_spool_dir
                       : getenv("TMPDIR");
    char         path[XT_CONF_PATH_MAX + 32];
    int          fd;

    if (dir == NULL || dir[0] != '/') {
        dir = "/tmp";
    }
    snprintf(path, sizeof(path), "%s/xtream-epg-XXXXXX", dir);
    fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "spool file in %.200s: %s", dir, strerror(errno));
        return -1;
    }
    unlink(path);       /* gone when we close it, whatever happens */
    return fd;
}


/* parse fd into the source's transaction; 0, 1 (document refused), 2 */
static int
xt_parse_store(xt_epg_run_t *run, uint32_t id, const xt_src_t *src, int fd,
    xt_prog_t *pg, xt_epg_result_t *res)
{
    const xt_config_t  *cf = run->cf;
    xt_epg_input_t      in;
    xt_xmltv_t          x;
    xt_pctx_t           pc;
    xt_epg_store_t     *store;
    int64_t             now = run->now ? run->now : (int64_t) time(NULL);
    int                 rc, k;

    if (xt_epg_input_open(&in, fd, (uint64_t) cf->epg_max_mb * 1048576
                          * 16) != 0)
    {
        snprintf(res->err, sizeof(res->err), "%s", in.err);
        return 1;
    }
    res->gzip = in.gzip;
    res->bytes = in.size;
    if (in.size == 0) {
        snprintf(res->err, sizeof(res->err), "empty file");
        xt_epg_input_close(&in);
        return 1;
    }
    if (in.size > (uint64_t) cf->epg_max_mb * 1048576) {
        snprintf(res->err, sizeof(res->err), "file larger than epg_max_mb "
                 "(%u MB)", cf->epg_max_mb);
        xt_epg_input_close(&in);
        return 1;
    }
    store = xt_epg_store_begin(run->db, id,
                               now - (int64_t) cf->epg_past_days * 86400,
                               now + (int64_t) cf->epg_future_days * 86400,
                               now);
    if (store == NULL) {
        snprintf(res->err, sizeof(res->err), "%s", run->db->err);
        xt_epg_input_close(&in);
        return 2;
    }
    memset(&x, 0, sizeof(x));
    x.read = xt_epg_input_read;
    x.complete = xt_epg_input_complete;
    x.read_ctx = &in;
    x.lang = src->lang[0] ? src->lang : cf->epg_lang;
    x.now = now;
    x.channel = xt_cb_channel;
    x.programme = xt_cb_prog;
    x.progress = xt_on_parse_progress;
    pc.pg = pg;
    pc.store = store;
    x.ctx = &pc;
    pg->in = &in;
    pg->x = &x;
    pg->phase = "parsing";
    xt_progress_write(pg, 1);

    rc = xt_xmltv_parse(&x);
    for (k = 0; k < XT_EPG_SKIP_COUNT; k++) {
        res->skip[k] = x.skipped[k];
        res->skipped += x.skipped[k];
    }
    res->programmes = x.stored;
    res->outside = x.outside;
    res->xml_errors = x.xml_errors;
    if (rc != 0) {
        if (x.aborted) {
            snprintf(res->err, sizeof(res->err), "%s", run->db->err);
            rc = 2;
        } else {
            /* the input's own failure explains a refusal best */
            snprintf(res->err, sizeof(res->err), "%s",
                     in.err[0] ? in.err : x.err);
            rc = 1;
        }
    } else if (xt_epg_store_commit(store, &res->channels) != 0) {
        snprintf(res->err, sizeof(res->err), "%s", run->db->err);
        rc = 2;
    } else {
        unsigned long long  st, out, skip[XT_EPG_SKIP_COUNT];

        xt_epg_store_late(store, &st, &out, skip);
        res->programmes += st;
        res->outside += out;
        for (k = 0; k < XT_EPG_SKIP_COUNT; k++) {
            res->skip[k] += skip[k];
            res->skipped += skip[k];
        }
    }
    pg->in = NULL;
    pg->x = NULL;
    xt_epg_store_free(store);       /* rolls back unless committed */
    xt_epg_input_close(&in);
    return rc;
}


int
xt_epg_import_source(xt_epg_run_t *run, uint32_t id, xt_epg_result_t *res)
{
    xt_src_t         src;
    xt_prog_t        pg;
    xt_epg_fetch_t   f;
    struct stat      sb;
    const char      *path, *etag = "", *lastmod = "";
    char             fileval[96];
    int              fd = -1, rc, lk;
    double           t0 = xt_mono();

    memset(res, 0, sizeof(*res));
    memset(&pg, 0, sizeof(pg));
    snprintf(res->status, sizeof(res->status), "error");
    rc = xt_load_source(run->db, id, &src);
    if (rc <= 0) {
        snprintf(res->err, sizeof(res->err), "%s", rc < 0 ? run->db->err
                 : "no such EPG source");
        return rc < 0 ? 2 : 1;
    }
    lk = xt_lock(run->db, "SELECT GET_LOCK('xtream_epg_import', 600)");
    if (lk != 1) {
        snprintf(res->err, sizeof(res->err), "%s", lk < 0 ? run->db->err
                 : "another EPG import held the lock for 600 s");
        return 2;
    }
    /* a delete (epg del, DELETE /admin/api/epg-sources) may have committed
       while we waited: never store a guide for a source that is gone */
    rc = xt_load_source(run->db, id, &src);
    if (rc <= 0) {
        snprintf(res->err, sizeof(res->err), "%s", rc < 0 ? run->db->err
                 : "no such EPG source");
        (void) xt_lock(run->db, "SELECT RELEASE_LOCK('xtream_epg_import')");
        return rc < 0 ? 2 : 1;
    }

    pg.run = run;
    pg.id = id;
    pg.name = src.name;
    pg.t0 = xt_mono();
    pg.last_log = pg.t0;        /* the first progress line after 5 s */
    pg.phase = "fetching";
    pg.st = xt_db_prepare(run->sdb, "UPDATE epg_sources SET progress_state = "
                          "?, progress_at = ?, progress_programmes = ?, "
                          "progress_bytes = ?, progress_total = ? "
                          "WHERE id = ?");
    if (pg.st == NULL) {
        snprintf(res->err, sizeof(res->err), "%s", run->sdb->err);
        rc = 2;
        goto out;
    }
    {
        MYSQL_STMT  *st;
        xt_binds_t   bs;

        st = xt_db_prepare(run->sdb, "UPDATE epg_sources SET last_attempt = "
                           "?, progress_started = ?, progress_pid = ? "
                           "WHERE id = ?");
        xt_binds_reset(&bs);
        xt_bind_int(&bs, (long long) time(NULL));
        xt_bind_int(&bs, (long long) time(NULL));
        xt_bind_int(&bs, (long long) getpid());
        xt_bind_int(&bs, id);
        if (st == NULL || xt_db_run(run->sdb, st, &bs) != 0) {
            if (st) {
                mysql_stmt_close(st);
            }
            snprintf(res->err, sizeof(res->err), "%s", run->sdb->err);
            rc = 2;
            goto out;
        }
        mysql_stmt_close(st);
    }
    xt_progress_write(&pg, 1);
    xt_log(XT_LOG_INFO, "epg source %u (%s): import from %s", id, src.name,
           src.url);

    path = xt_local_path(src.url);
    if (path) {
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            snprintf(res->err, sizeof(res->err), "%.400s: %s", path,
                     fd < 0 ? strerror(errno) : "not a regular file");
            rc = 1;
            goto record;
        }
        (void) fcntl(fd, F_SETFL, 0);
        /* the file's own validator: same mtime, size and inode = same */
        snprintf(fileval, sizeof(fileval), "file:%lld.%09ld:%lld:%llu",
                 (long long) sb.st_mtim.tv_sec, (long) sb.st_mtim.tv_nsec,
                 (long long) sb.st_size, (unsigned long long) sb.st_ino);
        lastmod = fileval;
        if (!run->force && strcmp(src.lastmod, fileval) == 0) {
            snprintf(res->status, sizeof(res->status), "unchanged");
            rc = 0;
            goto record;
        }
    } else if (xt_epg_url_is_http(src.url)) {
        fd = xt_spool(run->cf, res->err, sizeof(res->err));
        if (fd < 0) {
            rc = 2;
            goto record;
        }
        memset(&f, 0, sizeof(f));
        f.url = src.url;
        f.etag = run->force ? "" : src.etag;
        f.last_modified = run->force ? "" : src.lastmod;
        f.connect_timeout_s = run->cf->epg_connect_timeout_s;
        f.timeout_s = run->cf->epg_timeout_s;
        f.max_bytes = (uint64_t) run->cf->epg_max_mb * 1048576;
        f.fd = fd;
        f.progress = xt_on_fetch_progress;
        f.ctx = &pg;
        if (xt_epg_fetch(&f) != 0) {
            snprintf(res->err, sizeof(res->err), "%.300s: %.280s", src.url, f.err);
            rc = 1;
            goto record;
        }
        if (f.not_modified) {
            snprintf(res->status, sizeof(res->status), "not_modified");
            rc = 0;
            goto record;
        }
        etag = f.new_etag;
        lastmod = f.new_last_modified;
        if (lseek(fd, 0, SEEK_SET) != 0) {
            snprintf(res->err, sizeof(res->err), "spool: %s",
                     strerror(errno));
            rc = 2;
            goto record;
        }
    } else {
        snprintf(res->err, sizeof(res->err), "unsupported URL (http://, "
                 "https://, file:// or an absolute path)");
        rc = 1;
        goto record;
    }

    rc = xt_parse_store(run, id, &src, fd, &pg, res);
    fd = -1;                            /* the input closed it */
    if (rc == 0) {
        snprintf(res->status, sizeof(res->status), "ok");
    }

record:
    res->seconds = xt_mono() - t0;
    if (rc == 0 && strcmp(res->status, "ok") == 0) {
        xt_log(XT_LOG_INFO, "epg source %u (%s): imported %llu programmes, "
               "%llu channels, %llu skipped, %llu outside the window, "
               "%llu XML errors, %.1f s (%.0f programmes/s)", id, src.name,
               res->programmes, res->channels, res->skipped, res->outside,
               res->xml_errors, res->seconds,
               res->seconds > 0 ? res->programmes / res->seconds : 0.0);
    } else if (rc == 0) {
        xt_log(XT_LOG_INFO, "epg source %u (%s): %s, nothing to do", id,
               src.name, res->status);
    } else {
        xt_log(XT_LOG_ERR, "epg source %u (%s): import failed, previous "
               "guide kept: %s", id, src.name, res->err);
    }
    if (xt_record(run, id, &src, res, etag, lastmod) != 0) {
        xt_log(XT_LOG_ERR, "epg source %u: recording the outcome: %s", id,
               run->sdb->err);
        if (rc == 0) {
            snprintf(res->err, sizeof(res->err), "%s", run->sdb->err);
            rc = 2;
        }
    }

out:
    if (fd >= 0) {
        close(fd);
    }
    if (pg.st) {
        mysql_stmt_close(pg.st);
    }
    if (run->db->my) {
        (void) xt_lock(run->db, "SELECT RELEASE_LOCK('xtream_epg_import')");
    }
    return rc;
}


int
xt_epg_due_sources(xt_db_t *db, int64_t now, int all, uint32_t **ids,
    size_t *n)
{
    MYSQL_STMT  *st;
    xt_row_t     r;
    xt_binds_t   bs;
    uint32_t    *v = NULL;
    size_t       cap = 0;
    int          frc, rc = -1;

    *ids = NULL;
    *n = 0;
    xt_row_init(&r);
    xt_row_int(&r);
    st = xt_db_prepare(db, "SELECT id FROM epg_sources WHERE enabled = 1 "
                       "AND (? OR next_due <= ?) ORDER BY id");
    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, all ? 1 : 0);
    xt_bind_int(&bs, now);
    if (xt_db_run(db, st, &bs) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        goto out;
    }
    while ((frc = xt_db_fetch(db, st)) == 1) {
        if (xt_grow((void **) &v, &cap, *n, sizeof(*v)) != 0) {
            db->errnum = 0;
            snprintf(db->err, sizeof(db->err), "out of memory");
            goto out;
        }
        v[(*n)++] = (uint32_t) r.ival[0];
    }
    if (frc == 0) {
        rc = 0;
    }
out:
    if (rc != 0) {
        free(v);
        v = NULL;
        *n = 0;
    }
    *ids = v;
    xt_row_free(&r);
    mysql_stmt_close(st);
    return rc;
}
