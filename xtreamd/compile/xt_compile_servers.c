/* SERVERS: enabled streaming servers, sorted by id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_compile_cat.h"
#include "xt_grow.h"


int
xt_cat_servers(xt_cat_t *c)
{
    MYSQL_STMT        *st;
    xt_row_t           r;
    xt_snap_server_t  *recs = NULL, *sr;
    size_t             n = 0, cap = 0;
    int                frc, rc = -1;

    xt_row_init(&r);
    st = xt_db_prepare(c->db, "SELECT id, is_main, http_port, https_port, "
                       "rtmp_port, load_clients, name, host FROM servers "
                       "WHERE enabled = 1 ORDER BY id");
    if (st == NULL) {
        return xt_cat_dbfail(c);
    }
    xt_row_int(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    if (xt_row_str(&r, 256) != 0 || xt_row_str(&r, 1024) != 0) {
        xt_cat_oom(c);
        goto out;
    }
    if (xt_db_run(c->db, st, NULL) != 0
        || xt_db_bind_row(c->db, st, &r) != 0)
    {
        xt_cat_dbfail(c);
        goto out;
    }
    while ((frc = xt_db_fetch(c->db, st)) == 1) {
        if (xt_grow((void **) &recs, &cap, n, sizeof(*recs)) != 0) {
            xt_cat_oom(c);
            goto out;
        }
        sr = &recs[n++];
        memset(sr, 0, sizeof(*sr));
        sr->id = (uint32_t) r.ival[0];
        sr->is_main = r.ival[1] ? 1 : 0;
        sr->http_port = (uint32_t) r.ival[2];
        sr->https_port = (uint32_t) r.ival[3];
        sr->rtmp_port = (uint32_t) r.ival[4];
        sr->load_clients = (uint32_t) r.ival[5];
        sr->name = xt_snap_writer_str(c->w, r.sval[6], r.len[6]);
        sr->host = xt_snap_writer_str(c->w, r.sval[7], r.len[7]);
    }
    if (frc < 0) {
        xt_cat_dbfail(c);
        goto out;
    }
    rc = xt_cat_section(c, XT_SEC_SERVERS, (uint32_t) n, recs,
                        n * sizeof(*recs));

out:
    free(recs);
    xt_row_free(&r);
    mysql_stmt_close(st);
    return rc;
}
