#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xt_epg_store.h"
#include "xt_log.h"
#include "xt_render.h"

#define XT_EPG_BATCH      256           /* rows per INSERT */
#define XT_EPG_BATCH_MAX  (2u << 20)    /* or this many text bytes */
#define XT_EPG_PCOLS      9

enum { CH_FOREIGN = 1, CH_OURS = 2 };

typedef struct {
    size_t          off, len;           /* id in s->ids */
    uint32_t        hash;
    int             state;
    unsigned        nprog;
    xt_epg_ivset_t  iv;
    int             has_pend;           /* a programme without stop */
    int64_t         pend_start;
    xt_buf_t        pend;               /* its title, desc, lang, sub-title,
                                           extra fields */
    size_t          pend_len[5];
} xt_chan_t;

typedef struct {
    int64_t  start, stop;
    size_t   off[6], len[6];            /* channel, title, desc, lang,
                                           sub_title, xmltv_extra */
} xt_row_ref_t;

struct xt_epg_store_s {
    xt_db_t       *db;
    uint32_t       source;
    int64_t        from, to, now;
    int            intx;
    /* decided after the parser counted: programmes without stop */
    unsigned long long  late_stored, late_outside, late_skip[XT_EPG_SKIP_COUNT];

    xt_buf_t       ids;                 /* channel ids */
    xt_chan_t     *ch;                  /* open addressing, power of two */
    size_t         nch, cap, ours;

    MYSQL_STMT    *ins_full, *up_ch, *del_null;
    xt_row_ref_t   rows[XT_EPG_BATCH];
    size_t         nrows;
    xt_buf_t       text;                /* the batch's strings */
    xt_mbinds_t    mb;
};


static uint32_t
xt_hash(const char *s, size_t n)
{
    uint32_t  h = 2166136261u;
    size_t    i;

    for (i = 0; i < n; i++) {
        h = (h ^ (unsigned char) s[i]) * 16777619u;
    }
    return h;
}


static int
xt_oom(xt_epg_store_t *s)
{
    s->db->errnum = 0;
    snprintf(s->db->err, sizeof(s->db->err), "out of memory");
    return -1;
}


/* the channel entry for id; created (state 0) when missing and create;
   NULL when absent, or out of memory (s->db->err set) */
static xt_chan_t *
xt_chan(xt_epg_store_t *s, const char *id, size_t len, int create)
{
    uint32_t    h = xt_hash(id, len);
    size_t      i, k;
    xt_chan_t  *c, *old;

    if (s->cap == 0 || (create && (s->nch + 1) * 2 > s->cap)) {
        size_t  ncap = s->cap ? s->cap * 2 : 1024, ocap = s->cap;

        old = s->ch;
        s->ch = calloc(ncap, sizeof(*s->ch));
        if (s->ch == NULL) {
            s->ch = old;
            xt_oom(s);
            return NULL;
        }
        s->cap = ncap;
        for (k = 0; k < ocap; k++) {
            if (old[k].len == 0) {
                continue;
            }
            for (i = old[k].hash & (ncap - 1); s->ch[i].len;
                 i = (i + 1) & (ncap - 1))
            {
                /* probe */
            }
            s->ch[i] = old[k];
        }
        free(old);
    }
    for (i = h & (s->cap - 1); s->ch[i].len; i = (i + 1) & (s->cap - 1)) {
        c = &s->ch[i];
        if (c->hash == h && c->len == len
            && memcmp(s->ids.p + c->off, id, len) == 0)
        {
            return c;
        }
    }
    if (!create) {
        return NULL;
    }
    if (xt_buf_put(&s->ids, id, len) != 0) {
        xt_oom(s);
        return NULL;
    }
    c = &s->ch[i];
    memset(c, 0, sizeof(*c));
    c->off = s->ids.len - len;
    c->len = len;
    c->hash = h;
    s->nch++;
    return c;
}


static MYSQL_STMT *
xt_insert_stmt(xt_db_t *db, size_t rows)
{
    xt_buf_t     q = { NULL, 0, 0 };
    size_t       i;
    MYSQL_STMT  *st;
    static const char  head[] = "INSERT INTO epg_programmes (source_id, "
        "epg_channel_id, start, stop, title, description, lang, sub_title, "
        "xmltv_extra) VALUES ";

    if (xt_buf_put(&q, head, sizeof(head) - 1) != 0) {
        return NULL;
    }
    for (i = 0; i < rows; i++) {
        if (xt_buf_put(&q, i ? ",(?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?)",
                       i ? 20 : 19) != 0)
        {
            xt_buf_free(&q);
            return NULL;
        }
    }
    if (xt_buf_put(&q, "", 1) != 0) {
        xt_buf_free(&q);
        return NULL;
    }
    st = xt_db_prepare(db, q.p);
    xt_buf_free(&q);
    return st;
}


static int
xt_flush(xt_epg_store_t *s)
{
    xt_binds_t     bs;
    xt_row_ref_t  *r;
    MYSQL_STMT    *st;
    size_t         i;
    int            rc;

    if (s->nrows == 0) {
        return 0;
    }
    xt_mbinds_reset(&s->mb);
    for (i = 0; i < s->nrows; i++) {
        r = &s->rows[i];
        xt_binds_reset(&bs);
        xt_bind_int(&bs, s->source);
        xt_bind_str(&bs, s->text.p + r->off[0], r->len[0]);
        xt_bind_int(&bs, r->start);
        xt_bind_int(&bs, r->stop);
        xt_bind_str(&bs, s->text.p + r->off[1], r->len[1]);
        xt_bind_str(&bs, s->text.p + r->off[2], r->len[2]);
        xt_bind_str(&bs, s->text.p + r->off[3], r->len[3]);
        xt_bind_str(&bs, s->text.p + r->off[4], r->len[4]);
        xt_bind_str(&bs, s->text.p + r->off[5], r->len[5]);
        if (xt_mbinds_add(&s->mb, &bs) != 0) {
            return xt_oom(s);
        }
    }
    xt_mbinds_fix(&s->mb);
    if (s->nrows == XT_EPG_BATCH) {
        if (s->ins_full == NULL
            && (s->ins_full = xt_insert_stmt(s->db, XT_EPG_BATCH)) == NULL)
        {
            return -1;
        }
        st = s->ins_full;
    } else {
        st = xt_insert_stmt(s->db, s->nrows);      /* the last, short one */
        if (st == NULL) {
            return -1;
        }
    }
    rc = 0;
    if (mysql_stmt_bind_param(st, s->mb.b) != 0) {
        rc = xt_db_stmt_fail(s->db, st, "bind");
    } else if (mysql_stmt_execute(st) != 0) {
        rc = xt_db_stmt_fail(s->db, st, "execute");
    }
    if (st != s->ins_full) {
        mysql_stmt_close(st);
    }
    s->nrows = 0;
    s->text.len = 0;
    return rc;
}


xt_epg_store_t *
xt_epg_store_begin(xt_db_t *db, uint32_t source, int64_t from, int64_t to,
    int64_t now)
{
    xt_epg_store_t  *s;
    MYSQL_STMT      *st = NULL;
    xt_binds_t       bs;
    xt_row_t         r;
    xt_chan_t       *c;
    struct timespec  t0, t1;
    int              frc;

    s = calloc(1, sizeof(*s));
    if (s == NULL) {
        db->errnum = 0;
        snprintf(db->err, sizeof(db->err), "out of memory");
        return NULL;
    }
    s->db = db;
    s->source = source;
    s->from = from;
    s->to = to;
    s->now = now;
    xt_mbinds_init(&s->mb);
    xt_row_init(&r);

    if (xt_db_exec(db, "SET @xt_bulk = 1") != 0 || xt_db_begin(db) != 0) {
        goto fail;
    }
    s->intx = 1;

    /* channels other sources own */
    st = xt_db_prepare(db, "SELECT epg_channel_id FROM epg_channels "
                       "WHERE source_id IS NOT NULL AND source_id <> ?");
    if (st == NULL || xt_row_str(&r, 1024) != 0) {
        goto fail;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, source);
    if (xt_db_run(db, st, &bs) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        goto fail;
    }
    while ((frc = xt_db_fetch(db, st)) == 1) {
        c = xt_chan(s, r.sval[0], r.len[0], 1);
        if (c == NULL) {
            goto fail;
        }
        c->state = CH_FOREIGN;
    }
    if (frc < 0) {
        goto fail;
    }
    mysql_stmt_close(st);
    st = NULL;

    /* the source's previous guide goes, inside this transaction */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st = xt_db_prepare(db, "DELETE FROM epg_programmes WHERE source_id = ?");
    if (st == NULL || xt_db_run(db, st, &bs) != 0) {
        goto fail;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    xt_log(XT_LOG_INFO, "epg source %u: %llu previous programmes deleted in "
           "%.2f s (undone if this import is refused)", source,
           (unsigned long long) mysql_stmt_affected_rows(st),
           (double) (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    mysql_stmt_close(st);
    st = xt_db_prepare(db, "DELETE FROM epg_channels WHERE source_id = ?");
    if (st == NULL || xt_db_run(db, st, &bs) != 0) {
        goto fail;
    }
    mysql_stmt_close(st);
    st = NULL;

    /* assignments run left to right: source_id is decided last, on the
       row's old value */
    s->up_ch = xt_db_prepare(db, "INSERT INTO epg_channels (epg_channel_id, "
        "source_id, display_name, icon) VALUES (?, ?, ?, ?) "
        "ON DUPLICATE KEY UPDATE "
        "display_name = IF(source_id IS NULL OR source_id = VALUES(source_id),"
        " VALUES(display_name), display_name), "
        "icon = IF(source_id IS NULL OR source_id = VALUES(source_id), "
        "VALUES(icon), icon), "
        "source_id = IF(source_id IS NULL, VALUES(source_id), source_id)");
    s->del_null = xt_db_prepare(db, "DELETE FROM epg_programmes WHERE "
                                "source_id IS NULL AND epg_channel_id = ?");
    if (s->up_ch == NULL || s->del_null == NULL) {
        goto fail;
    }
    xt_row_free(&r);
    return s;

fail:
    if (st) {
        mysql_stmt_close(st);
    }
    xt_row_free(&r);
    xt_epg_store_free(s);
    return NULL;
}


/* make c ours: upsert its row, drop its sourceless programmes */
static int
xt_claim(xt_epg_store_t *s, xt_chan_t *c, const char *name, size_t nlen,
    const char *icon, size_t ilen)
{
    xt_binds_t  bs;

    xt_binds_reset(&bs);
    xt_bind_str(&bs, s->ids.p + c->off, c->len);
    xt_bind_int(&bs, s->source);
    xt_bind_str(&bs, name, nlen);
    xt_bind_str(&bs, icon, ilen);
    if (xt_db_run(s->db, s->up_ch, &bs) != 0) {
        return -1;
    }
    if (c->state != CH_OURS) {
        xt_binds_reset(&bs);
        xt_bind_str(&bs, s->ids.p + c->off, c->len);
        if (xt_db_run(s->db, s->del_null, &bs) != 0) {
            return -1;
        }
        c->state = CH_OURS;
        s->ours++;
    }
    return 0;
}


int
xt_epg_store_channel(void *ctx, const xt_epg_chan_t *ch, int *reason)
{
    xt_epg_store_t  *s = ctx;
    xt_chan_t       *c;

    c = xt_chan(s, ch->id, ch->id_len, 0);
    if (c == NULL && s->nch >= XT_EPG_MAX_CHANNELS) {
        *reason = XT_EPG_SKIP_LIMIT;
        return XT_EPG_SKIPPED;
    }
    if (c == NULL && (c = xt_chan(s, ch->id, ch->id_len, 1)) == NULL) {
        return -1;
    }
    if (c->state == CH_FOREIGN) {
        *reason = XT_EPG_SKIP_OTHER_SOURCE;
        return XT_EPG_SKIPPED;
    }
    /* the id is the name when the file gives none */
    return xt_claim(s, c, ch->name_len ? ch->name : ch->id,
                    ch->name_len ? ch->name_len : ch->id_len,
                    ch->icon, ch->icon_len) == 0 ? XT_EPG_STORED : -1;
}


static int
xt_keep(xt_epg_store_t *s, xt_row_ref_t *r, int k, const char *p, size_t n)
{
    r->off[k] = s->text.len;
    r->len[k] = n;
    return n ? xt_buf_put(&s->text, p, n) : 0;
}


/* a programme whose stop is known, on channel c (ours or new) */
static int
xt_store_one(xt_epg_store_t *s, xt_chan_t *c, const xt_epg_prog_t *p,
    int *reason)
{
    xt_row_ref_t  *r;
    int            rc;

    if (xt_epg_outside(p->start, p->stop, s->from, s->to)) {
        return XT_EPG_OUTSIDE;
    }
    if (c->nprog >= XT_EPG_MAX_PER_CHANNEL) {
        *reason = XT_EPG_SKIP_LIMIT;
        return XT_EPG_SKIPPED;
    }
    rc = xt_epg_ivset_add(&c->iv, p->start, p->stop);
    if (rc < 0) {
        return xt_oom(s);
    }
    if (rc > 0) {
        *reason = XT_EPG_SKIP_OVERLAP;
        return XT_EPG_SKIPPED;
    }
    if (c->state != CH_OURS
        && xt_claim(s, c, p->channel, p->channel_len, "", 0) != 0)
    {
        return -1;      /* a channel without <channel>: named by its id */
    }
    c->nprog++;

    r = &s->rows[s->nrows];
    r->start = p->start;
    r->stop = p->stop;
    if (xt_keep(s, r, 0, p->channel, p->channel_len) != 0
        || xt_keep(s, r, 1, p->title, p->title_len) != 0
        || xt_keep(s, r, 2, p->desc, p->desc_len) != 0
        || xt_keep(s, r, 3, p->lang, p->lang_len) != 0
        || xt_keep(s, r, 4, p->sub_title, p->sub_title_len) != 0
        || xt_keep(s, r, 5, p->extra, p->extra_len) != 0)
    {
        return xt_oom(s);
    }
    s->nrows++;
    if ((s->nrows == XT_EPG_BATCH || s->text.len >= XT_EPG_BATCH_MAX)
        && xt_flush(s) != 0)
    {
        return -1;
    }
    return XT_EPG_STORED;
}


/* the channel's programme without stop ends at `stop` (the next one's
   start, or XT_EPG_NO_STOP when none came): store or count it */
static int
xt_finish_pending(xt_epg_store_t *s, xt_chan_t *c, int64_t stop)
{
    xt_epg_prog_t  q;
    int            reason = -1, rc;

    c->has_pend = 0;
    if (stop == XT_EPG_NO_STOP || stop <= c->pend_start) {
        s->late_skip[XT_EPG_SKIP_MISSING]++;
        return 0;
    }
    reason = xt_epg_time_rule(c->pend_start, stop, s->now);
    if (reason >= 0) {
        s->late_skip[reason]++;
        return 0;
    }
    memset(&q, 0, sizeof(q));
    q.channel = s->ids.p + c->off;
    q.channel_len = c->len;
    q.start = c->pend_start;
    q.stop = stop;
    q.title = c->pend.p;
    q.title_len = c->pend_len[0];
    q.desc = c->pend.p + c->pend_len[0];
    q.desc_len = c->pend_len[1];
    q.lang = q.desc + c->pend_len[1];
    q.lang_len = c->pend_len[2];
    q.sub_title = q.lang + c->pend_len[2];
    q.sub_title_len = c->pend_len[3];
    q.extra = q.sub_title + c->pend_len[3];
    q.extra_len = c->pend_len[4];
    rc = xt_store_one(s, c, &q, &reason);
    if (rc < 0) {
        return -1;
    }
    if (rc == XT_EPG_STORED) {
        s->late_stored++;
    } else if (rc == XT_EPG_OUTSIDE) {
        s->late_outside++;
    } else {
        s->late_skip[reason]++;
    }
    return 0;
}


int
xt_epg_store_programme(void *ctx, const xt_epg_prog_t *p, int *reason)
{
    xt_epg_store_t  *s = ctx;
    xt_chan_t       *c;

    c = xt_chan(s, p->channel, p->channel_len, 0);
    if (c == NULL) {
        if (s->nch >= XT_EPG_MAX_CHANNELS) {
            *reason = XT_EPG_SKIP_LIMIT;
            return XT_EPG_SKIPPED;
        }
        c = xt_chan(s, p->channel, p->channel_len, 1);
        if (c == NULL) {
            return -1;
        }
    }
    if (c->state == CH_FOREIGN) {
        *reason = XT_EPG_SKIP_OTHER_SOURCE;
        return XT_EPG_SKIPPED;
    }
    if (c->has_pend && xt_finish_pending(s, c, p->start) != 0) {
        return -1;
    }
    if (p->stop == XT_EPG_NO_STOP) {
        c->pend.len = 0;
        if (xt_buf_put(&c->pend, p->title, p->title_len) != 0
            || xt_buf_put(&c->pend, p->desc, p->desc_len) != 0
            || xt_buf_put(&c->pend, p->lang, p->lang_len) != 0
            || xt_buf_put(&c->pend, p->sub_title, p->sub_title_len) != 0
            || xt_buf_put(&c->pend, p->extra, p->extra_len) != 0
            || xt_buf_put(&c->pend, "", 1) != 0)
        {
            return xt_oom(s);
        }
        c->pend_len[0] = p->title_len;
        c->pend_len[1] = p->desc_len;
        c->pend_len[2] = p->lang_len;
        c->pend_len[3] = p->sub_title_len;
        c->pend_len[4] = p->extra_len;
        c->pend_start = p->start;
        c->has_pend = 1;
        return XT_EPG_DEFERRED;
    }
    return xt_store_one(s, c, p, reason);
}


int
xt_epg_store_commit(xt_epg_store_t *s, unsigned long long *channels)
{
    size_t  i;

    /* a last programme without stop has nothing to end it */
    for (i = 0; i < s->cap; i++) {
        if (s->ch[i].len && s->ch[i].has_pend
            && xt_finish_pending(s, &s->ch[i], XT_EPG_NO_STOP) != 0)
        {
            return -1;
        }
    }
    if (xt_flush(s) != 0
        || xt_db_exec(s->db, "UPDATE change_counters SET counter = counter "
                      "+ 1 WHERE domain = 'epg'") != 0
        || xt_db_commit(s->db) != 0)
    {
        return -1;
    }
    s->intx = 0;
    (void) xt_db_exec(s->db, "SET @xt_bulk = NULL");
    *channels = s->ours;
    return 0;
}


void
xt_epg_store_free(xt_epg_store_t *s)
{
    size_t  i;

    if (s == NULL) {
        return;
    }
    if (s->intx && s->db->my) {
        xt_db_rollback(s->db);
    }
    if (s->db->my) {
        (void) xt_db_exec(s->db, "SET @xt_bulk = NULL");
    }
    if (s->ins_full) {
        mysql_stmt_close(s->ins_full);
    }
    if (s->up_ch) {
        mysql_stmt_close(s->up_ch);
    }
    if (s->del_null) {
        mysql_stmt_close(s->del_null);
    }
    for (i = 0; i < s->cap; i++) {
        xt_epg_ivset_free(&s->ch[i].iv);
        xt_buf_free(&s->ch[i].pend);
    }
    free(s->ch);
    xt_buf_free(&s->ids);
    xt_buf_free(&s->text);
    xt_mbinds_free(&s->mb);
    free(s);
}


int
xt_epg_prune(xt_db_t *db, int64_t before, unsigned long long *rows)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    my_ulonglong n;
    int          rc = -1;

    *rows = 0;
    st = xt_db_prepare(db, "DELETE FROM epg_programmes WHERE stop < ? "
                       "LIMIT 10000");
    if (st == NULL || xt_db_exec(db, "SET @xt_bulk = 1") != 0) {
        goto out;
    }
    for ( ;; ) {
        if (xt_db_begin(db) != 0) {
            goto out;
        }
        xt_binds_reset(&bs);
        xt_bind_int(&bs, before);
        if (xt_db_run(db, st, &bs) != 0) {
            xt_db_rollback(db);
            goto out;
        }
        n = mysql_stmt_affected_rows(st);
        if (n > 0 && n != (my_ulonglong) -1
            && xt_db_exec(db, "UPDATE change_counters SET counter = counter "
                          "+ 1 WHERE domain = 'epg'") != 0)
        {
            xt_db_rollback(db);
            goto out;
        }
        if (xt_db_commit(db) != 0) {
            goto out;
        }
        if (n == 0 || n == (my_ulonglong) -1) {
            break;
        }
        *rows += n;
        if (n < 10000) {
            break;
        }
    }
    rc = 0;
out:
    if (db->my) {
        (void) xt_db_exec(db, "SET @xt_bulk = NULL");
    }
    if (st) {
        mysql_stmt_close(st);
    }
    return rc;
}


void
xt_epg_store_late(const xt_epg_store_t *s, unsigned long long *stored,
    unsigned long long *outside, unsigned long long *skip)
{
    size_t  k;

    *stored = s->late_stored;
    *outside = s->late_outside;
    for (k = 0; k < XT_EPG_SKIP_COUNT; k++) {
        skip[k] = s->late_skip[k];
    }
}
