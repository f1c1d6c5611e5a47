/*
 * Activity rows and live_connections from open/close events.  An open
 * inserts an activity row (started) and a live_connections row; its close
 * sets ended and bytes on that row (remembered by conn key) and deletes
 * the live row.  A close whose open we never saw (daemon restarted) ends
 * the newest open activity row of that line, stream and kind.  HLS
 * sessions have no close: repeated opens refresh them and
 * xt_events_db_expire() ends the ones that went quiet.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xt_events.h"
#include "xt_log.h"

#define XT_CONN_BUCKETS  4096
#define XT_CONN_MAX      200000

struct xt_conn_s {
    xt_conn_t           *next;
    char                 conn[17];
    uint32_t             stream;
    uint32_t             line;
    int                  hls;
    long long            last_seen;     /* unix seconds */
    unsigned long long   activity_id;   /* 0 = insert failed */
};


static unsigned
xt_conn_hash(const char *c)
{
    unsigned  h = 2166136261u;

    while (*c) {
        h = (h ^ (unsigned char) *c++) * 16777619u;
    }
    return h & (XT_CONN_BUCKETS - 1);
}


static xt_conn_t **
xt_conn_slot(xt_events_t *ev, const char *conn)
{
    xt_conn_t  **pp;

    if (ev->buckets == NULL) {
        ev->buckets = calloc(XT_CONN_BUCKETS, sizeof(xt_conn_t *));
        if (ev->buckets == NULL) {
            return NULL;
        }
    }
    for (pp = &ev->buckets[xt_conn_hash(conn)]; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->conn, conn) == 0) {
            break;
        }
    }
    return pp;
}


static void
xt_events_stmts_close(xt_events_t *ev)
{
    MYSQL_STMT  **s[] = { &ev->st_act_ins, &ev->st_act_end,
                          &ev->st_act_end_guess, &ev->st_live_ins,
                          &ev->st_live_del };
    size_t        i;

    for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
        if (*s[i]) {
            mysql_stmt_close(*s[i]);
            *s[i] = NULL;
        }
    }
}


int
xt_events_db_start(xt_events_t *ev, xt_db_t *db, unsigned server_id,
    int clear)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    int          rc;

    /* statements of a lost connection were invalidated by the client
       library; closing them only frees them */
    xt_events_stmts_close(ev);
    ev->server_id = server_id;
    if (!clear) {
        return 0;
    }
    st = xt_db_prepare(db, "DELETE FROM live_connections WHERE server_id = ?");
    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, server_id);
    rc = xt_db_run(db, st, &bs);
    mysql_stmt_close(st);
    return rc;
}


static MYSQL_STMT *
xt_stmt(xt_db_t *db, MYSQL_STMT **cache, const char *sql)
{
    if (*cache == NULL) {
        *cache = xt_db_prepare(db, sql);
    }
    return *cache;
}


static int
xt_ev_open(xt_events_t *ev, xt_db_t *db, unsigned server_id,
    const xt_event_t *e, long long ts, xt_conn_t *c)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;

    st = xt_stmt(db, &ev->st_act_ins, "INSERT INTO activity (line_id, "
                 "stream_id, kind, ip, user_agent, started) "
                 "VALUES (?, ?, ?, ?, ?, ?)");
    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, e->line);
    xt_bind_int(&bs, e->stream);
    xt_bind_cstr(&bs, e->kind);
    xt_bind_cstr(&bs, e->ip);
    xt_bind_cstr(&bs, e->ua);
    xt_bind_int(&bs, ts);
    if (xt_db_run(db, st, &bs) != 0) {
        return -1;
    }
    if (c) {
        c->activity_id = mysql_stmt_insert_id(st);
    }

    st = xt_stmt(db, &ev->st_live_ins, "REPLACE INTO live_connections "
                 "(conn_key, line_id, stream_id, kind, ip, user_agent, "
                 "server_id, started) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_cstr(&bs, e->conn);
    xt_bind_int(&bs, e->line);
    xt_bind_int(&bs, e->stream);
    xt_bind_cstr(&bs, e->kind);
    xt_bind_cstr(&bs, e->ip);
    xt_bind_cstr(&bs, e->ua);
    xt_bind_int(&bs, server_id);
    xt_bind_int(&bs, ts);
    return xt_db_run(db, st, &bs);
}


static int
xt_ev_close(xt_events_t *ev, xt_db_t *db, const xt_event_t *e, long long ts,
    unsigned long long activity_id)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;

    xt_binds_reset(&bs);
    xt_bind_int(&bs, ts);
    xt_bind_int(&bs, (long long) e->bytes);
    if (activity_id) {
        st = xt_stmt(db, &ev->st_act_end, "UPDATE activity SET ended = ?, "
                     "bytes = ? WHERE id = ? AND ended IS NULL");
        xt_bind_int(&bs, (long long) activity_id);
    } else {
        st = xt_stmt(db, &ev->st_act_end_guess, "UPDATE activity SET "
                     "ended = ?, bytes = ? WHERE line_id = ? AND stream_id = ? "
                     "AND kind = ? AND ended IS NULL AND started <= ? "
                     "ORDER BY id DESC LIMIT 1");
        xt_bind_int(&bs, e->line);
        xt_bind_int(&bs, e->stream);
        xt_bind_cstr(&bs, e->kind);
        xt_bind_int(&bs, ts);
    }
    if (st == NULL || xt_db_run(db, st, &bs) != 0) {
        return -1;
    }
    /* connection keys are per server (every nginx counts from 1) */
    st = xt_stmt(db, &ev->st_live_del, "DELETE FROM live_connections "
                 "WHERE server_id = ? AND conn_key = ?");
    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, ev->server_id);
    xt_bind_cstr(&bs, e->conn);
    return xt_db_run(db, st, &bs);
}


int
xt_events_db_apply(xt_events_t *ev, xt_db_t *db, unsigned server_id,
    const xt_event_t *e, uint32_t *stream)
{
    xt_conn_t          **pp, *c = NULL;
    long long            ts = e->ts ? e->ts : (long long) time(NULL);
    unsigned long long   aid = 0;
    int                  delta = 0, rc = 0;

    *stream = e->stream;
    pp = xt_conn_slot(ev, e->conn);

    if (e->type == XT_EV_OPEN) {
        /* freshness by our own clock: an event's ts is the sender's word */
        if (pp && *pp) {
            (*pp)->last_seen = time(NULL);  /* repeated open: HLS refresh */
            return 0;
        }
        if (pp && ev->nconns < XT_CONN_MAX) {
            c = calloc(1, sizeof(*c));
            if (c) {
                memcpy(c->conn, e->conn, sizeof(c->conn));
                c->stream = e->stream;
                c->line = e->line;
                c->hls = strcmp(e->kind, "hls") == 0;
                c->last_seen = time(NULL);
                *pp = c;
                ev->nconns++;
            }
        }
        delta = 1;
        if (db && db->my) {
            rc = xt_ev_open(ev, db, server_id, e, ts, c);
        } else {
            rc = -1;
        }
    } else if (e->type == XT_EV_CLOSE) {
        if (pp && *pp) {
            c = *pp;
            aid = c->activity_id;
            *stream = c->stream;
            *pp = c->next;
            free(c);
            ev->nconns--;
        }
        delta = -1;
        if (db && db->my) {
            rc = xt_ev_close(ev, db, e, ts, aid);
        } else {
            rc = -1;
        }
    }
    if (rc != 0) {
        ev->db_failed++;
        if (ev->db_failed <= 10 || ev->db_failed % 1000 == 0) {
            xt_log(XT_LOG_WARN, "activity write failed (%lu so far): %s",
                   ev->db_failed, db && db->my ? db->err : "no database");
        }
        /* a statement of a broken connection is useless now */
        xt_events_stmts_close(ev);
    }
    return delta;
}


void
xt_events_db_expire(xt_events_t *ev, xt_db_t *db, long long now,
    unsigned idle_s, xt_events_gone_fn gone, void *ctx)
{
    size_t       i;
    xt_conn_t  **pp, *c;
    xt_event_t   e;

    if (ev->buckets == NULL) {
        return;
    }

    for (i = 0; i < XT_CONN_BUCKETS; i++) {
        pp = &ev->buckets[i];

        while ((c = *pp) != NULL) {
            if (!c->hls || now - c->last_seen < (long long) idle_s) {
                pp = &c->next;
                continue;
            }

            memset(&e, 0, sizeof(e));
            e.type = XT_EV_CLOSE;
            memcpy(e.conn, c->conn, sizeof(e.conn));
            e.line = c->line;
            e.stream = c->stream;
            strcpy(e.kind, "hls");

            if (db && db->my
                && xt_ev_close(ev, db, &e, c->last_seen, c->activity_id) != 0)
            {
                ev->db_failed++;
                xt_events_stmts_close(ev);
            }

            gone(ctx, c->stream);
            *pp = c->next;
            free(c);
            ev->nconns--;
        }
    }
}


void
xt_events_free_conns(xt_events_t *ev)
{
    size_t      i;
    xt_conn_t  *c, *next;

    if (ev->buckets == NULL) {
        return;
    }
    for (i = 0; i < XT_CONN_BUCKETS; i++) {
        for (c = ev->buckets[i]; c; c = next) {
            next = c->next;
            free(c);
        }
    }
    free(ev->buckets);
    ev->buckets = NULL;
    ev->nconns = 0;
}
