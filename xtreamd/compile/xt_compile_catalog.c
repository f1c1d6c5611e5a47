/*
 * catalog.snap: SETTINGS, CATEGORIES (with their get_*_categories JSON, all
 * three types), LIVE (with the get_live_streams JSON minus "num") and
 * LIVE_M3U, MOVIES (xt_compile_vod.c), SERIES and EPISODES
 * (xt_compile_series.c), SERVERS (xt_compile_servers.c), BOUQUETS (LIVE,
 * MOVIES and SERIES record indexes in bouquet order).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_archive_policy.h"
#include "xt_compile.h"
#include "xt_compile_cat.h"
#include "xt_grow.h"
#include "xt_json_gen.h"
#include "xt_log.h"
#include "xt_snap_writer.h"

int
xt_cat_dbfail(xt_cat_t *c)
{
    snprintf(c->err, c->errlen, "%s", c->db->err);
    return -1;
}


int
xt_cat_oom(xt_cat_t *c)
{
    snprintf(c->err, c->errlen, "out of memory");
    return -1;
}


int
xt_cat_section(xt_cat_t *c, uint32_t id, uint32_t count, const void *data,
    size_t size)
{
    int  rc = xt_snap_writer_section(c->w, id, count, data, size);

    if (rc != 0) {
        snprintf(c->err, c->errlen, "%s", xt_snap_writer_error(c->w));
    }
    return rc;
}


xt_snap_str_t
xt_cat_json(xt_cat_t *c)
{
    const unsigned char  *buf;
    size_t                len;

    yajl_gen_get_buf(c->g, &buf, &len);
    return xt_snap_writer_str(c->w, (const char *) buf, len);
}


long
xt_cat_index(const uint32_t *ids, size_t n, uint32_t id)
{
    size_t  lo = 0, hi = n, mid;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (ids[mid] < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return (lo < n && ids[lo] == id) ? (long) lo : -1;
}


xt_sv_t
xt_cat_sv(const xt_row_t *r, unsigned col)
{
    xt_sv_t  v = { "", 0 };

    if (!r->isnull[col]) {
        v.p = r->sval[col];
        v.len = r->len[col];
    }
    return v;
}


typedef struct {
    char    *key;
    size_t   klen;
    char    *val;
    size_t   vlen;
} xt_kv_t;


static int
xt_kv_cmp(const void *a, const void *b)
{
    const xt_kv_t  *x = a, *y = b;
    size_t          n = x->klen < y->klen ? x->klen : y->klen;
    int             r = memcmp(x->key, y->key, n);

    return r ? r : (x->klen > y->klen) - (x->klen < y->klen);
}


static int
xt_cat_settings(xt_cat_t *c)
{
    MYSQL_STMT         *st;
    xt_row_t            r;
    xt_kv_t            *kv = NULL;
    xt_snap_setting_t  *recs = NULL;
    size_t              n = 0, cap = 0, i;
    int                 frc, rc = -1;

    xt_row_init(&r);
    st = xt_db_prepare(c->db, "SELECT name, value FROM settings");
    if (st == NULL) {
        return xt_cat_dbfail(c);
    }
    if (xt_row_str(&r, 256) != 0 || xt_row_str(&r, 4096) != 0) {
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
        if (xt_grow((void **) &kv, &cap, n, sizeof(*kv)) != 0
            || (kv[n].key = malloc(r.len[0] + 1)) == NULL)
        {
            xt_cat_oom(c);
            goto out;
        }
        if ((kv[n].val = malloc(r.len[1] + 1)) == NULL) {
            free(kv[n].key);
            xt_cat_oom(c);
            goto out;
        }
        memcpy(kv[n].key, r.sval[0], r.len[0]);
        kv[n].klen = r.len[0];
        memcpy(kv[n].val, r.sval[1], r.len[1]);
        kv[n].vlen = r.len[1];
        n++;
    }
    if (frc < 0) {
        xt_cat_dbfail(c);
        goto out;
    }

    /* byte order, so the reader can binary-search with memcmp */
    if (n) {
        qsort(kv, n, sizeof(*kv), xt_kv_cmp);
    }
    recs = calloc(n ? n : 1, sizeof(*recs));
    if (recs == NULL) {
        xt_cat_oom(c);
        goto out;
    }
    for (i = 0; i < n; i++) {
        recs[i].key = xt_snap_writer_str(c->w, kv[i].key, kv[i].klen);
        recs[i].value = xt_snap_writer_str(c->w, kv[i].val, kv[i].vlen);
    }
    rc = xt_snap_writer_section(c->w, XT_SEC_SETTINGS, (uint32_t) n, recs,
                                n * sizeof(*recs));
    if (rc != 0) {
        snprintf(c->err, c->errlen, "%s", xt_snap_writer_error(c->w));
    }

out:
    for (i = 0; i < n; i++) {
        free(kv[i].key);
        free(kv[i].val);
    }
    free(kv);
    free(recs);
    xt_row_free(&r);
    mysql_stmt_close(st);
    return rc;
}


static int
xt_cat_categories(xt_cat_t *c)
{
    MYSQL_STMT          *st;
    xt_row_t             r;
    xt_snap_category_t  *recs = NULL, *cr;
    size_t               n = 0, cap = 0;
    int                  frc, rc = -1;
    yajl_gen             g = c->g;

    xt_row_init(&r);
    /* type+0: live=1, movie=2, series=3, radio=4 = XT_CAT_* */
    st = xt_db_prepare(c->db, "SELECT id, type + 0, name, parent_id "
                       "FROM categories ORDER BY type, sort_order, id");
    if (st == NULL) {
        return xt_cat_dbfail(c);
    }
    xt_row_int(&r);
    xt_row_int(&r);
    if (xt_row_str(&r, 1024) != 0) {
        xt_cat_oom(c);
        goto out;
    }
    xt_row_int(&r);
    if (xt_db_run(c->db, st, NULL) != 0
        || xt_db_bind_row(c->db, st, &r) != 0)
    {
        xt_cat_dbfail(c);
        goto out;
    }
    while ((frc = xt_db_fetch(c->db, st)) == 1) {
        xt_gen_restart(g);
        if (yajl_gen_map_open(g) != yajl_gen_status_ok
            || xt_gen_key(g, "category_id") || xt_gen_digits(g, r.ival[0])
            || xt_gen_key(g, "category_name")
            || xt_gen_strn(g, r.sval[2], r.len[2])
            || xt_gen_key(g, "parent_id")
            || xt_gen_ullong(g, (unsigned long long) r.ival[3])
            || yajl_gen_map_close(g))
        {
            xt_log(XT_LOG_WARN, "category %lld left out: its name is not "
                   "valid UTF-8", r.ival[0]);
            continue;
        }
        if (xt_grow((void **) &recs, &cap, n, sizeof(*recs)) != 0) {
            xt_cat_oom(c);
            goto out;
        }
        cr = &recs[n++];
        memset(cr, 0, sizeof(*cr));
        cr->id = (uint32_t) r.ival[0];
        cr->type = (uint32_t) r.ival[1];
        cr->parent_id = (uint32_t) r.ival[3];
        cr->name = xt_snap_writer_str(c->w, r.sval[2], r.len[2]);
        cr->json = xt_cat_json(c);
    }
    if (frc < 0) {
        xt_cat_dbfail(c);
        goto out;
    }
    rc = xt_snap_writer_section(c->w, XT_SEC_CATEGORIES, (uint32_t) n, recs,
                                n * sizeof(*recs));
    if (rc != 0) {
        snprintf(c->err, c->errlen, "%s", xt_snap_writer_error(c->w));
    }

out:
    free(recs);
    xt_row_free(&r);
    mysql_stmt_close(st);
    return rc;
}


enum { L_ID, L_NAME, L_CAT, L_ICON, L_EPG, L_SID, L_ADULT, L_ARCH, L_DAYS,
       L_ONDEM, L_KEY, L_ADDED, L_CATNAME, L_ABR, L_HERE, L_RADIO };


/* the get_live_streams item without "num" (key order is the protocol's) */
static int
xt_live_json(yajl_gen g, xt_row_t *r, unsigned days)
{
    int  radio = r->ival[L_RADIO] != 0;

    int  has_cat = !r->isnull[L_CAT] && r->ival[L_CAT] > 0;

    xt_gen_restart(g);
    if (yajl_gen_map_open(g)
        || xt_gen_key(g, "name") || xt_gen_strn(g, r->sval[L_NAME],
                                                r->len[L_NAME])
        || xt_gen_key(g, "stream_type")
        || xt_gen_cstr(g, radio ? "radio_streams" : "live")
        || xt_gen_key(g, "stream_id")
        || xt_gen_ullong(g, (unsigned long long) r->ival[L_ID])
        || xt_gen_key(g, "stream_icon") || xt_gen_strn(g, r->sval[L_ICON],
                                                       r->len[L_ICON])
        || xt_gen_key(g, "epg_channel_id")
        || (r->len[L_EPG] ? xt_gen_strn(g, r->sval[L_EPG], r->len[L_EPG])
                          : yajl_gen_null(g))
        || xt_gen_key(g, "added") || xt_gen_digits(g, r->ival[L_ADDED])
        || xt_gen_key(g, "is_adult") || yajl_gen_integer(g,
                                                         !!r->ival[L_ADULT])
        || xt_gen_key(g, "category_id")
        || (has_cat ? xt_gen_digits(g, r->ival[L_CAT]) : yajl_gen_null(g))
        || xt_gen_key(g, "category_ids") || yajl_gen_array_open(g)
        || (has_cat ? xt_gen_ullong(g, (unsigned long long) r->ival[L_CAT])
                    : yajl_gen_status_ok)
        || yajl_gen_array_close(g)
        || xt_gen_key(g, "custom_sid") || xt_gen_strn(g, r->sval[L_SID],
                                                      r->len[L_SID])
        || xt_gen_key(g, "tv_archive") || yajl_gen_integer(g, days ? 1 : 0)
        || xt_gen_key(g, "direct_source") || xt_gen_cstr(g, "")
        || xt_gen_key(g, "tv_archive_duration") || yajl_gen_integer(g, days)
        || xt_gen_key(g, "thumbnail") || xt_gen_cstr(g, "")
        || yajl_gen_map_close(g))
    {
        return -1;
    }
    return 0;
}


static int
xt_cat_live(xt_cat_t *c)
{
    MYSQL_STMT      *st;
    xt_row_t         r;
    xt_binds_t       bs;
    xt_snap_live_t  *recs = NULL, *lr;
    size_t           cap = 0, idcap = 0;
    unsigned         days;
    int              frc, rc = -1;

    xt_row_init(&r);
    st = xt_db_prepare(c->db, "SELECT s.id, s.name, s.category_id, s.icon, "
                       "s.epg_channel_id, s.custom_sid, s.is_adult, "
                       "s.tv_archive, s.tv_archive_duration, s.on_demand, "
                       "s.stream_key_hash, s.added, c.name, "
                       "COALESCE(p.mode = 'abr', 0), "
                       XT_ARCHIVE_HERE_SQL ", "
                       "COALESCE(c.type = 'radio', 0) "
                       "FROM streams s "
                       "LEFT JOIN categories c ON c.id = s.category_id "
                       "LEFT JOIN transcode_profiles p "
                       "ON p.id = s.transcode_profile_id "
                       "WHERE s.enabled = 1 ORDER BY s.id");
    if (st == NULL) {
        return xt_cat_dbfail(c);
    }
    xt_row_int(&r);
    if (xt_row_str(&r, 1024) != 0) {
        goto oom;
    }
    xt_row_int(&r);
    if (xt_row_str(&r, 4096) != 0 || xt_row_str(&r, 1024) != 0
        || xt_row_str(&r, 256) != 0)
    {
        goto oom;
    }
    xt_row_int(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    if (xt_row_str(&r, XT_SALT_LEN + XT_HASH_LEN) != 0) {
        goto oom;
    }
    xt_row_int(&r);
    if (xt_row_str(&r, 1024) != 0) {
        goto oom;
    }
    xt_row_int(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    /* placement: catch-up only for a stream this server runs */
    xt_binds_reset(&bs);
    xt_bind_int(&bs, xt_archive_policy_server());

    if (xt_db_run(c->db, st, &bs) != 0
        || xt_db_bind_row(c->db, st, &r) != 0)
    {
        xt_cat_dbfail(c);
        goto out;
    }
    while ((frc = xt_db_fetch(c->db, st)) == 1) {
        /* catch-up only where it is really recorded (xt_archive_policy.h) */
        days = xt_archive_days(r.ival[L_ARCH], r.ival[L_DAYS],
                               r.ival[L_ONDEM], r.ival[L_HERE]);
        if (xt_live_json(c->g, &r, days) != 0) {
            xt_log(XT_LOG_WARN, "stream %lld left out: a text field is not "
                   "valid UTF-8", r.ival[L_ID]);
            continue;
        }
        if (xt_grow((void **) &recs, &cap, c->nlive, sizeof(*recs)) != 0
            || xt_grow((void **) &c->live_ids, &idcap, c->nlive,
                       sizeof(uint32_t)) != 0)
        {
            goto oom;
        }
        lr = &recs[c->nlive];
        memset(lr, 0, sizeof(*lr));
        lr->id = (uint32_t) r.ival[L_ID];
        c->live_ids[c->nlive] = lr->id;
        c->nlive++;
        lr->category_id = r.isnull[L_CAT] ? 0 : (uint32_t) r.ival[L_CAT];
        lr->flags = (days ? XT_LIVE_ARCHIVE : 0)
                    | (r.ival[L_ONDEM] ? XT_LIVE_ONDEMAND : 0)
                    | (r.ival[L_ABR] ? XT_LIVE_ABR : 0)
                    | (r.ival[L_RADIO] ? XT_LIVE_RADIO : 0);
        lr->archive_days = days;
        lr->name = xt_snap_writer_str(c->w, r.sval[L_NAME], r.len[L_NAME]);
        lr->icon = xt_snap_writer_str(c->w, r.sval[L_ICON], r.len[L_ICON]);
        lr->epg_channel_id = xt_snap_writer_str(c->w, r.sval[L_EPG],
                                                r.len[L_EPG]);
        lr->category_name = xt_snap_writer_str(c->w, r.sval[L_CATNAME],
                                   r.isnull[L_CATNAME] ? 0 : r.len[L_CATNAME]);
        lr->json = xt_cat_json(c);
        if (xt_cat_live_m3u_add(c, xt_cat_sv(&r, L_EPG), xt_cat_sv(&r, L_NAME),
                                xt_cat_sv(&r, L_ICON),
                                xt_cat_sv(&r, L_CATNAME), days,
                                r.ival[L_RADIO] != 0) != 0)
        {
            goto oom;
        }
        if (!r.isnull[L_KEY] && r.len[L_KEY] == XT_SALT_LEN + XT_HASH_LEN) {
            lr->key_hash = xt_snap_writer_str(c->w, r.sval[L_KEY],
                                              r.len[L_KEY]);
        }
    }
    if (frc < 0) {
        xt_cat_dbfail(c);
        goto out;
    }
    rc = xt_snap_writer_section(c->w, XT_SEC_LIVE, (uint32_t) c->nlive, recs,
                                c->nlive * sizeof(*recs));
    if (rc != 0) {
        snprintf(c->err, c->errlen, "%s", xt_snap_writer_error(c->w));
    }
    goto out;

oom:
    xt_cat_oom(c);
out:
    free(recs);
    xt_row_free(&r);
    mysql_stmt_close(st);
    return rc;
}


/* the U32 list of bouquet items of one type, as record indexes */
typedef struct {
    uint32_t  *bq;          /* bouquet id of pair i */
    uint32_t  *idx;         /* record index of pair i */
    size_t     n;
    size_t     cap;
    size_t     cap2;
} xt_pairs_t;


static int
xt_cat_bouquets(xt_cat_t *c)
{
    MYSQL_STMT         *st = NULL;
    xt_row_t            r;
    xt_snap_bouquet_t  *recs = NULL;
    xt_pairs_t          p[3];
    size_t              n = 0, cap = 0, i, t, j[3] = { 0, 0, 0 }, k;
    long                idx;
    int                 frc, rc = -1;
    uint32_t           *cnt, *off;

    memset(p, 0, sizeof(p));
    xt_row_init(&r);
    st = xt_db_prepare(c->db, "SELECT id FROM bouquets ORDER BY id");
    if (st == NULL) {
        return xt_cat_dbfail(c);
    }
    xt_row_int(&r);
    if (xt_db_run(c->db, st, NULL) != 0
        || xt_db_bind_row(c->db, st, &r) != 0)
    {
        goto dbfail;
    }
    while ((frc = xt_db_fetch(c->db, st)) == 1) {
        if (xt_grow((void **) &recs, &cap, n, sizeof(*recs)) != 0) {
            goto oom;
        }
        memset(&recs[n], 0, sizeof(*recs));
        recs[n++].id = (uint32_t) r.ival[0];
    }
    if (frc < 0) {
        goto dbfail;
    }
    mysql_stmt_close(st);

    /* (bouquet, item) pairs in bouquet order, kept as record indexes;
       item_type + 0: live = 1, movie = 2, series = 3 */
    xt_row_init(&r);
    st = xt_db_prepare(c->db, "SELECT bouquet_id, item_type + 0, item_id "
                       "FROM bouquet_items "
                       "ORDER BY bouquet_id, item_type, sort_order, item_id");
    if (st == NULL) {
        goto dbfail;
    }
    xt_row_int(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    if (xt_db_run(c->db, st, NULL) != 0
        || xt_db_bind_row(c->db, st, &r) != 0)
    {
        goto dbfail;
    }
    while ((frc = xt_db_fetch(c->db, st)) == 1) {
        t = (size_t) r.ival[1];
        if (t < 1 || t > 3) {
            continue;
        }
        t--;
        idx = t == 0 ? xt_cat_index(c->live_ids, c->nlive,
                                    (uint32_t) r.ival[2])
            : t == 1 ? xt_cat_index(c->movie_ids, c->nmovies,
                                    (uint32_t) r.ival[2])
            : xt_cat_index(c->series_ids, c->nseries, (uint32_t) r.ival[2]);
        if (idx < 0) {
            continue;       /* disabled, missing or left out */
        }
        if (xt_grow((void **) &p[t].idx, &p[t].cap, p[t].n,
                    sizeof(uint32_t)) != 0
            || xt_grow((void **) &p[t].bq, &p[t].cap2, p[t].n,
                       sizeof(uint32_t)) != 0)
        {
            goto oom;
        }
        p[t].bq[p[t].n] = (uint32_t) r.ival[0];
        p[t].idx[p[t].n++] = (uint32_t) idx;
    }
    if (frc < 0) {
        goto dbfail;
    }

    /* every list is ordered by bouquet id: merge */
    for (i = 0; i < n; i++) {
        for (t = 0; t < 3; t++) {
            while (j[t] < p[t].n && p[t].bq[j[t]] < recs[i].id) {
                j[t]++;
            }
            k = j[t];
            while (j[t] < p[t].n && p[t].bq[j[t]] == recs[i].id) {
                j[t]++;
            }
            cnt = t == 0 ? &recs[i].nlive : t == 1 ? &recs[i].nmovies
                                                   : &recs[i].nseries;
            off = t == 0 ? &recs[i].live : t == 1 ? &recs[i].movies
                                                  : &recs[i].series;
            *cnt = (uint32_t) (j[t] - k);
            *off = j[t] > k ? xt_snap_writer_u32(c->w, &p[t].idx[k], j[t] - k)
                            : 0;
        }
    }
    rc = xt_cat_section(c, XT_SEC_BOUQUETS, (uint32_t) n, recs,
                        n * sizeof(*recs));
    goto out;

dbfail:
    xt_cat_dbfail(c);
    goto out;
oom:
    xt_cat_oom(c);
out:
    free(recs);
    for (t = 0; t < 3; t++) {
        free(p[t].bq);
        free(p[t].idx);
    }
    if (st) {
        mysql_stmt_close(st);
    }
    return rc;
}


int
xt_compile_catalog(xt_db_t *db, const char *dir, xt_compile_stats_t *stats,
    char *err, size_t errlen)
{
    xt_cat_t  c;
    int       rc = -1;

    memset(&c, 0, sizeof(c));
    c.db = db;
    c.err = err;
    c.errlen = errlen;
    stats->generation = xt_snap_next_generation(dir, XT_SNAP_FILE_CATALOG,
                                                XT_SNAP_KIND_CATALOG);
    c.w = xt_snap_writer_new(XT_SNAP_KIND_CATALOG, stats->generation);
    c.g = xt_gen_new();
    if (c.w == NULL || c.g == NULL) {
        xt_cat_oom(&c);
        goto out;
    }

    if (xt_cat_settings(&c) != 0 || xt_cat_categories(&c) != 0
        || xt_cat_live(&c) != 0 || xt_cat_live_m3u_section(&c) != 0
        || xt_cat_movies(&c) != 0 || xt_cat_series(&c) != 0
        || xt_cat_servers(&c) != 0 || xt_cat_bouquets(&c) != 0)
    {
        goto out;
    }
    stats->records = c.nlive + c.nmovies + c.nseries + c.nepisodes;
    xt_log(XT_LOG_INFO, "catalog: %zu live, %zu movies, %zu series, "
           "%zu episodes", c.nlive, c.nmovies, c.nseries, c.nepisodes);
    rc = xt_compile_install(c.w, dir, XT_SNAP_FILE_CATALOG, stats, err,
                            errlen);
    c.w = NULL;

out:
    xt_snap_writer_free(c.w);
    if (c.g) {
        yajl_gen_free(c.g);
    }
    free(c.live_ids);
    free(c.live_m3u);
    free(c.movie_ids);
    free(c.series_ids);
    xt_buf_free(&c.line);
    xt_buf_free(&c.name);
    return rc;
}
