/* /admin/api/profiles: transcode profiles (copy = remux, abr = a ladder
   of rungs, each H.264 or HEVC video with AAC, MP3 or the source's audio). */
#include <stdio.h>
#include <string.h>

#include "xt_json_gen.h"
#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"
#include "admin/xt_admin_sql.h"

static const char *const  xt_prof_modes[] = { "copy", "abr", NULL };
static const char *const  xt_prof_vcodecs[] = { "h264", "hevc", NULL };
static const char *const  xt_prof_acodecs[] = { "aac", "mp3", "copy", NULL };

/* libmp3lame's highest bitrate */
#define XT_PROF_MP3_MAX_KBPS  320
static const char *const  xt_prof_presets[] = {
    "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
    "slower", "veryslow", NULL
};

static const xt_field_t  xt_prof_fields[] = {
    { .name = "name", .col = "name", .type = XF_STR,
      .flags = XF_REQ | XF_UNIQUE | XF_SEARCH, .min = 1, .max = 64 },
    { .name = "mode", .col = "mode", .type = XF_ENUM, .enums = xt_prof_modes },
    { .name = "preset", .col = "preset", .type = XF_ENUM,
      .enums = xt_prof_presets },
    { .name = "segment_seconds", .col = "segment_seconds", .type = XF_INT,
      .min = 1, .max = 30 },
    { .name = "window_segments", .col = "window_segments", .type = XF_INT,
      .min = 2, .max = 100 },
    { .name = "video_codec", .col = "video_codec", .type = XF_ENUM,
      .enums = xt_prof_vcodecs },
    { .name = "audio_codec", .col = "audio_codec", .type = XF_ENUM,
      .enums = xt_prof_acodecs },
    { .name = NULL }
};

static const char *const  xt_prof_extra[] = { "ladder", NULL };


/* one of names[], or absent (*out NULL); else 400 naming the key */
static int
xt_prof_enum(xt_admin_req_t *rq, yajl_val o, const char *key,
    const char *const *names, const char *list, const char **out)
{
    size_t  i;

    if (xt_field_str(rq, o, key, 1, 16, 0, out) != 0) {
        return -1;
    }
    if (*out == NULL) {
        return 0;
    }
    for (i = 0; names[i]; i++) {
        if (strcmp(*out, names[i]) == 0) {
            return 0;
        }
    }
    return xt_admin_err(rq, 400, "bad_field", key, "%s: must be %s", key,
                        list);
}


/* the ladder: null, or 1..6 rungs {name,height,video_kbps,audio_kbps,
   [video_codec],[audio_codec]}; text gets its canonical JSON (caller frees
   the generator) */
static int
xt_prof_ladder(xt_admin_req_t *rq, yajl_val v, yajl_gen *out)
{
    static const char *const  keys[] = {
        "name", "height", "video_kbps", "audio_kbps", "video_codec",
        "audio_codec", NULL
    };
    yajl_gen                  g;
    yajl_val                  it;
    size_t                    i;
    long long                 h, vk, ak;
    const char               *name, *vc, *ac;
    int                       p;
    char                      f[64];

    *out = NULL;
    if (YAJL_IS_NULL(v)) {
        return 0;
    }
    if (!YAJL_IS_ARRAY(v) || v->u.array.len < 1 || v->u.array.len > 6) {
        return xt_admin_err(rq, 400, "bad_field", "ladder",
                            "ladder: an array of 1..6 rungs, or null");
    }
    g = xt_gen_new();
    if (g == NULL) {
        return xt_admin_err(rq, 503, "unavailable", NULL, "out of memory");
    }
    yajl_gen_array_open(g);
    for (i = 0; i < v->u.array.len; i++) {
        it = v->u.array.values[i];
        snprintf(f, sizeof(f), "ladder[%zu]", i);
        if (!YAJL_IS_OBJECT(it)) {
            yajl_gen_free(g);
            return xt_admin_err(rq, 400, "bad_field", f, "%s: an object", f);
        }
        if (xt_fields_only(rq, it, keys) != 0
            || xt_field_str(rq, it, "name", 1, 16, 1, &name) != 0
            || xt_field_int(rq, it, "height", 144, 2160, 1, &h, &p) != 0
            || xt_field_int(rq, it, "video_kbps", 64, 50000, 1, &vk, &p) != 0
            || xt_field_int(rq, it, "audio_kbps", 32, 512, 1, &ak, &p) != 0
            || xt_prof_enum(rq, it, "video_codec", xt_prof_vcodecs,
                            "h264 or hevc", &vc) != 0
            || xt_prof_enum(rq, it, "audio_codec", xt_prof_acodecs,
                            "aac, mp3 or copy", &ac) != 0
            || (ac && strcmp(ac, "mp3") == 0 && ak > XT_PROF_MP3_MAX_KBPS
                && xt_admin_err(rq, 400, "bad_field", "audio_kbps",
                                "audio_kbps: mp3 allows at most %d",
                                XT_PROF_MP3_MAX_KBPS) != 0))
        {
            /* name the rung: ladder[1].height */
            char  sub[260];

            snprintf(sub, sizeof(sub), "%s.%s", f, rq->err_field);
            snprintf(rq->err_field, sizeof(rq->err_field), "%.127s", sub);
            yajl_gen_free(g);
            return -1;
        }
        yajl_gen_map_open(g);
        xt_gen_key(g, "name");
        xt_gen_cstr(g, name);
        xt_gen_key(g, "height");
        yajl_gen_integer(g, h);
        xt_gen_key(g, "video_kbps");
        yajl_gen_integer(g, vk);
        xt_gen_key(g, "audio_kbps");
        yajl_gen_integer(g, ak);
        if (vc) {
            xt_gen_key(g, "video_codec");
            xt_gen_cstr(g, vc);
        }
        if (ac) {
            xt_gen_key(g, "audio_codec");
            xt_gen_cstr(g, ac);
        }
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    *out = g;
    return 0;
}


static int
xt_prof_validate(xt_admin_req_t *rq, long long id, int create)
{
    yajl_val  v = xt_field_get(rq->json, "ladder");
    yajl_gen  g;

    (void) id;
    (void) create;
    if (v == NULL) {
        return 0;
    }
    if (xt_prof_ladder(rq, v, &g) != 0) {
        return -1;
    }
    if (g) {
        yajl_gen_free(g);
    }
    return 0;
}


/* 1 when a stored rung without its own audio_codec has audio_kbps above
   the mp3 limit (the profile's default is mp3), 0 if none, -1 on error */
static int
xt_prof_mp3_over(xt_admin_req_t *rq, long long id)
{
    xt_binds_t  bs;
    xt_row_t    r;
    yajl_val    t = NULL, ak;
    char        err[64];
    size_t      i;
    int         rc, over = 0;

    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    xt_row_init(&r);
    xt_row_str(&r, 65535);
    rc = xt_sql_row(rq, "SELECT ladder FROM transcode_profiles WHERE id = ?",
                    &bs, &r);
    if (rc == 1 && !r.isnull[0]) {
        r.sval[0][r.len[0]] = '\0';
        t = yajl_tree_parse(r.sval[0], err, sizeof(err));
    }
    for (i = 0; t && YAJL_IS_ARRAY(t) && i < t->u.array.len; i++) {
        yajl_val  it = t->u.array.values[i];

        ak = xt_field_get(it, "audio_kbps");
        if (xt_field_get(it, "audio_codec") == NULL && ak
            && YAJL_IS_INTEGER(ak)
            && YAJL_GET_INTEGER(ak) > XT_PROF_MP3_MAX_KBPS)
        {
            over = 1;
        }
    }
    if (t) {
        yajl_tree_free(t);
    }
    xt_row_free(&r);
    return rc < 0 ? -1 : over;
}


/* after the write: abr needs a ladder, copy has none (checked on the row,
   so a PATCH of only one of them is judged against the other) */
static int
xt_prof_store(xt_admin_req_t *rq, long long id, int create)
{
    yajl_val              v = xt_field_get(rq->json, "ladder");
    yajl_gen              g = NULL;
    const unsigned char  *buf;
    size_t                len;
    xt_binds_t            bs;
    xt_row_t              r;
    int                   rc;

    (void) create;
    if (v) {
        (void) xt_prof_ladder(rq, v, &g);
        xt_binds_reset(&bs);
        if (g) {
            yajl_gen_get_buf(g, &buf, &len);
            xt_bind_str(&bs, buf, len);
        } else {
            xt_bind_null(&bs);
        }
        xt_bind_int(&bs, id);
        rc = xt_sql_exec(rq, "UPDATE transcode_profiles SET ladder = ? "
                         "WHERE id = ?", &bs, NULL) < 0 ? -1 : 0;
        if (g) {
            yajl_gen_free(g);
        }
        if (rc != 0) {
            return -1;
        }
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    xt_row_init(&r);
    xt_row_str(&r, 8);
    xt_row_int(&r);
    xt_row_str(&r, 8);
    xt_row_str(&r, 8);
    /* a rung without its own audio_codec takes the profile's: an mp3
       default must fit every such rung's bitrate */
    rc = xt_sql_row(rq, "SELECT mode, ladder IS NOT NULL, video_codec, "
                    "audio_codec FROM transcode_profiles WHERE id = ?",
                    &bs, &r);
    if (rc == 1) {
        int abr = r.len[0] == 3 && memcmp(r.sval[0], "abr", 3) == 0;
        int h264 = r.len[2] == 4 && memcmp(r.sval[2], "h264", 4) == 0;
        int aac = r.len[3] == 3 && memcmp(r.sval[3], "aac", 3) == 0;
        int mp3 = r.len[3] == 3 && memcmp(r.sval[3], "mp3", 3) == 0;

        if (!abr && !h264) {
            rc = xt_admin_err(rq, 400, "bad_field", "video_codec",
                              "video_codec: only mode abr encodes video "
                              "(copy keeps the source's)");
        } else if (!abr && !aac) {
            rc = xt_admin_err(rq, 400, "bad_field", "audio_codec",
                              "audio_codec: only mode abr encodes audio "
                              "(copy keeps the source's)");
        } else if (mp3 && (rc = xt_prof_mp3_over(rq, id)) != 0) {
            rc = rc < 0 ? -1 : xt_admin_err(rq, 400, "bad_field",
                              "audio_codec", "audio_codec: mp3 allows at "
                              "most %d kbps; a rung without its own "
                              "audio_codec asks for more",
                              XT_PROF_MP3_MAX_KBPS);
        } else if (abr && !r.ival[1]) {
            rc = xt_admin_err(rq, 400, "bad_field", "ladder",
                              "ladder: required when mode is abr");
        } else if (!abr && r.ival[1]) {
            rc = xt_admin_err(rq, 400, "bad_field", "ladder",
                              "ladder: must be null when mode is copy");
        } else {
            rc = 0;
        }
    } else {
        rc = -1;
    }
    xt_row_free(&r);
    return rc;
}


static int
xt_prof_emit(xt_admin_req_t *rq, long long id)
{
    xt_binds_t  bs;
    xt_row_t    r;
    yajl_val    t = NULL;
    char        err[64];
    int         rc;

    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    xt_row_init(&r);
    xt_row_str(&r, 65535);
    rc = xt_sql_row(rq, "SELECT ladder FROM transcode_profiles WHERE id = ?",
                    &bs, &r);
    if (rc == 1 && !r.isnull[0]) {
        r.sval[0][r.len[0]] = '\0';
        t = yajl_tree_parse(r.sval[0], err, sizeof(err));
    }
    xt_gen_key(rq->g, "ladder");
    xt_gen_tree(rq->g, t);
    if (t) {
        yajl_tree_free(t);
    }
    xt_row_free(&r);
    return rc < 0 ? -1 : 0;
}


static int
xt_prof_before_delete(xt_admin_req_t *rq, long long id)
{
    xt_binds_t  bs;
    long long   n;

    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    if (xt_sql_int(rq, "SELECT COUNT(*) FROM streams WHERE "
                   "transcode_profile_id = ?", &bs, 0, &n) < 0)
    {
        return -1;
    }
    if (n > 0) {
        return xt_admin_err(rq, 409, "conflict", NULL, "profile %lld is used "
                            "by %lld stream(s)", id, n);
    }
    return 0;
}

static const xt_res_t  xt_prof_res = {
    .name = "profiles",
    .from = "transcode_profiles",
    .table = "transcode_profiles",
    .id_col = "id",
    .fields = xt_prof_fields,
    .extra_keys = xt_prof_extra,
    .order = "id",
    .validate = xt_prof_validate,
    .store = xt_prof_store,
    .emit = xt_prof_emit,
    .before_delete = xt_prof_before_delete,
};


int
xt_admin_profiles(xt_admin_req_t *rq)
{
    return xt_admin_crud(rq, &xt_prof_res);
}
