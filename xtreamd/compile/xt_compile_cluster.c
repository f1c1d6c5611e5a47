/*
 * cluster.snap (issue 11): every server with its last load report,
 * stream placement, and how many live connections each server reports per
 * line.  Small, and rebuilt whenever the 'cluster' counter moves (every
 * load report of any server), so it never touches the catalog.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_compile.h"
#include "xt_compile_cat.h"
#include "xt_grow.h"
#include "xt_snap_writer.h"


static int
xt_cl_servers(xt_db_t *db, xt_snap_writer_t *w, size_t *count)
{
    MYSQL_STMT           *st;
    xt_row_t              r;
    xt_snap_cl_server_t  *recs = NULL, *sr;
    size_t                n = 0, cap = 0;
    unsigned              i;
    int                   frc, rc = -1;

    xt_row_init(&r);
    st = xt_db_prepare(db, "SELECT s.id, s.is_main, s.enabled, s.http_port, "
                       "COALESCE(l.connections, 0), COALESCE(l.out_kbps, 0), "
                       "COALESCE(l.cpu_pct, 0), "
                       "COALESCE(l.streams_running, 0), "
                       "COALESCE(l.last_seen, 0), s.name, s.host "
                       "FROM servers s LEFT JOIN server_load l "
                       "ON l.server_id = s.id ORDER BY s.id");
    if (st == NULL) {
        return -1;
    }
    for (i = 0; i < 9; i++) {
        xt_row_int(&r);
    }
    if (xt_row_str(&r, 256) != 0 || xt_row_str(&r, 1024) != 0) {
        goto oom;
    }
    if (xt_db_run(db, st, NULL) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        goto out;
    }
    while ((frc = xt_db_fetch(db, st)) == 1) {
        if (xt_grow((void **) &recs, &cap, n, sizeof(*recs)) != 0) {
            goto oom;
        }
        sr = &recs[n++];
        memset(sr, 0, sizeof(*sr));
        sr->id = (uint32_t) r.ival[0];
        sr->flags = (r.ival[1] ? XT_CL_MAIN : 0)
                    | (r.ival[2] ? XT_CL_ENABLED : 0);
        sr->http_port = (uint32_t) r.ival[3];
        sr->connections = (uint32_t) r.ival[4];
        sr->out_kbps = (uint32_t) r.ival[5];
        sr->cpu_pct = (uint32_t) r.ival[6];
        sr->streams_running = (uint32_t) r.ival[7];
        sr->last_seen = (int64_t) r.ival[8];
        sr->name = xt_snap_writer_str(w, r.sval[9], r.len[9]);
        sr->host = xt_snap_writer_str(w, r.sval[10], r.len[10]);
    }
    if (frc < 0) {
        goto out;
    }
    if (xt_snap_writer_section(w, XT_SEC_CL_SERVERS, (uint32_t) n, recs,
                               n * sizeof(*recs)) != 0)
    {
        snprintf(db->err, sizeof(db->err), "%s", xt_snap_writer_error(w));
        goto out;
    }
    *count = n;
    rc = 0;
    goto out;

oom:
    db->errnum = 0;
    snprintf(db->err, sizeof(db->err), "out of memory");
out:
    free(recs);
    xt_row_free(&r);
    mysql_stmt_close(st);
    return rc;
}


/* a two- or three-integer table read into fixed-size records */
static int
xt_cl_pairs(xt_db_t *db, xt_snap_writer_t *w, const char *sql,
    unsigned ncols, uint32_t sec, size_t recsize)
{
    MYSQL_STMT  *st;
    xt_row_t     r;
    uint32_t    *recs = NULL, *p;
    size_t       n = 0, cap = 0;
    unsigned     i;
    int          frc, rc = -1;

    xt_row_init(&r);
    st = xt_db_prepare(db, sql);
    if (st == NULL) {
        return -1;
    }
    for (i = 0; i < ncols; i++) {
        xt_row_int(&r);
    }
    if (xt_db_run(db, st, NULL) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        goto out;
    }
    while ((frc = xt_db_fetch(db, st)) == 1) {
        if (xt_grow((void **) &recs, &cap, n, recsize) != 0) {
            db->errnum = 0;
            snprintf(db->err, sizeof(db->err), "out of memory");
            goto out;
        }
        p = (uint32_t *) ((char *) recs + n * recsize);
        memset(p, 0, recsize);
        for (i = 0; i < ncols; i++) {
            p[i] = (uint32_t) r.ival[i];
        }
        n++;
    }
    if (frc < 0) {
        goto out;
    }
    if (xt_snap_writer_section(w, sec, (uint32_t) n, recs, n * recsize)
        != 0)
    {
        snprintf(db->err, sizeof(db->err), "%s", xt_snap_writer_error(w));
        goto out;
    }
    rc = 0;

out:
    free(recs);
    xt_row_free(&r);
    mysql_stmt_close(st);
    return rc;
}


int
xt_compile_cluster(xt_db_t *db, const char *dir, xt_compile_stats_t *stats,
    char *err, size_t errlen)
{
    xt_snap_writer_t  *w;
    size_t             nservers = 0;

    stats->generation = xt_snap_next_generation(dir, XT_SNAP_FILE_CLUSTER,
                                                XT_SNAP_KIND_CLUSTER);
    w = xt_snap_writer_new(XT_SNAP_KIND_CLUSTER, stats->generation);
    if (w == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    if (xt_cl_servers(db, w, &nservers) != 0
        || xt_cl_pairs(db, w, "SELECT stream_id, server_id FROM "
                       "stream_servers ORDER BY stream_id, server_id", 2,
                       XT_SEC_CL_PLACEMENT, sizeof(xt_snap_cl_place_t)) != 0
        || xt_cl_pairs(db, w, "SELECT line_id, server_id, COUNT(*) FROM "
                       "live_connections GROUP BY line_id, server_id "
                       "ORDER BY line_id, server_id", 3,
                       XT_SEC_CL_LINECONNS, sizeof(xt_snap_cl_lineconn_t))
           != 0)
    {
        snprintf(err, errlen, "%s", db->err);
        xt_snap_writer_free(w);
        return -1;
    }

    stats->records = nservers;
    return xt_compile_install(w, dir, XT_SNAP_FILE_CLUSTER, stats, err,
                              errlen);
}
