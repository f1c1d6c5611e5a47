/*
 * Movies: the get_vod_streams item (without "num") and the whole
 * get_vod_info answer.  Key order and JSON types follow
 * the XC answers (docs/API-CHOICES.md; XC2 keys first, XUI-era additions
 * after); the same key has the same type in every item.
 */
#include "xt_json_gen.h"
#include "xt_render.h"

#define K(k)  xt_gen_key(g, k)
#define S(v)  xt_gen_strn(g, (v).p, (v).len)
#define E()   xt_gen_strn(g, "", 0)


static int
xt_movie_category(yajl_gen g, const xt_movie_in_t *m)
{
    return K("category_id")
           || (m->category_id ? xt_gen_digits(g, m->category_id)
                              : yajl_gen_null(g))
           || K("category_ids") || yajl_gen_array_open(g)
           || (m->category_id ? xt_gen_ullong(g, m->category_id)
                              : yajl_gen_status_ok)
           || yajl_gen_array_close(g);
}


int
xt_render_media_keys(yajl_gen g, const xt_media_in_t *md)
{
    return K("video") || yajl_gen_map_open(g)
        || (md->video_codec.len
            && (K("codec_name") || S(md->video_codec)
                || K("codec_type") || xt_gen_cstr(g, "video")
                || K("width") || xt_gen_ullong(g, md->width)
                || K("height") || xt_gen_ullong(g, md->height)))
        || yajl_gen_map_close(g)
        || K("audio") || yajl_gen_map_open(g)
        || (md->audio_codec.len
            && (K("codec_name") || S(md->audio_codec)
                || K("codec_type") || xt_gen_cstr(g, "audio")
                || K("sample_rate") || xt_gen_digits(g, md->sample_rate)
                || K("channels") || xt_gen_ullong(g, md->channels)))
        || yajl_gen_map_close(g)
        || K("bitrate") || xt_gen_ullong(g, md->bitrate_kbps);
}


int
xt_render_movie_json(yajl_gen g, const xt_movie_in_t *m)
{
    xt_gen_restart(g);
    return (yajl_gen_map_open(g)
        || K("name") || S(m->name)
        || K("stream_type") || xt_gen_cstr(g, "movie")
        || K("stream_id") || xt_gen_ullong(g, m->id)
        || K("stream_icon") || S(m->icon)
        || K("rating") || S(m->rating)
        || K("rating_5based") || xt_gen_rating5(g, m->rating.p, m->rating.len)
        || K("added") || xt_gen_digits(g, m->added)
        || K("is_adult") || yajl_gen_integer(g, m->is_adult ? 1 : 0)
        || xt_movie_category(g, m)
        || K("container_extension") || S(m->ext)
        || K("custom_sid") || E()
        || K("direct_source") || E()
        || K("title") || S(m->name)
        || K("year") || xt_gen_year(g, m->release_date.p, m->release_date.len)
        || K("plot") || S(m->plot)
        || K("cast") || S(m->cast)
        || K("director") || S(m->director)
        || K("genre") || S(m->genre)
        || K("release_date") || S(m->release_date)
        || K("youtube_trailer") || S(m->youtube_trailer)
        || K("episode_run_time") || xt_gen_digits(g, m->duration_secs / 60)
        || K("tmdb") || xt_gen_digits_or_empty(g, m->tmdb_id)
        || yajl_gen_map_close(g)) ? -1 : 0;
}


int
xt_render_movie_info(yajl_gen g, const xt_movie_in_t *m)
{
    xt_gen_restart(g);
    return (yajl_gen_map_open(g)
        || K("info") || yajl_gen_map_open(g)
        || K("kinopoisk_url") || E()
        || K("tmdb_id") || xt_gen_ullong(g, m->tmdb_id)
        || K("name") || S(m->name)
        || K("o_name") || S(m->name)
        || K("cover_big") || S(m->icon)
        || K("movie_image") || S(m->icon)
        || K("releasedate") || S(m->release_date)
        || K("release_date") || S(m->release_date)
        || K("episode_run_time") || xt_gen_ullong(g, m->duration_secs / 60)
        || K("youtube_trailer") || S(m->youtube_trailer)
        || K("director") || S(m->director)
        || K("actors") || S(m->cast)
        || K("cast") || S(m->cast)
        || K("description") || S(m->plot)
        || K("plot") || S(m->plot)
        || K("age") || E()
        || K("mpaa_rating") || E()
        || K("rating_count_kinopoisk") || yajl_gen_integer(g, 0)
        || K("country") || E()
        || K("genre") || S(m->genre)
        || K("backdrop_path")
        || xt_gen_backdrop(g, m->backdrop_json.p, m->backdrop_json.len)
        || K("duration_secs") || xt_gen_ullong(g, m->duration_secs)
        || K("duration") || xt_gen_duration(g, m->duration_secs)
        || xt_render_media_keys(g, &m->media)
        || K("rating") || S(m->rating)
        || yajl_gen_map_close(g)
        || K("movie_data") || yajl_gen_map_open(g)
        || K("stream_id") || xt_gen_ullong(g, m->id)
        || K("name") || S(m->name)
        || K("title") || S(m->name)
        || K("year") || xt_gen_year(g, m->release_date.p, m->release_date.len)
        || K("added") || xt_gen_digits(g, m->added)
        || xt_movie_category(g, m)
        || K("container_extension") || S(m->ext)
        || K("custom_sid") || E()
        || K("direct_source") || E()
        || yajl_gen_map_close(g)
        || yajl_gen_map_close(g)) ? -1 : 0;
}
