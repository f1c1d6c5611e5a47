/*
 * The import document's entities: JSON keys, types, limits, defaults (the
 * schema's) and where each field is stored.  Limits are in bytes and never
 * above the column's size.
 */
#include "xt_import.h"

#define ID(k, c, fl)          { k, XT_F_ID, XT_S_COL, c, fl, 1, 4294967295LL, 0, NULL, NULL, NULL }
#define UINT(k, lo, hi, d)    { k, XT_F_UINT, XT_S_COL, k, 0, lo, hi, d, NULL, NULL, NULL }
#define INT(k, fl)            { k, XT_F_INT, XT_S_COL, k, fl, -2147483648LL, 2147483647LL, 0, NULL, NULL, NULL }
#define BOOL(k, d)            { k, XT_F_BOOL, XT_S_COL, k, 0, 0, 1, d, NULL, NULL, NULL }
#define TIME(k)               { k, XT_F_TIME, XT_S_COL, k, 0, 0, 0, 0, NULL, NULL, NULL }
#define STR(k, c, fl, mx, d)  { k, XT_F_STR, XT_S_COL, c, fl, 0, mx, 0, d, NULL, NULL }
#define ENUM(k, fl, d, e)     { k, XT_F_ENUM, XT_S_COL, k, fl, 0, 0, 0, d, e, NULL }

/* what ffprobe reads from a movie's or an episode's file (migration 008) */
#define XT_MEDIA_FIELDS                                                       \
    STR("video_codec", "video_codec", 0, 32, ""),                             \
    UINT("video_width", 0, 100000, 0),                                        \
    UINT("video_height", 0, 100000, 0),                                       \
    STR("audio_codec", "audio_codec", 0, 32, ""),                             \
    UINT("audio_channels", 0, 64, 0),                                         \
    UINT("audio_sample_rate", 0, 1000000, 0),                                 \
    UINT("bitrate_kbps", 0, 10000000, 0)

static const char *const  xt_cat_types[] = { "live", "movie", "series", NULL };
static const char *const  xt_modes[] = { "copy", "abr", NULL };
static const char *const  xt_rates[] = { "auto", "on", "off", NULL };
static const char *const  xt_presets[] = { "ultrafast", "superfast",
    "veryfast", "faster", "fast", "medium", "slow", NULL };
static const char *const  xt_statuses[] = { "active", "disabled", "banned",
    NULL };
static const char *const  xt_outputs[] = { "ts", "m3u8", "rtmp", NULL };


static const xt_field_t  xt_servers_f[] = {
    ID("id", "id", XT_REQ),
    STR("name", "name", XT_REQ, 64, ""),
    STR("host", "host", XT_REQ, 255, ""),
    UINT("http_port", 1, 65535, 80),
    UINT("https_port", 1, 65535, 443),
    UINT("rtmp_port", 1, 65535, 1935),
    BOOL("is_main", 0),
    BOOL("enabled", 1),
};

static const xt_field_t  xt_categories_f[] = {
    ID("id", "id", XT_REQ),
    ENUM("type", XT_REQ, "live", xt_cat_types),
    STR("name", "name", XT_REQ, 255, ""),
    UINT("parent_id", 0, 4294967295LL, 0),
    INT("sort_order", 0),
};

static const xt_field_t  xt_ladder_f[] = {
    STR("name", "name", XT_REQ, 16, ""),
    UINT("height", 16, 4320, 0),
    UINT("video_kbps", 1, 100000, 0),
    UINT("audio_kbps", 8, 1024, 128),
};

static const xt_entity_t  xt_ladder_e = {
    "ladder", NULL, xt_ladder_f, sizeof(xt_ladder_f) / sizeof(xt_field_t), 0
};

static const xt_field_t  xt_profiles_f[] = {
    ID("id", "id", XT_REQ),
    STR("name", "name", XT_REQ, 64, ""),
    ENUM("mode", 0, "copy", xt_modes),
    ENUM("preset", 0, "veryfast", xt_presets),
    { "ladder", XT_F_OBJS, XT_S_JSON, "ladder", XT_NULLABLE, 0, 16, 0, NULL,
      NULL, &xt_ladder_e },
    UINT("segment_seconds", 1, 60, 4),
    UINT("window_segments", 2, 100, 6),
};

static const xt_field_t  xt_streams_f[] = {
    ID("id", "id", XT_REQ),
    STR("name", "name", XT_REQ, 255, ""),
    ID("category_id", "category_id", XT_NULLABLE),
    STR("icon", "icon", 0, 1024, ""),
    STR("epg_channel_id", "epg_channel_id", 0, 255, ""),
    STR("custom_sid", "custom_sid", 0, 64, ""),
    BOOL("is_adult", 0),
    BOOL("tv_archive", 0),
    UINT("tv_archive_duration", 0, 3650, 0),
    ID("transcode_profile_id", "transcode_profile_id", XT_NULLABLE),
    BOOL("on_demand", 0),
    ENUM("read_native_rate", 0, "auto", xt_rates),
    BOOL("source_loop", 1),
    BOOL("enabled", 1),
    INT("sort_order", 0),
    TIME("added"),
    { "sources", XT_F_STRS, XT_S_CHILD, NULL, 0, 0, 2048, 0, NULL, NULL,
      NULL },
    { "stream_key", XT_F_STR, XT_S_SECRET, "stream_key_hash", XT_NULLABLE,
      1, 255, 0, NULL, NULL, NULL },
    { "servers", XT_F_IDS, XT_S_CHILD, NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const xt_field_t  xt_movies_f[] = {
    ID("id", "id", XT_REQ),
    STR("name", "name", XT_REQ, 255, ""),
    ID("category_id", "category_id", XT_NULLABLE),
    STR("icon", "icon", 0, 1024, ""),
    STR("container_extension", "container_extension", 0, 8, "mp4"),
    STR("path", "path", 0, 1024, ""),
    STR("rating", "rating", 0, 8, ""),
    STR("plot", "plot", 0, 65535, ""),
    STR("cast", "cast", 0, 1024, ""),
    STR("director", "director", 0, 255, ""),
    STR("genre", "genre", 0, 255, ""),
    STR("release_date", "release_date", 0, 16, ""),
    UINT("duration_secs", 0, 4294967295LL, 0),
    XT_MEDIA_FIELDS,
    UINT("tmdb_id", 0, 4294967295LL, 0),
    STR("youtube_trailer", "youtube_trailer", 0, 64, ""),
    { "backdrop", XT_F_STRS, XT_S_JSON, "backdrop_json", 0, 0, 2048, 0, NULL,
      NULL, NULL },
    BOOL("is_adult", 0),
    BOOL("enabled", 1),
    INT("sort_order", 0),
    TIME("added"),
};

static const xt_field_t  xt_seasons_f[] = {
    UINT("season_number", 0, 100000, 0),
    STR("name", "name", 0, 255, ""),
    STR("air_date", "air_date", 0, 16, ""),
    STR("overview", "overview", 0, 65535, ""),
    STR("cover", "cover", 0, 1024, ""),
    STR("cover_big", "cover_big", 0, 1024, ""),
};

static const xt_entity_t  xt_seasons_e = {
    "seasons", "series_seasons", xt_seasons_f,
    sizeof(xt_seasons_f) / sizeof(xt_field_t), 0
};

static const xt_field_t  xt_episodes_f[] = {
    ID("id", "id", XT_REQ),
    UINT("season_number", 0, 100000, 0),
    UINT("episode_num", 0, 100000, 0),
    STR("title", "title", 0, 255, ""),
    STR("container_extension", "container_extension", 0, 8, "mp4"),
    STR("path", "path", 0, 1024, ""),
    STR("plot", "plot", 0, 65535, ""),
    STR("movie_image", "movie_image", 0, 1024, ""),
    STR("release_date", "release_date", 0, 16, ""),
    STR("rating", "rating", 0, 8, ""),
    UINT("duration_secs", 0, 4294967295LL, 0),
    XT_MEDIA_FIELDS,
    TIME("added"),
};

static const xt_entity_t  xt_episodes_e = {
    "episodes", "episodes", xt_episodes_f,
    sizeof(xt_episodes_f) / sizeof(xt_field_t), 1
};

static const xt_field_t  xt_series_f[] = {
    ID("id", "id", XT_REQ),
    STR("name", "name", XT_REQ, 255, ""),
    ID("category_id", "category_id", XT_NULLABLE),
    STR("cover", "cover", 0, 1024, ""),
    STR("plot", "plot", 0, 65535, ""),
    STR("cast", "cast", 0, 1024, ""),
    STR("director", "director", 0, 255, ""),
    STR("genre", "genre", 0, 255, ""),
    STR("release_date", "release_date", 0, 16, ""),
    STR("rating", "rating", 0, 8, ""),
    { "backdrop", XT_F_STRS, XT_S_JSON, "backdrop_json", 0, 0, 2048, 0, NULL,
      NULL, NULL },
    STR("youtube_trailer", "youtube_trailer", 0, 64, ""),
    UINT("episode_run_time", 0, 100000, 0),
    UINT("tmdb_id", 0, 4294967295LL, 0),
    BOOL("enabled", 1),
    INT("sort_order", 0),
    TIME("last_modified"),
    { "seasons", XT_F_OBJS, XT_S_CHILD, NULL, 0, 0, 10000, 0, NULL, NULL,
      &xt_seasons_e },
    { "episodes", XT_F_OBJS, XT_S_CHILD, NULL, 0, 0, 100000, 0, NULL, NULL,
      &xt_episodes_e },
};

static const xt_field_t  xt_bouquets_f[] = {
    ID("id", "id", XT_REQ),
    STR("name", "name", XT_REQ, 255, ""),
    INT("sort_order", 0),
    { "live", XT_F_IDS, XT_S_CHILD, NULL, 0, 0, 0, 0, NULL, NULL, NULL },
    { "movies", XT_F_IDS, XT_S_CHILD, NULL, 0, 0, 0, 0, NULL, NULL, NULL },
    { "series", XT_F_IDS, XT_S_CHILD, NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const xt_field_t  xt_lines_f[] = {
    { "username", XT_F_CRED, XT_S_COL, "username", XT_REQ, 0, 64, 0, NULL,
      NULL, NULL },
    { "password", XT_F_CRED, XT_S_PASSWORD, NULL, XT_REQ, 0, 64, 0, NULL,
      NULL, NULL },
    ENUM("status", 0, "active", xt_statuses),
    { "exp_date", XT_F_EXP, XT_S_COL, "exp_date", XT_NULLABLE, 0,
      9223372036854775807LL, 0, NULL, NULL, NULL },
    UINT("max_connections", 0, 1000000, 1),
    { "is_trial", XT_F_BOOL, XT_S_COL, "is_trial", 0, 0, 1, 0, NULL, NULL,
      NULL },
    { "allowed_outputs", XT_F_STRS, XT_S_JOIN, "allowed_outputs", 0, 0, 0,
      0, "ts,m3u8", xt_outputs, NULL },
    { "allowed_ips", XT_F_STRS, XT_S_JOIN, "allowed_ips", XT_NOCOMMA, 0, 64,
      0, "", NULL, NULL },
    { "allowed_uas", XT_F_STRS, XT_S_JOIN, "allowed_uas", XT_NOCOMMA, 0, 255,
      0, "", NULL, NULL },
    STR("message", "message", 0, 1024, ""),
    STR("notes", "notes", 0, 1024, ""),
    { "bouquets", XT_F_IDS, XT_S_CHILD, NULL, 0, 0, 0, 0, NULL, NULL, NULL },
    TIME("created_at"),
};

static const xt_field_t  xt_epg_channels_f[] = {
    STR("id", "epg_channel_id", XT_REQ, 255, ""),
    STR("display_name", "display_name", 0, 255, ""),
    STR("icon", "icon", 0, 1024, ""),
};

static const xt_field_t  xt_epg_programmes_f[] = {
    STR("channel", "epg_channel_id", XT_REQ, 255, ""),
    { "start", XT_F_INT, XT_S_COL, "start", XT_REQ, 0,
      9223372036854775807LL, 0, NULL, NULL, NULL },
    { "stop", XT_F_INT, XT_S_COL, "stop", XT_REQ, 0,
      9223372036854775807LL, 0, NULL, NULL, NULL },
    STR("title", "title", 0, 1024, ""),
    STR("description", "description", 0, 65535, ""),
    STR("lang", "lang", 0, 8, ""),
};

#define E(n, t, f, id)  { n, t, f, sizeof(f) / sizeof(xt_field_t), id }

static const xt_entity_t  xt_e_servers = E("servers", "servers", xt_servers_f, 1);
static const xt_entity_t  xt_e_categories = E("categories", "categories", xt_categories_f, 1);
static const xt_entity_t  xt_e_profiles = E("transcode_profiles", "transcode_profiles", xt_profiles_f, 1);
static const xt_entity_t  xt_e_streams = E("streams", "streams", xt_streams_f, 1);
static const xt_entity_t  xt_e_movies = E("movies", "movies", xt_movies_f, 1);
static const xt_entity_t  xt_e_series = E("series", "series", xt_series_f, 1);
static const xt_entity_t  xt_e_bouquets = E("bouquets", "bouquets", xt_bouquets_f, 1);
static const xt_entity_t  xt_e_lines = E("lines", "lines", xt_lines_f, 0);
static const xt_entity_t  xt_e_epg_ch = E("channels", "epg_channels", xt_epg_channels_f, 0);
static const xt_entity_t  xt_e_epg_pr = E("programmes", "epg_programmes", xt_epg_programmes_f, 0);

const xt_entity_t  *xt_import_entities[XT_E_COUNT] = {
    &xt_e_servers, &xt_e_categories, &xt_e_profiles, &xt_e_streams,
    &xt_e_movies, &xt_e_series, &xt_e_bouquets, &xt_e_lines,
    &xt_e_epg_ch, &xt_e_epg_pr
};
