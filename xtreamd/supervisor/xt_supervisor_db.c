/*
 * The set of streams this server runs, read with prepared statements:
 * enabled streams placed on server_id (a stream without placement rows
 * runs on every server), their transcode profile and their sources in
 * position order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_archive_policy.h"
#include "xt_grow.h"
#include "xt_log.h"
#include "xt_supervisor_int.h"

#define XT_LADDER_CAP   65535
#define XT_URL_CAP      8192
#define XT_WORKER_LADDER_MAX  4096

enum { C_ID, C_OD, C_PUSH, C_MODE, C_LADDER, C_PRESET, C_SEG, C_WIN, C_ARCH,
       C_DAYS, C_RATE, C_LOOP };


static char *
xt_col(xt_row_t *r, unsigned i)
{
    r->sval[i][r->isnull[i] ? 0 : r->len[i]] = '\0';
    return r->sval[i];
}


static int
xt_find(xt_spec_t *v, size_t n, uint32_t id)
{
    size_t  lo = 0, hi = n, mid;

    while (lo < hi) {
        mid = (lo + hi) / 2;
        if (v[mid].id == id) {
            return (int) mid;
        }
        if (v[mid].id < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -1;
}


int
xt_sup_db_load(xt_db_t *db, unsigned server_id, xt_spec_t **specs,
    size_t *nspecs, unsigned *rtmp_port)
{
    MYSQL_STMT  *st = NULL;
    xt_binds_t   bs;
    xt_row_t     r;
    xt_spec_t   *v = NULL, *s;
    size_t       n = 0, cap = 0, i, j;
    int          frc, k, rc = -1;
    const char  *url;

    *specs = NULL;
    *nspecs = 0;
    *rtmp_port = 0;
    xt_row_init(&r);

    /* the server's RTMP port */
    st = xt_db_prepare(db, "SELECT rtmp_port FROM servers WHERE id = ?");
    if (st == NULL) {
        goto done;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, server_id);
    xt_row_int(&r);
    if (xt_db_run(db, st, &bs) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        goto done;
    }
    while ((frc = xt_db_fetch(db, st)) == 1) {
        if (!r.isnull[0] && r.ival[0] > 0 && r.ival[0] < 65536) {
            *rtmp_port = (unsigned) r.ival[0];
        }
    }
    if (frc < 0) {
        goto done;
    }
    mysql_stmt_close(st);
    xt_row_free(&r);
    xt_row_init(&r);

    st = xt_db_prepare(db,
        "SELECT s.id, s.on_demand, s.stream_key_hash IS NOT NULL, "
        "COALESCE(p.mode, 'copy'), p.ladder, COALESCE(p.preset, ''), "
        "COALESCE(p.segment_seconds, 0), COALESCE(p.window_segments, 0), "
        "s.tv_archive, s.tv_archive_duration, s.read_native_rate, "
        "s.source_loop "
        "FROM streams s LEFT JOIN transcode_profiles p "
        "ON p.id = s.transcode_profile_id "
        "WHERE s.enabled = 1 AND (NOT EXISTS (SELECT 1 FROM stream_servers a "
        "WHERE a.stream_id = s.id) OR EXISTS (SELECT 1 FROM stream_servers b "
        "WHERE b.stream_id = s.id AND b.server_id = ?)) ORDER BY s.id");
    if (st == NULL) {
        goto done;
    }
    xt_row_int(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    if (xt_row_str(&r, 16) != 0 || xt_row_str(&r, XT_LADDER_CAP) != 0
        || xt_row_str(&r, 64) != 0)
    {
        goto oom;
    }
    xt_row_int(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    if (xt_row_str(&r, 8) != 0) {
        goto oom;
    }
    xt_row_int(&r);
    if (xt_db_run(db, st, &bs) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        goto done;
    }
    while ((frc = xt_db_fetch(db, st)) == 1) {
        if (xt_grow((void **) &v, &cap, n, sizeof(*v)) != 0) {
            goto oom;
        }
        s = &v[n];
        memset(s, 0, sizeof(*s));
        s->id = (uint32_t) r.ival[C_ID];
        s->on_demand = r.ival[C_OD] != 0;
        s->push = r.ival[C_PUSH] != 0;
        if (strlen(xt_col(&r, C_PRESET)) >= sizeof(s->preset)) {
            xt_log(XT_LOG_WARN, "stream %u: preset too long, ignored", s->id);
        } else {
            strcpy(s->preset, xt_col(&r, C_PRESET));
        }
        strcpy(s->mode, strcmp(xt_col(&r, C_MODE), "abr") == 0 ? "abr"
                                                               : "copy");
        snprintf(s->read_native_rate, sizeof(s->read_native_rate), "%s",
                 strcmp(xt_col(&r, C_RATE), "on") == 0 ? "on"
                 : strcmp(xt_col(&r, C_RATE), "off") == 0 ? "off" : "auto");
        s->loop = r.ival[C_LOOP] != 0;
        s->segment_seconds = (unsigned) r.ival[C_SEG];
        s->window_segments = (unsigned) r.ival[C_WIN];
        /* placed here: the query keeps only streams this server runs */
        s->archive_days = xt_archive_days(r.ival[C_ARCH], r.ival[C_DAYS],
                                          r.ival[C_OD], 1);
        if (strcmp(s->mode, "abr") == 0) {
            if (r.isnull[C_LADDER] || r.len[C_LADDER] == 0
                || r.len[C_LADDER] > XT_WORKER_LADDER_MAX)
            {
                xt_log(XT_LOG_WARN, "stream %u: abr profile without a usable "
                       "ladder, not started", s->id);
                continue;
            }
            s->ladder = strdup(xt_col(&r, C_LADDER));
            if (s->ladder == NULL) {
                goto oom;
            }
        }
        n++;
    }
    if (frc < 0) {
        goto done;
    }
    mysql_stmt_close(st);
    xt_row_free(&r);
    xt_row_init(&r);

    st = xt_db_prepare(db, "SELECT stream_id, url FROM stream_sources "
                       "ORDER BY stream_id, position");
    if (st == NULL) {
        goto done;
    }
    xt_row_int(&r);
    if (xt_row_str(&r, XT_URL_CAP) != 0) {
        goto oom;
    }
    if (xt_db_run(db, st, NULL) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        goto done;
    }
    while ((frc = xt_db_fetch(db, st)) == 1) {
        k = xt_find(v, n, (uint32_t) r.ival[0]);
        url = xt_col(&r, 1);
        if (k < 0 || url[0] == '\0') {
            continue;
        }
        s = &v[k];
        if (s->nsources == XT_SPEC_MAX_SOURCES) {
            continue;
        }
        s->sources[s->nsources] = strdup(url);
        if (s->sources[s->nsources] == NULL) {
            goto oom;
        }
        s->nsources++;
    }
    if (frc < 0) {
        goto done;
    }

    /* a stream with nothing to read is not started */
    for (i = 0, j = 0; i < n; i++) {
        if (!v[i].push && v[i].nsources == 0) {
            xt_log(XT_LOG_WARN, "stream %u has no source and no stream key, "
                   "not started", v[i].id);
            xt_spec_free(&v[i]);
            continue;
        }
        v[j++] = v[i];
    }
    n = j;
    *specs = v;
    *nspecs = n;
    v = NULL;
    n = 0;
    rc = 0;
    goto done;

oom:
    snprintf(db->err, sizeof(db->err), "out of memory");
done:
    if (st) {
        mysql_stmt_free_result(st);
        mysql_stmt_close(st);
    }
    xt_row_free(&r);
    for (i = 0; i < n; i++) {
        xt_spec_free(&v[i]);
    }
    free(v);
    return rc;
}
