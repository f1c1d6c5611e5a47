/*
 * Pure renderers for the catalog's pre-rendered fragments (no database):
 * get_vod_streams / get_vod_info, get_series / get_series_info, M3U lines,
 * and the VOD path check.  The compilers fill these input structs from
 * their rows; the unit tests fill them by hand.
 */
#ifndef XT_RENDER_H
#define XT_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

/* a string view; p may be NULL when len is 0 */
typedef struct {
    const char  *p;
    size_t       len;
} xt_sv_t;

#define XT_SV(s)  ((xt_sv_t) { (s), sizeof(s) - 1 })

/* a growable byte buffer */
typedef struct {
    char    *p;
    size_t   len;
    size_t   cap;
} xt_buf_t;

int xt_buf_put(xt_buf_t *b, const void *p, size_t n);
void xt_buf_free(xt_buf_t *b);


/* what ffprobe read from a VOD file (sql/migrations/008): "" / 0 unknown */
typedef struct {
    xt_sv_t   video_codec, audio_codec;
    uint32_t  width, height, channels, sample_rate, bitrate_kbps;
} xt_media_in_t;

typedef struct {
    uint32_t  id;
    uint32_t  category_id;       /* 0 = none */
    uint32_t  duration_secs;
    uint32_t  tmdb_id;
    int       is_adult;
    int64_t   added;
    xt_sv_t   name, icon, ext, rating, plot, cast, director, genre,
              release_date, youtube_trailer, backdrop_json;
    xt_media_in_t  media;
} xt_movie_in_t;

typedef struct {
    uint32_t  id;
    uint32_t  category_id;       /* 0 = none */
    uint32_t  episode_run_time;  /* minutes */
    uint32_t  tmdb_id;
    int64_t   last_modified;
    xt_sv_t   name, cover, plot, cast, director, genre, release_date,
              rating, backdrop_json, youtube_trailer;
} xt_series_in_t;

typedef struct {
    uint32_t  season_number;
    xt_sv_t   name, air_date, overview, cover, cover_big;
} xt_season_in_t;

typedef struct {
    uint32_t  id;
    uint32_t  season;
    uint32_t  episode_num;
    uint32_t  duration_secs;
    int64_t   added;
    xt_sv_t   title, ext, plot, movie_image, release_date, rating;
    xt_media_in_t  media;
} xt_episode_in_t;

/* the "video", "audio" (ffprobe-like stream objects, {} when unknown) and
   "bitrate" keys of a movie's or an episode's info: 0 or -1 */
int xt_render_media_keys(yajl_gen g, const xt_media_in_t *md);

/* each renders one complete document into g (restarting it): 0 or -1
   (-1: a text field is not valid UTF-8, or out of memory) */
int xt_render_movie_json(yajl_gen g, const xt_movie_in_t *m);
int xt_render_movie_info(yajl_gen g, const xt_movie_in_t *m);
int xt_render_series_json(yajl_gen g, const xt_series_in_t *s);
/* seasons sorted by season_number (rows without episodes are left out);
   eps sorted by season, then episode_num, then id */
int xt_render_series_info(yajl_gen g, const xt_series_in_t *s,
    const xt_season_in_t *seasons, size_t nseasons,
    const xt_episode_in_t *eps, size_t neps);

/*
 * M3U: b gets (replacing its content)
 *   #EXTINF:-1 tvg-id="ID" tvg-name="NAME" tvg-logo="LOGO" group-title="GROUP"
 *   [ catchup="xc" catchup-days="N" timeshift="N"],TITLE
 * with '"', CR and LF removed from the attribute values and CR/LF from
 * TITLE.  0 or -1 (out of memory).
 */
int xt_render_m3u(xt_buf_t *b, xt_sv_t id, xt_sv_t name, xt_sv_t logo,
    xt_sv_t group, unsigned catchup_days, xt_sv_t title);
/* the same for a live channel, with radio="true" when radio */
int xt_render_m3u_live(xt_buf_t *b, xt_sv_t id, xt_sv_t name, xt_sv_t logo,
    xt_sv_t group, unsigned catchup_days, int radio, xt_sv_t title);

/* "Series S01 E02" into b (replacing its content): 0 or -1 */
int xt_render_episode_name(xt_buf_t *b, xt_sv_t series, unsigned season,
    unsigned episode);

/* a VOD path relative to the VOD root: non-empty, no NUL, no leading "/",
   no ".." component; 1 when acceptable */
int xt_vod_path_ok(const char *p, size_t len);

#endif
