/* Demo guide data: hourly programmes for every channel with an EPG id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_epg_demo.h"
#include "xt_grow.h"
#include "xt_render.h"

static const char *const  xt_demo_titles[] = {
    "Night Owls", "Night Owls", "Replay", "Replay", "Early Edition",
    "Early Edition", "Breakfast", "Breakfast", "Morning Magazine",
    "Morning Magazine", "The Daily Feature", "Midday Report", "Lunchtime",
    "Afternoon Matinee", "Afternoon Matinee", "Discovery Hour", "Teatime",
    "The Evening Show", "Evening News", "Prime Time", "Prime Time",
    "Late Film", "Late Film", "Close of Day"
};


int
xt_epg_demo(xt_db_t *db, unsigned days, int64_t now, size_t *nchannels,
    size_t *nprogs, char *err, size_t errlen)
{
    MYSQL_STMT  *st = NULL, *ins_ch = NULL, *del = NULL, *ins = NULL;
    xt_row_t     r;
    xt_binds_t   bs;
    xt_buf_t     ids = { NULL, 0, 0 }, names = { NULL, 0, 0 };
    size_t      *idoff = NULL, *idlen = NULL, *nmoff = NULL, *nmlen = NULL;
    size_t       n = 0, cap[4] = { 0, 0, 0, 0 }, i;
    int64_t      from, to, t;
    char         title[512], desc[512];
    int          frc, tl, dl, rc = -1, intx = 0;

    *nchannels = *nprogs = 0;
    xt_row_init(&r);
    from = now - now % 86400 - (int64_t) days * 86400;
    to = now - now % 86400 + ((int64_t) days + 1) * 86400;

    st = xt_db_prepare(db, "SELECT epg_channel_id, MIN(name) FROM streams "
                       "WHERE epg_channel_id <> '' GROUP BY epg_channel_id "
                       "ORDER BY epg_channel_id");
    if (st == NULL || xt_row_str(&r, 1024) != 0 || xt_row_str(&r, 1024) != 0
        || xt_db_run(db, st, NULL) != 0 || xt_db_bind_row(db, st, &r) != 0)
    {
        goto dbfail;
    }
    while ((frc = xt_db_fetch(db, st)) == 1) {
        /* on failure each array is still owned here and freed below */
        if (xt_grow((void **) &idoff, &cap[0], n, sizeof(size_t)) != 0
            || xt_grow((void **) &idlen, &cap[1], n, sizeof(size_t)) != 0
            || xt_grow((void **) &nmoff, &cap[2], n, sizeof(size_t)) != 0
            || xt_grow((void **) &nmlen, &cap[3], n, sizeof(size_t)) != 0)
        {
            goto oom;
        }
        idoff[n] = ids.len;
        idlen[n] = r.len[0];
        nmoff[n] = names.len;
        nmlen[n] = r.len[1] > 200 ? 200 : r.len[1];
        if (xt_buf_put(&ids, r.sval[0], r.len[0]) != 0
            || xt_buf_put(&names, r.sval[1], nmlen[n]) != 0)
        {
            goto oom;
        }
        n++;
    }
    if (frc < 0) {
        goto dbfail;
    }
    mysql_stmt_close(st);
    st = NULL;

    ins_ch = xt_db_prepare(db, "INSERT INTO epg_channels (epg_channel_id, "
                           "display_name, icon) VALUES (?, ?, '') "
                           "ON DUPLICATE KEY UPDATE "
                           "epg_channel_id = epg_channel_id");
    del = xt_db_prepare(db, "DELETE FROM epg_programmes WHERE "
                        "epg_channel_id = ? AND start < ? AND stop > ?");
    ins = xt_db_prepare(db, "INSERT INTO epg_programmes (epg_channel_id, "
                        "start, stop, title, description, lang) "
                        "VALUES (?, ?, ?, ?, ?, 'en')");
    if (ins_ch == NULL || del == NULL || ins == NULL || xt_db_begin(db) != 0) {
        goto dbfail;
    }
    intx = 1;
    for (i = 0; i < n; i++) {
        xt_binds_reset(&bs);
        xt_bind_str(&bs, ids.p + idoff[i], idlen[i]);
        xt_bind_str(&bs, names.p + nmoff[i], nmlen[i]);
        if (xt_db_run(db, ins_ch, &bs) != 0) {
            goto dbfail;
        }
        xt_binds_reset(&bs);
        xt_bind_str(&bs, ids.p + idoff[i], idlen[i]);
        xt_bind_int(&bs, to);
        xt_bind_int(&bs, from);
        if (xt_db_run(db, del, &bs) != 0) {
            goto dbfail;
        }
        for (t = from; t < to; t += 3600) {
            tl = snprintf(title, sizeof(title), "%s",
                          xt_demo_titles[(t / 3600) % 24]);
            dl = snprintf(desc, sizeof(desc), "%.*s presents \"%s\", a demo "
                          "programme from xtream's generated guide.",
                          (int) nmlen[i], names.p + nmoff[i], title);
            xt_binds_reset(&bs);
            xt_bind_str(&bs, ids.p + idoff[i], idlen[i]);
            xt_bind_int(&bs, t);
            xt_bind_int(&bs, t + 3600);
            xt_bind_str(&bs, title, (size_t) tl);
            xt_bind_str(&bs, desc, (size_t) dl);
            if (xt_db_run(db, ins, &bs) != 0) {
                goto dbfail;
            }
            (*nprogs)++;
        }
    }
    if (xt_db_commit(db) != 0) {
        goto dbfail;
    }
    intx = 0;
    *nchannels = n;
    rc = 0;
    goto out;

dbfail:
    snprintf(err, errlen, "%s", db->err);
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
out:
    if (intx) {
        xt_db_rollback(db);
    }
    xt_row_free(&r);
    if (st) {
        mysql_stmt_close(st);
    }
    if (ins_ch) {
        mysql_stmt_close(ins_ch);
    }
    if (del) {
        mysql_stmt_close(del);
    }
    if (ins) {
        mysql_stmt_close(ins);
    }
    xt_buf_free(&ids);
    xt_buf_free(&names);
    free(idoff);
    free(idlen);
    free(nmoff);
    free(nmlen);
    return rc;
}
