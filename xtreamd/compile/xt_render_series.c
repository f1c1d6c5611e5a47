/*
 * Series: the get_series item (without "num") and the whole
 * get_series_info answer (docs/API-CHOICES.md).  "episodes" is
 * always an object keyed by season number strings ({} when empty, "0"
 * for specials); "seasons" has exactly one entry per episodes key, taken
 * from series_seasons or synthesised.
 */
#include <stdio.h>

#include "xt_json_gen.h"
#include "xt_render.h"

#define K(k)  xt_gen_key(g, k)
#define S(v)  xt_gen_strn(g, (v).p, (v).len)
#define E()   xt_gen_strn(g, "", 0)


/* the keys shared by the list item and get_series_info's "info" */
static int
xt_series_fields(yajl_gen g, const xt_series_in_t *s, int item)
{
    return K("name") || S(s->name)
        || (item && (K("stream_type") || xt_gen_cstr(g, "series")
                     || K("series_id") || xt_gen_ullong(g, s->id)))
        || K("cover") || S(s->cover)
        || K("plot") || S(s->plot)
        || K("cast") || S(s->cast)
        || K("director") || S(s->director)
        || K("genre") || S(s->genre)
        || K("releaseDate") || S(s->release_date)
        || K("release_date") || S(s->release_date)
        || K("last_modified") || xt_gen_digits(g, s->last_modified)
        || K("rating") || S(s->rating)
        || K("rating_5based") || xt_gen_rating5(g, s->rating.p, s->rating.len)
        || K("backdrop_path")
        || xt_gen_backdrop(g, s->backdrop_json.p, s->backdrop_json.len)
        || K("youtube_trailer") || S(s->youtube_trailer)
        || K("episode_run_time") || xt_gen_digits(g, s->episode_run_time)
        || K("category_id")
        || (s->category_id ? xt_gen_digits(g, s->category_id)
                           : yajl_gen_null(g))
        || K("category_ids") || yajl_gen_array_open(g)
        || (s->category_id ? xt_gen_ullong(g, s->category_id)
                           : yajl_gen_status_ok)
        || yajl_gen_array_close(g);
}


int
xt_render_series_json(yajl_gen g, const xt_series_in_t *s)
{
    xt_gen_restart(g);
    return (yajl_gen_map_open(g) || xt_series_fields(g, s, 1)
            || yajl_gen_map_close(g)) ? -1 : 0;
}


static int
xt_season(yajl_gen g, const xt_series_in_t *s, const xt_season_in_t *row,
    uint32_t number, size_t count)
{
    char     name[32];
    xt_sv_t  nm;

    if (row && row->name.len) {
        nm = row->name;
    } else {
        nm.len = (size_t) (number ? snprintf(name, sizeof(name), "Season %u",
                                             number)
                                  : snprintf(name, sizeof(name), "Specials"));
        nm.p = name;
    }
    return yajl_gen_map_open(g)
        || K("air_date") || (row ? S(row->air_date) : E())
        || K("episode_count") || xt_gen_ullong(g, count)
        || K("id") || xt_gen_ullong(g, number)
        || K("name") || S(nm)
        || K("overview") || (row ? S(row->overview) : E())
        || K("season_number") || xt_gen_ullong(g, number)
        || K("cover") || (row && row->cover.len ? S(row->cover) : S(s->cover))
        || K("cover_big")
        || (row && row->cover_big.len ? S(row->cover_big)
            : row && row->cover.len ? S(row->cover) : S(s->cover))
        || yajl_gen_map_close(g);
}


static int
xt_episode(yajl_gen g, const xt_episode_in_t *e)
{
    char  id[16];
    int   n = snprintf(id, sizeof(id), "%u", e->id);

    return yajl_gen_map_open(g)
        || K("id") || xt_gen_strn(g, id, (size_t) n)
        || K("episode_num") || xt_gen_ullong(g, e->episode_num)
        || K("title") || S(e->title)
        || K("container_extension") || S(e->ext)
        || K("info") || yajl_gen_map_open(g)
        || K("movie_image") || S(e->movie_image)
        || K("plot") || S(e->plot)
        || K("releasedate") || S(e->release_date)
        || K("rating") || S(e->rating)
        || K("duration_secs") || xt_gen_ullong(g, e->duration_secs)
        || K("duration") || xt_gen_duration(g, e->duration_secs)
        || xt_render_media_keys(g, &e->media)
        || yajl_gen_map_close(g)
        || K("custom_sid") || E()
        || K("added") || xt_gen_digits(g, e->added)
        || K("season") || xt_gen_ullong(g, e->season)
        || K("direct_source") || E()
        || yajl_gen_map_close(g);
}


int
xt_render_series_info(yajl_gen g, const xt_series_in_t *s,
    const xt_season_in_t *seasons, size_t nseasons,
    const xt_episode_in_t *eps, size_t neps)
{
    size_t                 i, j, k = 0;
    const xt_season_in_t  *row;
    char                   key[16];
    int                    n;

    xt_gen_restart(g);
    if (yajl_gen_map_open(g) || K("seasons") || yajl_gen_array_open(g)) {
        return -1;
    }
    /* one season per run of episodes with the same season number */
    for (i = 0; i < neps; i = j) {
        for (j = i; j < neps && eps[j].season == eps[i].season; j++) {
            /* count the run */
        }
        while (k < nseasons && seasons[k].season_number < eps[i].season) {
            k++;
        }
        row = (k < nseasons && seasons[k].season_number == eps[i].season)
              ? &seasons[k] : NULL;
        if (xt_season(g, s, row, eps[i].season, j - i)) {
            return -1;
        }
    }
    if (yajl_gen_array_close(g)
        || K("info") || yajl_gen_map_open(g) || xt_series_fields(g, s, 0)
        || yajl_gen_map_close(g)
        || K("episodes") || yajl_gen_map_open(g))
    {
        return -1;
    }
    for (i = 0; i < neps; i++) {
        if (i == 0 || eps[i].season != eps[i - 1].season) {
            if (i && yajl_gen_array_close(g)) {
                return -1;
            }
            n = snprintf(key, sizeof(key), "%u", eps[i].season);
            if (xt_gen_strn(g, key, (size_t) n) || yajl_gen_array_open(g)) {
                return -1;
            }
        }
        if (xt_episode(g, &eps[i])) {
            return -1;
        }
    }
    if ((neps && yajl_gen_array_close(g))
        || yajl_gen_map_close(g) || yajl_gen_map_close(g))
    {
        return -1;
    }
    return 0;
}
