/*
 * MOVIES: enabled movies sorted by id, streamed row by row; each record
 * carries its get_vod_streams item, its get_vod_info answer and its M3U
 * line.  A movie whose path fails xt_vod_path_ok() or whose text is not
 * valid UTF-8 is left out with a warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_compile_cat.h"
#include "xt_grow.h"
#include "xt_json_gen.h"
#include "xt_log.h"

enum { M_ID, M_NAME, M_CAT, M_ICON, M_EXT, M_PATH, M_RATING, M_PLOT,
       M_CAST, M_DIRECTOR, M_GENRE, M_RELEASE, M_DURATION, M_TMDB,
       M_TRAILER, M_BACKDROP, M_ADULT, M_ADDED, M_CATNAME, M_VCODEC,
       M_WIDTH, M_HEIGHT, M_ACODEC, M_CHANNELS, M_RATE, M_BITRATE };


int
xt_cat_movies(xt_cat_t *c)
{
    MYSQL_STMT       *st;
    xt_row_t          r;
    xt_snap_movie_t  *recs = NULL, *mr;
    xt_movie_in_t     m;
    xt_snap_str_t     json;
    size_t            cap = 0, idcap = 0;
    int               frc, rc = -1;
    static const size_t  caps[] = {
        0, 1024, 0, 4096, 64, 4096, 64, 65535, 4096, 1024, 1024, 64,
        0, 0, 256, 65535, 0, 0, 1024, 128, 0, 0, 128, 0, 0, 0
    };
    unsigned          i;

    xt_row_init(&r);
    st = xt_db_prepare(c->db, "SELECT m.id, m.name, m.category_id, m.icon, "
                       "m.container_extension, m.path, m.rating, m.plot, "
                       "m.cast, m.director, m.genre, m.release_date, "
                       "m.duration_secs, m.tmdb_id, m.youtube_trailer, "
                       "m.backdrop_json, m.is_adult, m.added, c.name, "
                       "m.video_codec, m.video_width, m.video_height, "
                       "m.audio_codec, m.audio_channels, "
                       "m.audio_sample_rate, m.bitrate_kbps "
                       "FROM movies m "
                       "LEFT JOIN categories c ON c.id = m.category_id "
                       "WHERE m.enabled = 1 ORDER BY m.id");
    if (st == NULL) {
        return xt_cat_dbfail(c);
    }
    for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
        if (caps[i] == 0) {
            xt_row_int(&r);
        } else if (xt_row_str(&r, caps[i]) != 0) {
            goto oom;
        }
    }
    if (xt_db_run(c->db, st, NULL) != 0
        || xt_db_bind_row(c->db, st, &r) != 0)
    {
        xt_cat_dbfail(c);
        goto out;
    }
    while ((frc = xt_db_fetch(c->db, st)) == 1) {
        if (!xt_vod_path_ok(r.sval[M_PATH], r.len[M_PATH])) {
            xt_log(XT_LOG_WARN, "movie %lld left out: its path is empty, "
                   "absolute or has \"..\" or NUL", r.ival[M_ID]);
            continue;
        }
        memset(&m, 0, sizeof(m));
        m.id = (uint32_t) r.ival[M_ID];
        m.category_id = r.isnull[M_CAT] ? 0 : (uint32_t) r.ival[M_CAT];
        m.duration_secs = (uint32_t) r.ival[M_DURATION];
        m.tmdb_id = (uint32_t) r.ival[M_TMDB];
        m.is_adult = r.ival[M_ADULT] != 0;
        m.added = r.ival[M_ADDED];
        m.name = xt_cat_sv(&r, M_NAME);
        m.icon = xt_cat_sv(&r, M_ICON);
        m.ext = xt_cat_sv(&r, M_EXT);
        m.rating = xt_cat_sv(&r, M_RATING);
        m.plot = xt_cat_sv(&r, M_PLOT);
        m.cast = xt_cat_sv(&r, M_CAST);
        m.director = xt_cat_sv(&r, M_DIRECTOR);
        m.genre = xt_cat_sv(&r, M_GENRE);
        m.release_date = xt_cat_sv(&r, M_RELEASE);
        m.youtube_trailer = xt_cat_sv(&r, M_TRAILER);
        m.backdrop_json = xt_cat_sv(&r, M_BACKDROP);
        m.media.video_codec = xt_cat_sv(&r, M_VCODEC);
        m.media.width = (uint32_t) r.ival[M_WIDTH];
        m.media.height = (uint32_t) r.ival[M_HEIGHT];
        m.media.audio_codec = xt_cat_sv(&r, M_ACODEC);
        m.media.channels = (uint32_t) r.ival[M_CHANNELS];
        m.media.sample_rate = (uint32_t) r.ival[M_RATE];
        m.media.bitrate_kbps = (uint32_t) r.ival[M_BITRATE];
        if (m.ext.len == 0 || xt_render_movie_json(c->g, &m) != 0) {
            xt_log(XT_LOG_WARN, "movie %lld left out: no container "
                   "extension, or a text field is not valid UTF-8",
                   r.ival[M_ID]);
            continue;
        }
        json = xt_cat_json(c);
        if (xt_render_movie_info(c->g, &m) != 0) {
            xt_log(XT_LOG_WARN, "movie %lld left out: a text field is not "
                   "valid UTF-8", r.ival[M_ID]);
            continue;       /* json stays as unreferenced bytes */
        }
        if (xt_grow((void **) &recs, &cap, c->nmovies, sizeof(*recs)) != 0
            || xt_grow((void **) &c->movie_ids, &idcap, c->nmovies,
                       sizeof(uint32_t)) != 0
            || xt_render_m3u(&c->line, XT_SV(""), m.name, m.icon,
                             xt_cat_sv(&r, M_CATNAME), 0, m.name) != 0)
        {
            goto oom;
        }
        mr = &recs[c->nmovies];
        memset(mr, 0, sizeof(*mr));
        c->movie_ids[c->nmovies++] = m.id;
        mr->id = m.id;
        mr->category_id = m.category_id;
        mr->duration_secs = m.duration_secs;
        mr->name = xt_snap_writer_str(c->w, m.name.p, m.name.len);
        mr->icon = xt_snap_writer_str(c->w, m.icon.p, m.icon.len);
        mr->ext = xt_snap_writer_str(c->w, m.ext.p, m.ext.len);
        mr->path = xt_snap_writer_str(c->w, r.sval[M_PATH], r.len[M_PATH]);
        mr->category_name = xt_snap_writer_str(c->w, r.sval[M_CATNAME],
                                   r.isnull[M_CATNAME] ? 0 : r.len[M_CATNAME]);
        mr->json = json;
        mr->info_json = xt_cat_json(c);
        mr->m3u = xt_snap_writer_str(c->w, c->line.p, c->line.len);
    }
    if (frc < 0) {
        xt_cat_dbfail(c);
        goto out;
    }
    rc = xt_cat_section(c, XT_SEC_MOVIES, (uint32_t) c->nmovies, recs,
                        c->nmovies * sizeof(*recs));
    goto out;

oom:
    xt_cat_oom(c);
out:
    free(recs);
    xt_row_free(&r);
    mysql_stmt_close(st);
    return rc;
}
