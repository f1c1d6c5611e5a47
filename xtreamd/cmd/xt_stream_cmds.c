#include <string.h>
#include <time.h>

#include "xt_stream_cmds.h"


int
xt_stream_cmds_poll(xt_stream_cmds_t *sc, xt_db_t *db, xt_sup_t *sup,
    unsigned server_id, double now_ms)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    xt_row_t     r;
    int          rc;

    if (!sc->started) {
        st = xt_db_prepare(db, "SELECT COALESCE(MAX(id), 0) FROM "
                           "stream_commands");
        if (st == NULL) {
            return -1;
        }
        xt_row_init(&r);
        xt_row_int(&r);
        rc = (xt_db_run(db, st, NULL) == 0 && xt_db_bind_row(db, st, &r) == 0)
             ? xt_db_fetch(db, st) : -1;
        mysql_stmt_close(st);
        if (rc != 1) {
            return -1;
        }
        sc->last_id = (unsigned long long) r.ival[0];
        sc->started = 1;
        return 0;
    }

    st = xt_db_prepare(db, "SELECT id, stream_id, action FROM "
                       "stream_commands WHERE id > ? AND server_id IN (0, ?) "
                       "ORDER BY id LIMIT 256");
    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, (long long) sc->last_id);
    xt_bind_int(&bs, server_id);
    xt_row_init(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    if (xt_row_str(&r, 16) != 0) {
        mysql_stmt_close(st);
        return -1;
    }
    rc = -1;
    if (xt_db_run(db, st, &bs) == 0 && xt_db_bind_row(db, st, &r) == 0) {
        while ((rc = xt_db_fetch(db, st)) == 1) {
            r.sval[2][r.len[2]] = '\0';
            sc->last_id = (unsigned long long) r.ival[0];
            xt_sup_control(sup, (uint32_t) r.ival[1], r.sval[2], now_ms);
        }
    }
    mysql_stmt_close(st);
    xt_row_free(&r);
    if (rc < 0) {
        return -1;
    }

    /* housekeeping, about once a minute */
    if ((long long) time(NULL) - sc->purged >= 60) {
        sc->purged = (long long) time(NULL);
        st = xt_db_prepare(db, "DELETE FROM stream_commands WHERE created < ?");
        if (st) {
            xt_binds_reset(&bs);
            xt_bind_int(&bs, (long long) time(NULL) - 3600);
            (void) xt_db_run(db, st, &bs);
            mysql_stmt_close(st);
        }
    }
    return 0;
}
