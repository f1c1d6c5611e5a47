/*
 * epg.snap: EPG_CHANNELS sorted bytewise by epg_channel_id, each owning a
 * contiguous run of EPG_PROGS sorted by start.  Only programmes inside a
 * bounded window are kept, so the file stays bounded:
 *   now - max(7 days, longest tv_archive_duration) .. now + 366 days
 * (the import's own window, epg_future_days, bounds the future).
 * EPG_EXTRA carries each programme's sub-title and further XMLTV fields.
 * Programmes are streamed row by row (their text goes straight into
 * STRINGS); a programme whose channel has no epg_channels row gets a
 * channel named after its id.  Text that is not valid UTF-8 drops the row
 * with a warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xt_compile.h"
#include "xt_json_gen.h"
#include "xt_grow.h"
#include "xt_log.h"
#include "xt_render.h"
#include "xt_snap_writer.h"

#define XT_EPG_PAST_DAYS    7
#define XT_EPG_FUTURE_DAYS  366     /* all imported: epg_future_days' max */

typedef struct {
    size_t                  id_off, id_len;     /* into names */
    xt_snap_epg_channel_t   rec;
    uint32_t                newidx;
} xt_epg_ch_t;

typedef struct {
    xt_db_t             *db;
    xt_snap_writer_t    *w;
    xt_buf_t             names;     /* channel ids, for sorting and lookup */
    xt_epg_ch_t         *ch;
    size_t               nch, chcap;
    xt_snap_epg_prog_t  *pr;
    size_t               npr, prcap;
    xt_snap_epg_extra_t *ex;            /* by pr's original index */
    size_t               excap;
    char                *err;
    size_t               errlen;
} xt_epg_t;

static xt_epg_t  *xt_epg_sorting;


static int
xt_epg_idcmp(const xt_epg_t *x, const xt_epg_ch_t *a, const char *id,
    size_t len)
{
    size_t  n = a->id_len < len ? a->id_len : len;
    int     r = memcmp(x->names.p + a->id_off, id, n);

    return r ? r : (a->id_len > len) - (a->id_len < len);
}


static int
xt_epg_chcmp(const void *a, const void *b)
{
    const xt_epg_ch_t  *y = b;

    return xt_epg_idcmp(xt_epg_sorting, a, xt_epg_sorting->names.p
                        + y->id_off, y->id_len);
}


static int
xt_epg_prcmp(const void *a, const void *b)
{
    const xt_snap_epg_prog_t  *x = a, *y = b;

    if (x->channel != y->channel) {
        return x->channel < y->channel ? -1 : 1;
    }
    if (x->start != y->start) {
        return x->start < y->start ? -1 : 1;
    }
    return (x->id > y->id) - (x->id < y->id);
}


static int
xt_epg_dbfail(xt_epg_t *x)
{
    snprintf(x->err, x->errlen, "%s", x->db->err);
    return -1;
}


static int
xt_epg_oom(xt_epg_t *x)
{
    snprintf(x->err, x->errlen, "out of memory");
    return -1;
}


static int
xt_epg_add_channel(xt_epg_t *x, const char *id, size_t idlen,
    const char *name, size_t namelen, const char *icon, size_t iconlen)
{
    xt_epg_ch_t  *c;

    if (xt_grow((void **) &x->ch, &x->chcap, x->nch, sizeof(*x->ch)) != 0
        || xt_buf_put(&x->names, id, idlen) != 0)
    {
        return -1;
    }
    c = &x->ch[x->nch++];
    memset(c, 0, sizeof(*c));
    c->id_off = x->names.len - idlen;
    c->id_len = idlen;
    c->rec.id = xt_snap_writer_str(x->w, id, idlen);
    c->rec.display_name = xt_snap_writer_str(x->w, name, namelen);
    c->rec.icon = xt_snap_writer_str(x->w, icon, iconlen);
    return 0;
}


static int
xt_epg_channels(xt_epg_t *x)
{
    MYSQL_STMT  *st;
    xt_row_t     r;
    int          frc, rc = -1;

    xt_row_init(&r);
    st = xt_db_prepare(x->db, "SELECT epg_channel_id, display_name, icon "
                       "FROM epg_channels");
    if (st == NULL) {
        return xt_epg_dbfail(x);
    }
    if (xt_row_str(&r, 1024) != 0 || xt_row_str(&r, 1024) != 0
        || xt_row_str(&r, 4096) != 0)
    {
        xt_epg_oom(x);
        goto out;
    }
    if (xt_db_run(x->db, st, NULL) != 0
        || xt_db_bind_row(x->db, st, &r) != 0)
    {
        xt_epg_dbfail(x);
        goto out;
    }
    while ((frc = xt_db_fetch(x->db, st)) == 1) {
        if (r.len[0] == 0 || !xt_utf8_valid(r.sval[0], r.len[0])
            || !xt_utf8_valid(r.sval[1], r.len[1])
            || !xt_utf8_valid(r.sval[2], r.len[2]))
        {
            xt_log(XT_LOG_WARN, "epg channel \"%.*s\" left out: empty or "
                   "not valid UTF-8", (int) (r.len[0] > 64 ? 64 : r.len[0]),
                   r.sval[0]);
            continue;
        }
        if (xt_epg_add_channel(x, r.sval[0], r.len[0], r.sval[1], r.len[1],
                               r.sval[2], r.len[2]) != 0)
        {
            xt_epg_oom(x);
            goto out;
        }
    }
    if (frc < 0) {
        xt_epg_dbfail(x);
        goto out;
    }
    xt_epg_sorting = x;
    if (x->nch) {
        qsort(x->ch, x->nch, sizeof(*x->ch), xt_epg_chcmp);
    }
    rc = 0;

out:
    xt_row_free(&r);
    mysql_stmt_close(st);
    return rc;
}


/* index of the channel id among the first n (sorted) channels, or -1 */
static long
xt_epg_find(xt_epg_t *x, size_t n, const char *id, size_t len)
{
    size_t  lo = 0, hi = n, mid;
    int     r;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        r = xt_epg_idcmp(x, &x->ch[mid], id, len);
        if (r == 0) {
            return (long) mid;
        }
        if (r < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -1;
}


static long long
xt_epg_archive_days(xt_epg_t *x)
{
    MYSQL_STMT  *st;
    xt_row_t     r;
    long long    days = -1;

    xt_row_init(&r);
    st = xt_db_prepare(x->db, "SELECT COALESCE(MAX(tv_archive_duration), 0) "
                       "FROM streams WHERE tv_archive = 1 AND enabled = 1");
    if (st == NULL) {
        return -1;
    }
    xt_row_int(&r);
    if (xt_db_run(x->db, st, NULL) == 0 && xt_db_bind_row(x->db, st, &r) == 0
        && xt_db_fetch(x->db, st) == 1)
    {
        days = r.ival[0];
        while (xt_db_fetch(x->db, st) == 1) { /* drain */ }
    }
    mysql_stmt_close(st);
    return days;
}


enum { P_ID, P_CH, P_START, P_STOP, P_TITLE, P_DESC, P_LANG, P_SUB, P_EXTRA };


static int
xt_epg_programmes(xt_epg_t *x, int64_t from, int64_t to)
{
    MYSQL_STMT          *st;
    xt_row_t             r;
    xt_binds_t           bs;
    xt_snap_epg_prog_t  *p;
    size_t               nsorted = x->nch, bad = 0;
    long                 ci = -1;
    int                  frc, rc = -1;

    xt_row_init(&r);
    st = xt_db_prepare(x->db, "SELECT id, epg_channel_id, start, stop, title, "
                       "description, lang, sub_title, xmltv_extra FROM epg_programmes "
                       "WHERE start < ? AND stop > ? AND stop > start "
                       "ORDER BY epg_channel_id, start, id");
    if (st == NULL) {
        return xt_epg_dbfail(x);
    }
    xt_row_int(&r);
    if (xt_row_str(&r, 1024) != 0) {
        goto oom;
    }
    xt_row_int(&r);
    xt_row_int(&r);
    if (xt_row_str(&r, 4096) != 0 || xt_row_str(&r, 65535) != 0
        || xt_row_str(&r, 64) != 0 || xt_row_str(&r, 4096) != 0
        || xt_row_str(&r, 65535) != 0)
    {
        goto oom;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, to);
    xt_bind_int(&bs, from);
    if (xt_db_run(x->db, st, &bs) != 0
        || xt_db_bind_row(x->db, st, &r) != 0)
    {
        xt_epg_dbfail(x);
        goto out;
    }
    while ((frc = xt_db_fetch(x->db, st)) == 1) {
        if (r.isnull[P_DESC]) {
            r.len[P_DESC] = 0;
        }
        if (r.isnull[P_EXTRA]) {
            r.len[P_EXTRA] = 0;
        }
        if (!xt_utf8_valid(r.sval[P_TITLE], r.len[P_TITLE])
            || !xt_utf8_valid(r.sval[P_DESC], r.len[P_DESC])
            || !xt_utf8_valid(r.sval[P_LANG], r.len[P_LANG])
            || !xt_utf8_valid(r.sval[P_SUB], r.len[P_SUB])
            || !xt_utf8_valid(r.sval[P_EXTRA], r.len[P_EXTRA])
            || !xt_utf8_valid(r.sval[P_CH], r.len[P_CH]) || r.len[P_CH] == 0)
        {
            if (bad++ < 10) {
                xt_log(XT_LOG_WARN, "epg programme %lld left out: a text "
                       "field is not valid UTF-8", r.ival[P_ID]);
            }
            continue;
        }
        /* rows come grouped by channel: look up only on a change */
        if (ci < 0 || xt_epg_idcmp(x, &x->ch[ci], r.sval[P_CH],
                                   r.len[P_CH]) != 0)
        {
            ci = xt_epg_find(x, nsorted, r.sval[P_CH], r.len[P_CH]);
            if (ci < 0) {
                /* unlisted channel: appended, sorted in at the end */
                for (ci = (long) nsorted; (size_t) ci < x->nch; ci++) {
                    if (xt_epg_idcmp(x, &x->ch[ci], r.sval[P_CH],
                                     r.len[P_CH]) == 0)
                    {
                        break;
                    }
                }
                if ((size_t) ci == x->nch
                    && xt_epg_add_channel(x, r.sval[P_CH], r.len[P_CH],
                                          r.sval[P_CH], r.len[P_CH], "", 0))
                {
                    goto oom;
                }
            }
        }
        if (xt_grow((void **) &x->pr, &x->prcap, x->npr,
                    sizeof(*x->pr)) != 0
            || xt_grow((void **) &x->ex, &x->excap, x->npr,
                       sizeof(*x->ex)) != 0)
        {
            goto oom;
        }
        x->ex[x->npr].sub_title = xt_snap_writer_str(x->w, r.sval[P_SUB],
                                                     r.len[P_SUB]);
        x->ex[x->npr].xml = xt_snap_writer_str(x->w, r.sval[P_EXTRA],
                                               r.len[P_EXTRA]);
        p = &x->pr[x->npr++];
        memset(p, 0, sizeof(*p));
        p->id = (uint64_t) r.ival[P_ID];
        p->start = r.ival[P_START];
        p->stop = r.ival[P_STOP];
        p->channel = (uint32_t) ci;
        p->title = xt_snap_writer_str(x->w, r.sval[P_TITLE], r.len[P_TITLE]);
        p->description = xt_snap_writer_str(x->w, r.sval[P_DESC],
                                            r.len[P_DESC]);
        p->lang = xt_snap_writer_str(x->w, r.sval[P_LANG], r.len[P_LANG]);
        p->reserved = (uint32_t) (x->npr - 1);    /* its extra, until sorted */
    }
    if (frc < 0) {
        xt_epg_dbfail(x);
        goto out;
    }
    if (bad) {
        xt_log(XT_LOG_WARN, "epg: %zu programme(s) left out (bad UTF-8)", bad);
    }
    rc = 0;
    goto out;

oom:
    xt_epg_oom(x);
out:
    xt_row_free(&r);
    mysql_stmt_close(st);
    return rc;
}


/* sort channels (when some were appended), renumber and order programmes,
   then set each channel's first/count */
static int
xt_epg_finish(xt_epg_t *x, int appended)
{
    xt_snap_epg_channel_t  *recs;
    xt_snap_epg_extra_t    *ex;
    uint32_t               *map;
    size_t                  i, sorted = 1;

    map = malloc((x->nch ? x->nch : 1) * sizeof(uint32_t));
    recs = calloc(x->nch ? x->nch : 1, sizeof(*recs));
    ex = malloc((x->npr ? x->npr : 1) * sizeof(*ex));
    if (map == NULL || recs == NULL || ex == NULL) {
        free(map);
        free(recs);
        free(ex);
        return xt_epg_oom(x);
    }
    for (i = 0; i < x->nch; i++) {
        x->ch[i].newidx = (uint32_t) i;     /* the old index, carried */
    }
    if (appended) {
        xt_epg_sorting = x;
        qsort(x->ch, x->nch, sizeof(*x->ch), xt_epg_chcmp);
    }
    for (i = 0; i < x->nch; i++) {
        map[x->ch[i].newidx] = (uint32_t) i;
        recs[i] = x->ch[i].rec;
    }
    for (i = 0; i < x->npr; i++) {
        x->pr[i].channel = map[x->pr[i].channel];
        if (i && xt_epg_prcmp(&x->pr[i - 1], &x->pr[i]) > 0) {
            sorted = 0;
        }
    }
    if (!sorted) {      /* the server's collation may differ from memcmp */
        qsort(x->pr, x->npr, sizeof(*x->pr), xt_epg_prcmp);
    }
    for (i = 0; i < x->npr; i++) {
        ex[i] = x->ex[x->pr[i].reserved];
        x->pr[i].reserved = 0;
        if (recs[x->pr[i].channel].count++ == 0) {
            recs[x->pr[i].channel].first = (uint32_t) i;
        }
    }
    i = xt_snap_writer_section(x->w, XT_SEC_EPG_CHANNELS, (uint32_t) x->nch,
                               recs, x->nch * sizeof(*recs))
        || xt_snap_writer_section(x->w, XT_SEC_EPG_PROGS, (uint32_t) x->npr,
                                  x->pr, x->npr * sizeof(*x->pr))
        || xt_snap_writer_section(x->w, XT_SEC_EPG_EXTRA, (uint32_t) x->npr,
                                  ex, x->npr * sizeof(*ex));
    if (i) {
        snprintf(x->err, x->errlen, "%s", xt_snap_writer_error(x->w));
    }
    free(map);
    free(recs);
    free(ex);
    return i ? -1 : 0;
}


int
xt_compile_epg(xt_db_t *db, const char *dir, xt_compile_stats_t *stats,
    char *err, size_t errlen)
{
    xt_epg_t   x;
    int64_t    now = (int64_t) time(NULL);
    long long  days;
    size_t     listed;
    int        rc = -1;

    memset(&x, 0, sizeof(x));
    x.db = db;
    x.err = err;
    x.errlen = errlen;
    stats->generation = xt_snap_next_generation(dir, XT_SNAP_FILE_EPG,
                                                XT_SNAP_KIND_EPG);
    x.w = xt_snap_writer_new(XT_SNAP_KIND_EPG, stats->generation);
    if (x.w == NULL) {
        xt_epg_oom(&x);
        goto out;
    }
    days = xt_epg_archive_days(&x);
    if (days < 0) {
        xt_epg_dbfail(&x);
        goto out;
    }
    if (days < XT_EPG_PAST_DAYS) {
        days = XT_EPG_PAST_DAYS;
    }
    if (xt_epg_channels(&x) != 0) {
        goto out;
    }
    listed = x.nch;
    if (xt_epg_programmes(&x, now - days * 86400,
                          now + XT_EPG_FUTURE_DAYS * 86400) != 0
        || xt_epg_finish(&x, x.nch != listed) != 0)
    {
        goto out;
    }
    stats->records = x.npr;
    rc = xt_compile_install(x.w, dir, XT_SNAP_FILE_EPG, stats, err, errlen);
    x.w = NULL;

out:
    xt_snap_writer_free(x.w);
    xt_buf_free(&x.names);
    free(x.ch);
    free(x.pr);
    free(x.ex);
    return rc;
}
