/* Catalog fragment renderers: key order, JSON types, edge cases. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "xt_json_gen.h"
#include "xt_render.h"
#include "xt_test.h"

/* an episode whose file was never probed */
#define XT_NO_MEDIA  { { NULL, 0 }, { NULL, 0 }, 0, 0, 0, 0, 0 }

#define SV(s)  ((xt_sv_t) { (s), strlen(s) })


static yajl_val
parse_gen(yajl_gen g)
{
    const unsigned char  *buf;
    size_t                len;
    char                 *text, errbuf[128];
    yajl_val              v;

    yajl_gen_get_buf(g, &buf, &len);
    text = malloc(len + 1);
    memcpy(text, buf, len);
    text[len] = '\0';
    v = yajl_tree_parse(text, errbuf, sizeof(errbuf));
    free(text);
    return v;
}


/* keys of object o are exactly keys[] in this order, each of type t[]:
   s string, n integer, d number, a array, o object, z null */
static int
keys_are(yajl_val o, const char *const *keys, const char *t)
{
    size_t  i, n = 0;

    if (!YAJL_IS_OBJECT(o)) {
        return 0;
    }
    while (keys[n]) {
        n++;
    }
    if (o->u.object.len != n || strlen(t) != n) {
        fprintf(stderr, "  key count %zu, want %zu\n", o->u.object.len, n);
        return 0;
    }
    for (i = 0; i < n; i++) {
        yajl_val  v = o->u.object.values[i];
        int       ok;

        if (strcmp(o->u.object.keys[i], keys[i]) != 0) {
            fprintf(stderr, "  key %zu is %s, want %s\n", i,
                    o->u.object.keys[i], keys[i]);
            return 0;
        }
        switch (t[i]) {
        case 's': ok = YAJL_IS_STRING(v); break;
        case 'n': ok = YAJL_IS_INTEGER(v); break;
        case 'd': ok = YAJL_IS_NUMBER(v); break;
        case 'a': ok = YAJL_IS_ARRAY(v); break;
        case 'o': ok = YAJL_IS_OBJECT(v); break;
        case 'z': ok = YAJL_IS_NULL(v); break;
        default: ok = 0;
        }
        if (!ok) {
            fprintf(stderr, "  key %s has the wrong type (want %c)\n",
                    keys[i], t[i]);
            return 0;
        }
    }
    return 1;
}


static const char *
str_of(yajl_val o, const char *key)
{
    const char  *path[] = { key, NULL };
    yajl_val     v = yajl_tree_get(o, path, yajl_t_string);

    return v ? YAJL_GET_STRING(v) : NULL;
}


static void
test_movie(void)
{
    static const char *const  item_keys[] = {
        "name", "stream_type", "stream_id", "stream_icon", "rating",
        "rating_5based", "added", "is_adult", "category_id", "category_ids",
        "container_extension", "custom_sid", "direct_source", "title", "year",
        "plot", "cast", "director", "genre", "release_date",
        "youtube_trailer", "episode_run_time", "tmdb", NULL
    };
    static const char *const  top_keys[] = { "info", "movie_data", NULL };
    static const char *const  md_keys[] = {
        "stream_id", "name", "title", "year", "added", "category_id",
        "category_ids", "container_extension", "custom_sid", "direct_source",
        NULL
    };
    const char       *p1[] = { "info", "backdrop_path", NULL };
    const char       *p2[] = { "info", "tmdb_id", NULL };
    const char       *p3[] = { "info", "duration", NULL };
    const char       *p4[] = { "info", "duration_secs", NULL };
    const char       *p5[] = { "info", "bitrate", NULL };
    const char       *p6[] = { "movie_data", NULL };
    xt_movie_in_t     m;
    yajl_gen          g = xt_gen_new();
    yajl_val          v, b;
    const unsigned char  *buf;
    size_t            len;

    memset(&m, 0, sizeof(m));
    m.id = 42;
    m.category_id = 5;
    m.duration_secs = 3725;
    m.tmdb_id = 603;
    m.added = 1700000000;
    m.name = SV("The \"Film\" \xc3\xa9t\xc3\xa9");
    m.icon = SV("http://img/x.jpg");
    m.ext = SV("mkv");
    m.rating = SV("7.1");
    m.release_date = SV("1999-03-31");
    m.backdrop_json = SV("[\"http://img/b1.jpg\",3,\"http://img/b2.jpg\"]");

    CHECK(xt_render_movie_json(g, &m) == 0);
    yajl_gen_get_buf(g, &buf, &len);
    CHECK(len > 9 && memcmp(buf, "{\"name\":", 8) == 0);
    CHECK(memmem(buf, len, "\"rating_5based\":3.6,", 20) != NULL);
    v = parse_gen(g);
    CHECK(keys_are(v, item_keys, "ssnssdsnsa" "sss" "ssssssssss"));
    CHECK(str_of(v, "year") && strcmp(str_of(v, "year"), "1999") == 0);
    CHECK(str_of(v, "episode_run_time")
          && strcmp(str_of(v, "episode_run_time"), "62") == 0);
    CHECK(str_of(v, "added") && strcmp(str_of(v, "added"), "1700000000") == 0);
    yajl_tree_free(v);

    CHECK(xt_render_movie_info(g, &m) == 0);
    v = parse_gen(g);
    CHECK(keys_are(v, top_keys, "oo"));
    b = yajl_tree_get(v, p1, yajl_t_array);
    CHECK(b && b->u.array.len == 2);
    CHECK(yajl_tree_get(v, p2, yajl_t_number) != NULL
          && YAJL_GET_INTEGER(yajl_tree_get(v, p2, yajl_t_number)) == 603);
    b = yajl_tree_get(v, p3, yajl_t_string);
    CHECK(b != NULL && strcmp(b->u.string, "01:02:05") == 0);
    CHECK(yajl_tree_get(v, p4, yajl_t_number) != NULL);
    CHECK(yajl_tree_get(v, p5, yajl_t_number) != NULL);
    CHECK(keys_are(yajl_tree_get(v, p6, yajl_t_object), md_keys,
                   "nsssssasss"));
    yajl_tree_free(v);

    /* no category: null and []; odd backdrop forms give arrays */
    m.category_id = 0;
    m.rating = SV("");
    m.backdrop_json = SV("http://img/single.jpg");
    CHECK(xt_render_movie_json(g, &m) == 0);
    v = parse_gen(g);
    {
        const char  *pc[] = { "category_id", NULL };
        const char  *pi[] = { "category_ids", NULL };
        const char  *pr[] = { "rating_5based", NULL };
        CHECK(YAJL_IS_NULL(yajl_tree_get(v, pc, yajl_t_any)));
        CHECK(yajl_tree_get(v, pi, yajl_t_array)->u.array.len == 0);
        CHECK(YAJL_IS_NUMBER(yajl_tree_get(v, pr, yajl_t_any)));
    }
    yajl_tree_free(v);
    CHECK(xt_render_movie_info(g, &m) == 0);
    v = parse_gen(g);
    b = yajl_tree_get(v, p1, yajl_t_array);
    CHECK(b && b->u.array.len == 1);
    yajl_tree_free(v);
    m.backdrop_json = SV("[not json");
    CHECK(xt_render_movie_info(g, &m) == 0);
    v = parse_gen(g);
    b = yajl_tree_get(v, p1, yajl_t_array);
    CHECK(b && b->u.array.len == 0);
    yajl_tree_free(v);

    /* invalid UTF-8 fails the render */
    m.plot = SV("bad \xff byte");
    CHECK(xt_render_movie_json(g, &m) != 0);
    yajl_gen_free(g);
}


static const char *const  xt_series_item_keys[] = {
    "name", "stream_type", "series_id", "cover", "plot", "cast", "director",
    "genre", "releaseDate", "release_date", "last_modified", "rating",
    "rating_5based", "backdrop_path", "youtube_trailer", "episode_run_time",
    "category_id", "category_ids", NULL
};
static const char *const  xt_series_info_keys[] = {
    "name", "cover", "plot", "cast", "director", "genre", "releaseDate",
    "release_date", "last_modified", "rating", "rating_5based",
    "backdrop_path", "youtube_trailer", "episode_run_time", "category_id",
    "category_ids", NULL
};
static const char *const  xt_season_keys[] = {
    "air_date", "episode_count", "id", "name", "overview", "season_number",
    "cover", "cover_big", NULL
};
static const char *const  xt_episode_keys[] = {
    "id", "episode_num", "title", "container_extension", "info",
    "custom_sid", "added", "season", "direct_source", NULL
};
static const char *const  xt_ep_info_keys[] = {
    "movie_image", "plot", "releasedate", "rating", "duration_secs",
    "duration", "video", "audio", "bitrate", NULL
};
static const char *const  xt_video_keys[] = {
    "codec_name", "codec_type", "width", "height", NULL
};
static const char *const  xt_audio_keys[] = {
    "codec_name", "codec_type", "sample_rate", "channels", NULL
};


static void
test_series(void)
{
    static const char *const  top[] = { "seasons", "info", "episodes", NULL };
    xt_series_in_t   s;
    xt_season_in_t   sn[2];
    xt_episode_in_t  ep[4];
    yajl_gen         g = xt_gen_new();
    yajl_val         v, seasons, eps, list;
    const char      *ps[] = { "seasons", NULL };
    const char      *pe[] = { "episodes", NULL };
    const char      *pi[] = { "info", NULL };
    size_t           i;

    memset(&s, 0, sizeof(s));
    memset(sn, 0, sizeof(sn));
    memset(ep, 0, sizeof(ep));
    s.id = 7;
    s.category_id = 3;
    s.name = SV("Show");
    s.cover = SV("http://img/c.jpg");
    s.rating = SV("8");
    s.episode_run_time = 42;
    s.last_modified = 1700000000;

    CHECK(xt_render_series_json(g, &s) == 0);
    v = parse_gen(g);
    CHECK(keys_are(v, xt_series_item_keys, "ssn" "sssssssss" "dasssa"));
    yajl_tree_free(v);

    /* no episodes at all: seasons [] and episodes {} */
    CHECK(xt_render_series_info(g, &s, NULL, 0, NULL, 0) == 0);
    v = parse_gen(g);
    CHECK(keys_are(v, top, "aoo"));
    CHECK(yajl_tree_get(v, ps, yajl_t_array)->u.array.len == 0);
    CHECK(YAJL_IS_OBJECT(yajl_tree_get(v, pe, yajl_t_any))
          && yajl_tree_get(v, pe, yajl_t_any)->u.object.len == 0);
    CHECK(keys_are(yajl_tree_get(v, pi, yajl_t_any), xt_series_info_keys,
                   "s" "sssssssss" "dasssa"));
    yajl_tree_free(v);

    /* season 0, season 1 from series_seasons, season 2 synthesised, and a
       series_seasons row (5) without episodes that must not appear */
    sn[0].season_number = 1;
    sn[0].name = SV("Season One");
    sn[0].cover = SV("http://img/s1.jpg");
    sn[1].season_number = 5;
    ep[0] = (xt_episode_in_t) { 10, 0, 1, 60, 1, SV("Special"), SV("mp4"),
                                SV(""), SV(""), SV(""), SV(""), XT_NO_MEDIA };
    ep[1] = (xt_episode_in_t) { 11, 1, 1, 2520, 2, SV("Pilot"), SV("mp4"),
                                SV("p"), SV(""), SV("2020-01-01"), SV("7"), XT_NO_MEDIA };
    ep[2] = (xt_episode_in_t) { 12, 1, 2, 2520, 3, SV("Two"), SV("mkv"),
                                SV(""), SV(""), SV(""), SV(""), XT_NO_MEDIA };
    ep[3] = (xt_episode_in_t) { 20, 2, 1, 0, 4, SV("Back"), SV("mp4"),
                                SV(""), SV(""), SV(""), SV(""), XT_NO_MEDIA };
    ep[1].media = (xt_media_in_t) { SV("h264"), SV("aac"), 640, 360, 2,
                                    48000, 700 };
    CHECK(xt_render_series_info(g, &s, sn, 2, ep, 4) == 0);
    v = parse_gen(g);
    seasons = yajl_tree_get(v, ps, yajl_t_array);
    eps = yajl_tree_get(v, pe, yajl_t_object);
    CHECK(seasons && seasons->u.array.len == 3);
    CHECK(eps && eps->u.object.len == 3);
    if (seasons && eps && seasons->u.array.len == 3
        && eps->u.object.len == 3)
    {
        CHECK(strcmp(eps->u.object.keys[0], "0") == 0);
        CHECK(strcmp(eps->u.object.keys[1], "1") == 0);
        CHECK(strcmp(eps->u.object.keys[2], "2") == 0);
        for (i = 0; i < 3; i++) {
            const char  *pn[] = { "season_number", NULL };
            yajl_val     se = seasons->u.array.values[i];
            CHECK(keys_are(se, xt_season_keys, "snnssnss"));
            CHECK(YAJL_GET_INTEGER(yajl_tree_get(se, pn, yajl_t_number))
                  == (long long) i);
        }
        CHECK(strcmp(str_of(seasons->u.array.values[0], "name"),
                     "Specials") == 0);
        CHECK(strcmp(str_of(seasons->u.array.values[1], "name"),
                     "Season One") == 0);
        CHECK(strcmp(str_of(seasons->u.array.values[1], "cover_big"),
                     "http://img/s1.jpg") == 0);
        CHECK(strcmp(str_of(seasons->u.array.values[2], "name"),
                     "Season 2") == 0);
        CHECK(strcmp(str_of(seasons->u.array.values[2], "cover"),
                     "http://img/c.jpg") == 0);
        list = eps->u.object.values[1];
        CHECK(YAJL_IS_ARRAY(list) && list->u.array.len == 2);
        if (YAJL_IS_ARRAY(list) && list->u.array.len == 2) {
            yajl_val  e = list->u.array.values[0];
            CHECK(keys_are(e, xt_episode_keys, "snssossns"));
            yajl_val  in = e->u.object.values[4], md;
            CHECK(keys_are(in, xt_ep_info_keys, "ssssnsoon"));
            md = in->u.object.values[6];
            CHECK(keys_are(md, xt_video_keys, "ssnn"));
            CHECK(strcmp(str_of(md, "codec_name"), "h264") == 0);
            CHECK(YAJL_GET_INTEGER(md->u.object.values[3]) == 360);
            md = in->u.object.values[7];
            CHECK(keys_are(md, xt_audio_keys, "sssn"));
            CHECK(strcmp(str_of(md, "sample_rate"), "48000") == 0);
            CHECK(YAJL_GET_INTEGER(in->u.object.values[8]) == 700);
            /* unknown media: {} (episode 12) */
            in = list->u.array.values[1]->u.object.values[4];
            CHECK(keys_are(in, xt_ep_info_keys, "ssssnsoon"));
            CHECK(in->u.object.values[6]->u.object.len == 0
                  && in->u.object.values[7]->u.object.len == 0);
            CHECK(strcmp(str_of(e, "id"), "11") == 0);
            CHECK(strcmp(str_of(e->u.object.values[4], "duration"),
                         "00:42:00") == 0);
        }
    }
    yajl_tree_free(v);
    yajl_gen_free(g);
}


static void
test_m3u(void)
{
    xt_buf_t  b = { NULL, 0, 0 };

    CHECK(xt_render_m3u(&b, SV("bbc1.uk"), SV("BBC \"One\"\r\nHD"),
                        SV("http://i/\"x\".png"), SV("News\n"), 0,
                        SV("BBC \"One\"\r\nHD")) == 0);
    CHECK(b.len == strlen("#EXTINF:-1 tvg-id=\"bbc1.uk\" tvg-name=\"BBC One"
                          "HD\" tvg-logo=\"http://i/x.png\" group-title="
                          "\"News\",BBC \"One\"HD")
          && memcmp(b.p, "#EXTINF:-1 tvg-id=\"bbc1.uk\" tvg-name=\"BBC OneHD\" "
                    "tvg-logo=\"http://i/x.png\" group-title=\"News\",BBC "
                    "\"One\"HD", b.len) == 0);
    CHECK(xt_render_m3u(&b, SV("s.uk"), SV("S"), SV(""), SV("Sport"), 3,
                        SV("S")) == 0);
    CHECK(b.len == strlen("#EXTINF:-1 tvg-id=\"s.uk\" tvg-name=\"S\" tvg-logo="
                          "\"\" group-title=\"Sport\" catchup=\"xc\" "
                          "catchup-days=\"3\" timeshift=\"3\",S")
          && memcmp(b.p, "#EXTINF:-1 tvg-id=\"s.uk\" tvg-name=\"S\" tvg-logo="
                    "\"\" group-title=\"Sport\" catchup=\"xc\" "
                    "catchup-days=\"3\" timeshift=\"3\",S", b.len) == 0);
    CHECK(xt_render_episode_name(&b, SV("Show"), 0, 12) == 0);
    CHECK(b.len == 12 && memcmp(b.p, "Show S00 E12", 12) == 0);
    xt_buf_free(&b);
}


static void
test_paths_and_numbers(void)
{
    CHECK(xt_vod_path_ok("vod/movie1.mp4", 14));
    CHECK(xt_vod_path_ok("a..b/c.mkv", 10));
    CHECK(xt_vod_path_ok("./a.mp4", 7));
    CHECK(!xt_vod_path_ok("", 0));
    CHECK(!xt_vod_path_ok("/etc/passwd", 11));
    CHECK(!xt_vod_path_ok("..", 2));
    CHECK(!xt_vod_path_ok("../a.mp4", 8));
    CHECK(!xt_vod_path_ok("a/../../b.mp4", 13));
    CHECK(!xt_vod_path_ok("a/..", 4));
    CHECK(!xt_vod_path_ok("a\0b.mp4", 7));

    CHECK(xt_rating5_tenths("7.1", 3) == 36);
    CHECK(xt_rating5_tenths("7", 1) == 35);
    CHECK(xt_rating5_tenths("6.3", 3) == 32);
    CHECK(xt_rating5_tenths("10", 2) == 50);
    CHECK(xt_rating5_tenths("12", 2) == 50);
    CHECK(xt_rating5_tenths("", 0) == 0);
    CHECK(xt_rating5_tenths("abc", 3) == 0);
    CHECK(xt_rating5_tenths("8.25", 4) == 41);

    CHECK(xt_utf8_valid("plain", 5));
    CHECK(xt_utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x93\xba", 9));
    CHECK(!xt_utf8_valid("\xc0\xaf", 2));           /* overlong */
    CHECK(!xt_utf8_valid("\xed\xa0\x80", 3));       /* surrogate */
    CHECK(!xt_utf8_valid("\xe2\x82", 2));           /* truncated */
    CHECK(!xt_utf8_valid("\xff", 1));
}


void
test_render(void)
{
    test_movie();
    test_series();
    test_m3u();
    test_paths_and_numbers();
}
