/*
 * SERIES and EPISODES.  The three tables are read one after the other with
 * streaming statements into compact in-memory tables (one connection
 * cannot interleave unbuffered result sets), then each enabled series is
 * rendered with its seasons and playable episodes (path and text checked;
 * a bad episode is left out with a warning).  EPISODES is sorted by id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_compile_cat.h"
#include "xt_grow.h"
#include "xt_json_gen.h"
#include "xt_log.h"

typedef struct {
    long long  i;
    size_t     off;
    size_t     len;
} xt_cell_t;

typedef struct {
    unsigned    ncols;
    size_t      nrows;
    size_t      cap;
    xt_cell_t  *cells;
    xt_buf_t    text;
} xt_tab_t;


/* caps[i] == 0: integer column, else a string column of that capacity */
static int
xt_tab_load(xt_cat_t *c, const char *sql, const size_t *caps,
    unsigned ncols, xt_tab_t *t)
{
    MYSQL_STMT  *st;
    xt_row_t     r;
    xt_cell_t   *cl;
    unsigned     i;
    int          frc, rc = -1;

    t->ncols = ncols;
    xt_row_init(&r);
    st = xt_db_prepare(c->db, sql);
    if (st == NULL) {
        return xt_cat_dbfail(c);
    }
    for (i = 0; i < ncols; i++) {
        if (caps[i] == 0) {
            xt_row_int(&r);
        } else if (xt_row_str(&r, caps[i]) != 0) {
            xt_cat_oom(c);
            goto out;
        }
    }
    if (xt_db_run(c->db, st, NULL) != 0
        || xt_db_bind_row(c->db, st, &r) != 0)
    {
        xt_cat_dbfail(c);
        goto out;
    }
    while ((frc = xt_db_fetch(c->db, st)) == 1) {
        if (xt_grow((void **) &t->cells, &t->cap, (t->nrows + 1) * ncols,
                    sizeof(xt_cell_t)) != 0)
        {
            xt_cat_oom(c);
            goto out;
        }
        cl = &t->cells[t->nrows * ncols];
        for (i = 0; i < ncols; i++) {
            cl[i].i = r.isnull[i] ? 0 : r.ival[i];
            cl[i].off = t->text.len;
            cl[i].len = 0;
            if (caps[i] && !r.isnull[i]) {
                if (xt_buf_put(&t->text, r.sval[i], r.len[i]) != 0) {
                    xt_cat_oom(c);
                    goto out;
                }
                cl[i].len = r.len[i];
            }
        }
        t->nrows++;
    }
    if (frc < 0) {
        xt_cat_dbfail(c);
        goto out;
    }
    rc = 0;

out:
    xt_row_free(&r);
    mysql_stmt_close(st);
    return rc;
}


static void
xt_tab_free(xt_tab_t *t)
{
    free(t->cells);
    xt_buf_free(&t->text);
}


static long long
xt_tab_int(const xt_tab_t *t, size_t row, unsigned col)
{
    return t->cells[row * t->ncols + col].i;
}


static xt_sv_t
xt_tab_sv(const xt_tab_t *t, size_t row, unsigned col)
{
    const xt_cell_t  *cl = &t->cells[row * t->ncols + col];
    xt_sv_t           v;

    v.p = t->text.p ? t->text.p + cl->off : "";
    v.len = cl->len;
    return v;
}


enum { S_ID, S_NAME, S_CAT, S_COVER, S_PLOT, S_CAST, S_DIRECTOR, S_GENRE,
       S_RELEASE, S_RATING, S_BACKDROP, S_TRAILER, S_RUNTIME, S_TMDB,
       S_LASTMOD, S_CATNAME, S_NCOLS };
static const size_t  xt_series_caps[S_NCOLS] = {
    0, 1024, 0, 4096, 65535, 4096, 1024, 1024, 64, 64, 65535, 256, 0, 0, 0,
    1024
};

enum { SN_SERIES, SN_NUMBER, SN_NAME, SN_AIR, SN_OVERVIEW, SN_COVER,
       SN_COVER_BIG, SN_NCOLS };
static const size_t  xt_season_caps[SN_NCOLS] = {
    0, 0, 1024, 64, 65535, 4096, 4096
};

enum { E_ID, E_SERIES, E_SEASON, E_NUM, E_TITLE, E_EXT, E_PATH, E_PLOT,
       E_IMAGE, E_RELEASE, E_RATING, E_DURATION, E_ADDED, E_VCODEC, E_WIDTH,
       E_HEIGHT, E_ACODEC, E_CHANNELS, E_RATE, E_BITRATE, E_NCOLS };
static const size_t  xt_episode_caps[E_NCOLS] = {
    0, 0, 0, 0, 1024, 64, 4096, 65535, 4096, 64, 64, 0, 0, 128, 0, 0, 128,
    0, 0, 0
};


static int
xt_ep_cmp(const void *a, const void *b)
{
    const xt_snap_episode_t  *x = a, *y = b;

    return (x->id > y->id) - (x->id < y->id);
}


static int
xt_episode_ok(const xt_tab_t *e, size_t row, xt_episode_in_t *in)
{
    xt_sv_t  path = xt_tab_sv(e, row, E_PATH);

    memset(in, 0, sizeof(*in));
    in->id = (uint32_t) xt_tab_int(e, row, E_ID);
    in->season = (uint32_t) xt_tab_int(e, row, E_SEASON);
    in->episode_num = (uint32_t) xt_tab_int(e, row, E_NUM);
    in->duration_secs = (uint32_t) xt_tab_int(e, row, E_DURATION);
    in->added = xt_tab_int(e, row, E_ADDED);
    in->title = xt_tab_sv(e, row, E_TITLE);
    in->ext = xt_tab_sv(e, row, E_EXT);
    in->plot = xt_tab_sv(e, row, E_PLOT);
    in->movie_image = xt_tab_sv(e, row, E_IMAGE);
    in->release_date = xt_tab_sv(e, row, E_RELEASE);
    in->rating = xt_tab_sv(e, row, E_RATING);
    in->media.video_codec = xt_tab_sv(e, row, E_VCODEC);
    in->media.width = (uint32_t) xt_tab_int(e, row, E_WIDTH);
    in->media.height = (uint32_t) xt_tab_int(e, row, E_HEIGHT);
    in->media.audio_codec = xt_tab_sv(e, row, E_ACODEC);
    in->media.channels = (uint32_t) xt_tab_int(e, row, E_CHANNELS);
    in->media.sample_rate = (uint32_t) xt_tab_int(e, row, E_RATE);
    in->media.bitrate_kbps = (uint32_t) xt_tab_int(e, row, E_BITRATE);
    if (!xt_vod_path_ok(path.p, path.len) || in->ext.len == 0) {
        xt_log(XT_LOG_WARN, "episode %u left out: no container extension, "
               "or its path is empty, absolute or has \"..\" or NUL",
               in->id);
        return 0;
    }
    if (!xt_utf8_valid(in->title.p, in->title.len)
        || !xt_utf8_valid(in->ext.p, in->ext.len)
        || !xt_utf8_valid(in->plot.p, in->plot.len)
        || !xt_utf8_valid(in->movie_image.p, in->movie_image.len)
        || !xt_utf8_valid(in->release_date.p, in->release_date.len)
        || !xt_utf8_valid(in->rating.p, in->rating.len))
    {
        xt_log(XT_LOG_WARN, "episode %u left out: a text field is not "
               "valid UTF-8", in->id);
        return 0;
    }
    return 1;
}


int
xt_cat_series(xt_cat_t *c)
{
    xt_tab_t            s, sn, e;
    xt_series_in_t      in;
    xt_season_in_t     *seasons = NULL;
    xt_episode_in_t    *eps = NULL;
    size_t             *eprow = NULL;
    xt_snap_series_t   *recs = NULL, *sr;
    xt_snap_episode_t  *erecs = NULL, *er;
    xt_snap_str_t       json;
    xt_sv_t             catname, path;
    size_t              i, j, k, scap = 0, ecap = 0, rcap = 0, ercap = 0,
                        idcap = 0, rcap2 = 0, js = 0, je = 0, nsn, nep;
    uint32_t            sid;
    int                 rc = -1;

    memset(&s, 0, sizeof(s));
    memset(&sn, 0, sizeof(sn));
    memset(&e, 0, sizeof(e));
    if (xt_tab_load(c, "SELECT s.id, s.name, s.category_id, s.cover, s.plot, "
                    "s.cast, s.director, s.genre, s.release_date, s.rating, "
                    "s.backdrop_json, s.youtube_trailer, s.episode_run_time, "
                    "s.tmdb_id, s.last_modified, c.name FROM series s "
                    "LEFT JOIN categories c ON c.id = s.category_id "
                    "WHERE s.enabled = 1 ORDER BY s.id",
                    xt_series_caps, S_NCOLS, &s) != 0
        || xt_tab_load(c, "SELECT series_id, season_number, name, air_date, "
                       "overview, cover, cover_big FROM series_seasons "
                       "ORDER BY series_id, season_number",
                       xt_season_caps, SN_NCOLS, &sn) != 0
        || xt_tab_load(c, "SELECT id, series_id, season_number, episode_num, "
                       "title, container_extension, path, plot, movie_image, "
                       "release_date, rating, duration_secs, added, "
                       "video_codec, video_width, video_height, audio_codec, "
                       "audio_channels, audio_sample_rate, bitrate_kbps "
                       "FROM episodes "
                       "ORDER BY series_id, season_number, episode_num, id",
                       xt_episode_caps, E_NCOLS, &e) != 0)
    {
        goto out;
    }

    for (i = 0; i < s.nrows; i++) {
        memset(&in, 0, sizeof(in));
        sid = (uint32_t) xt_tab_int(&s, i, S_ID);
        in.id = sid;
        in.category_id = (uint32_t) xt_tab_int(&s, i, S_CAT);
        in.episode_run_time = (uint32_t) xt_tab_int(&s, i, S_RUNTIME);
        in.tmdb_id = (uint32_t) xt_tab_int(&s, i, S_TMDB);
        in.last_modified = xt_tab_int(&s, i, S_LASTMOD);
        in.name = xt_tab_sv(&s, i, S_NAME);
        in.cover = xt_tab_sv(&s, i, S_COVER);
        in.plot = xt_tab_sv(&s, i, S_PLOT);
        in.cast = xt_tab_sv(&s, i, S_CAST);
        in.director = xt_tab_sv(&s, i, S_DIRECTOR);
        in.genre = xt_tab_sv(&s, i, S_GENRE);
        in.release_date = xt_tab_sv(&s, i, S_RELEASE);
        in.rating = xt_tab_sv(&s, i, S_RATING);
        in.backdrop_json = xt_tab_sv(&s, i, S_BACKDROP);
        in.youtube_trailer = xt_tab_sv(&s, i, S_TRAILER);
        catname = xt_tab_sv(&s, i, S_CATNAME);

        /* its seasons and playable episodes (both tables by series id) */
        while (js < sn.nrows && (uint32_t) xt_tab_int(&sn, js, SN_SERIES)
                                < sid)
        {
            js++;
        }
        for (nsn = 0; js < sn.nrows
             && (uint32_t) xt_tab_int(&sn, js, SN_SERIES) == sid; js++)
        {
            if (xt_grow((void **) &seasons, &scap, nsn, sizeof(*seasons))) {
                goto oom;
            }
            seasons[nsn].season_number =
                (uint32_t) xt_tab_int(&sn, js, SN_NUMBER);
            seasons[nsn].name = xt_tab_sv(&sn, js, SN_NAME);
            seasons[nsn].air_date = xt_tab_sv(&sn, js, SN_AIR);
            seasons[nsn].overview = xt_tab_sv(&sn, js, SN_OVERVIEW);
            seasons[nsn].cover = xt_tab_sv(&sn, js, SN_COVER);
            seasons[nsn].cover_big = xt_tab_sv(&sn, js, SN_COVER_BIG);
            nsn++;
        }
        while (je < e.nrows && (uint32_t) xt_tab_int(&e, je, E_SERIES) < sid)
        {
            je++;
        }
        for (nep = 0; je < e.nrows
             && (uint32_t) xt_tab_int(&e, je, E_SERIES) == sid; je++)
        {
            if (xt_grow((void **) &eps, &ecap, nep, sizeof(*eps))
                || xt_grow((void **) &eprow, &rcap2, nep, sizeof(size_t)))
            {
                goto oom;
            }
            if (xt_episode_ok(&e, je, &eps[nep])) {
                eprow[nep++] = je;
            }
        }

        if (xt_render_series_json(c->g, &in) != 0) {
            xt_log(XT_LOG_WARN, "series %u left out: a text field is not "
                   "valid UTF-8", sid);
            continue;
        }
        json = xt_cat_json(c);
        if (xt_render_series_info(c->g, &in, seasons, nsn, eps, nep) != 0) {
            xt_log(XT_LOG_WARN, "series %u left out: a season's text is not "
                   "valid UTF-8", sid);
            continue;
        }
        if (xt_grow((void **) &recs, &rcap, c->nseries, sizeof(*recs)) != 0
            || xt_grow((void **) &c->series_ids, &idcap, c->nseries,
                       sizeof(uint32_t)) != 0)
        {
            goto oom;
        }
        sr = &recs[c->nseries];
        memset(sr, 0, sizeof(*sr));
        c->series_ids[c->nseries++] = sid;
        sr->id = sid;
        sr->category_id = in.category_id;
        sr->nepisodes = (uint32_t) nep;
        sr->name = xt_snap_writer_str(c->w, in.name.p, in.name.len);
        sr->cover = xt_snap_writer_str(c->w, in.cover.p, in.cover.len);
        sr->category_name = xt_snap_writer_str(c->w, catname.p, catname.len);
        sr->json = json;
        sr->info_json = xt_cat_json(c);

        for (k = 0; k < nep; k++) {
            if (xt_grow((void **) &erecs, &ercap, c->nepisodes,
                        sizeof(*erecs)) != 0
                || xt_render_episode_name(&c->name, in.name, eps[k].season,
                                          eps[k].episode_num) != 0
                || xt_render_m3u(&c->line, XT_SV(""),
                                 (xt_sv_t) { c->name.p, c->name.len },
                                 in.cover, catname, 0,
                                 (xt_sv_t) { c->name.p, c->name.len }) != 0)
            {
                goto oom;
            }
            er = &erecs[c->nepisodes++];
            memset(er, 0, sizeof(*er));
            er->id = eps[k].id;
            er->series_id = sid;
            er->season = eps[k].season;
            er->episode_num = eps[k].episode_num;
            er->title = xt_snap_writer_str(c->w, eps[k].title.p,
                                           eps[k].title.len);
            er->ext = xt_snap_writer_str(c->w, eps[k].ext.p, eps[k].ext.len);
            path = xt_tab_sv(&e, eprow[k], E_PATH);
            er->path = xt_snap_writer_str(c->w, path.p, path.len);
            er->m3u = xt_snap_writer_str(c->w, c->line.p, c->line.len);
        }
    }

    if (c->nepisodes) {
        qsort(erecs, c->nepisodes, sizeof(*erecs), xt_ep_cmp);
    }
    for (j = 1; j < c->nepisodes; j++) {
        if (erecs[j].id == erecs[j - 1].id) {   /* the primary key forbids */
            snprintf(c->err, c->errlen, "episode id %u twice", erecs[j].id);
            goto out;
        }
    }
    if (xt_cat_section(c, XT_SEC_SERIES, (uint32_t) c->nseries, recs,
                       c->nseries * sizeof(*recs)) != 0
        || xt_cat_section(c, XT_SEC_EPISODES, (uint32_t) c->nepisodes, erecs,
                          c->nepisodes * sizeof(*erecs)) != 0)
    {
        goto out;
    }
    rc = 0;
    goto out;

oom:
    xt_cat_oom(c);
out:
    xt_tab_free(&s);
    xt_tab_free(&sn);
    xt_tab_free(&e);
    free(seasons);
    free(eps);
    free(eprow);
    free(recs);
    free(erecs);
    return rc;
}
