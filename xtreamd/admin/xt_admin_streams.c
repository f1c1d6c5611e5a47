/*
 * /admin/api/streams: live channels, their sources (failover order),
 * server placement, RTMP push key (write-only, stored salted+hashed), the
 * live status of this server's worker (stream_status) and the start, stop
 * and restart actions, queued in stream_commands for the supervisor.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "xt_json_gen.h"
#include "xt_secret.h"
#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"
#include "admin/xt_admin_sql.h"

#define XT_SOURCES_MAX  8
#define XT_SERVERS_MAX  256

static const xt_field_t  xt_stream_fields[] = {
    { "name", "name", XF_STR, XF_REQ | XF_SEARCH, 1, 255, NULL, NULL, NULL,
      NULL },
    { "category_id", "category_id", XF_REF, 0, 1, 4294967295LL, NULL, NULL,
      "SELECT 1 FROM categories WHERE id = ? AND type = 'live'",
      "live category" },
    { "icon", "icon", XF_STR, 0, 0, 1024, NULL, NULL, NULL, NULL },
    { "epg_channel_id", "epg_channel_id", XF_STR, 0, 0, 255, NULL, NULL,
      NULL, NULL },
    { "custom_sid", "custom_sid", XF_STR, 0, 0, 64, NULL, NULL, NULL, NULL },
    { "transcode_profile_id", "transcode_profile_id", XF_REF, 0, 1,
      4294967295LL, NULL, NULL,
      "SELECT 1 FROM transcode_profiles WHERE id = ?", "transcode profile" },
    { "on_demand", "on_demand", XF_BOOL, 0, 0, 1, NULL, NULL, NULL, NULL },
    { "enabled", "enabled", XF_BOOL, 0, 0, 1, NULL, NULL, NULL, NULL },
    { "is_adult", "is_adult", XF_BOOL, 0, 0, 1, NULL, NULL, NULL, NULL },
    { "tv_archive", "tv_archive", XF_BOOL, 0, 0, 1, NULL, NULL, NULL, NULL },
    { "tv_archive_duration", "tv_archive_duration", XF_INT, 0, 0, 365, NULL,
      NULL, NULL, NULL },
    { "sort_order", "sort_order", XF_INT, 0, -1000000, 1000000, NULL, NULL,
      NULL, NULL },
    { "added", "added", XF_INT, XF_RO, 0, 0, NULL, NULL, NULL, NULL },
    { "has_stream_key", "stream_key_hash IS NOT NULL", XF_BOOL, XF_RO, 0, 0,
      NULL, NULL, NULL, NULL },
    { NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const xt_filter_t  xt_stream_filters[] = {
    { "category_id", "category_id = ?", XQ_INT, NULL },
    { "enabled", "enabled = ?", XQ_BOOL, NULL },
    { NULL, NULL, 0, NULL }
};

static const char *const  xt_stream_extra[] = {
    "sources", "servers", "stream_key", NULL
};


static int
xt_stream_sources(xt_admin_req_t *rq, yajl_val v)
{
    size_t  i, n;
    char    f[32];

    if (!YAJL_IS_ARRAY(v) || v->u.array.len > XT_SOURCES_MAX) {
        return xt_admin_err(rq, 400, "bad_field", "sources", "sources: an "
                            "array of at most %d URLs", XT_SOURCES_MAX);
    }
    for (i = 0; i < v->u.array.len; i++) {
        yajl_val it = v->u.array.values[i];

        snprintf(f, sizeof(f), "sources[%zu]", i);
        n = YAJL_IS_STRING(it) ? strlen(it->u.string) : 0;
        if (n < 1 || n > 2048 || !xt_check_url(it->u.string, n)) {
            return xt_admin_err(rq, 400, "bad_field", f, "%s: a URL (rtmp, "
                                "rtmps, http, https, udp, rtp, srt, file) of "
                                "at most 2048 bytes without spaces", f);
        }
    }
    return 0;
}


static int
xt_stream_validate(xt_admin_req_t *rq, long long id, int create)
{
    yajl_val    v;
    long long   ids[XT_SERVERS_MAX];
    size_t      n;
    int         present;

    (void) id;
    (void) create;
    v = xt_field_get(rq->json, "sources");
    if (v && xt_stream_sources(rq, v) != 0) {
        return -1;
    }
    v = xt_field_get(rq->json, "stream_key");
    if (v && !YAJL_IS_NULL(v)
        && (!YAJL_IS_STRING(v) || strlen(v->u.string) < 8
            || !xt_credential_valid(v->u.string, strlen(v->u.string))))
    {
        return xt_admin_err(rq, 400, "bad_field", "stream_key", "stream_key: "
                            "8..64 characters of [A-Za-z0-9._@-], or null");
    }
    if (xt_field_ids(rq, rq->json, "servers", XT_SERVERS_MAX, ids, &n,
                     &present) != 0)
    {
        return -1;
    }
    return xt_admin_ids_exist(rq, "servers", ids, n,
                              "SELECT 1 FROM servers WHERE id = ?");
}


static int
xt_stream_store(xt_admin_req_t *rq, long long id, int create)
{
    yajl_val    v;
    long long   ids[XT_SERVERS_MAX];
    size_t      n, i;
    int         present;
    xt_binds_t  bs;
    uint8_t     kh[XT_SALT_LEN + XT_HASH_LEN];

    (void) create;
    v = xt_field_get(rq->json, "sources");
    if (v) {
        xt_binds_reset(&bs);
        xt_bind_int(&bs, id);
        if (xt_sql_exec(rq, "DELETE FROM stream_sources WHERE stream_id = ?",
                        &bs, NULL) < 0)
        {
            return -1;
        }
        for (i = 0; i < v->u.array.len; i++) {
            xt_binds_reset(&bs);
            xt_bind_int(&bs, id);
            xt_bind_int(&bs, (long long) i);
            xt_bind_cstr(&bs, v->u.array.values[i]->u.string);
            if (xt_sql_exec(rq, "INSERT INTO stream_sources (stream_id, "
                            "position, url) VALUES (?, ?, ?)", &bs, NULL) < 0)
            {
                return -1;
            }
        }
    }
    v = xt_field_get(rq->json, "stream_key");
    if (v) {
        xt_binds_reset(&bs);
        if (YAJL_IS_NULL(v)) {
            xt_bind_null(&bs);
        } else {
            if (xt_secret_make(v->u.string, strlen(v->u.string), kh,
                               kh + XT_SALT_LEN) != 0)
            {
                return xt_admin_err(rq, 503, "unavailable", NULL,
                                    "hashing failed");
            }
            xt_bind_str(&bs, kh, sizeof(kh));
        }
        xt_bind_int(&bs, id);
        if (xt_sql_exec(rq, "UPDATE streams SET stream_key_hash = ? "
                        "WHERE id = ?", &bs, NULL) < 0)
        {
            return -1;
        }
    }
    (void) xt_field_ids(rq, rq->json, "servers", XT_SERVERS_MAX, ids, &n,
                        &present);
    if (present) {
        xt_binds_reset(&bs);
        xt_bind_int(&bs, id);
        if (xt_sql_exec(rq, "DELETE FROM stream_servers WHERE stream_id = ?",
                        &bs, NULL) < 0)
        {
            return -1;
        }
        for (i = 0; i < n; i++) {
            xt_binds_reset(&bs);
            xt_bind_int(&bs, id);
            xt_bind_int(&bs, ids[i]);
            if (xt_sql_exec(rq, "INSERT INTO stream_servers (stream_id, "
                            "server_id) VALUES (?, ?)", &bs, NULL) < 0)
            {
                return -1;
            }
        }
    }
    return 0;
}


static int
xt_src_cb(void *ctx, xt_row_t *r)
{
    xt_gen_strn((yajl_gen) ctx, r->sval[0], r->len[0]);
    return 0;
}


static int
xt_stream_emit(xt_admin_req_t *rq, long long id)
{
    yajl_gen    g = rq->g;
    xt_binds_t  bs;
    xt_row_t    r;
    int         rc;
    long long   now = (long long) time(NULL);
    unsigned    sid = rq->cf ? rq->cf->server_id : 1;

    xt_gen_key(g, "sources");
    yajl_gen_array_open(g);
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    xt_row_init(&r);
    xt_row_str(&r, 2048);
    rc = xt_sql_each(rq, "SELECT url FROM stream_sources WHERE stream_id = ? "
                     "ORDER BY position", &bs, &r, xt_src_cb, g);
    xt_row_free(&r);
    if (rc < 0) {
        return -1;
    }
    yajl_gen_array_close(g);
    if (xt_admin_emit_ids(rq, "servers", "SELECT server_id FROM "
                          "stream_servers WHERE stream_id = ? ORDER BY "
                          "server_id", id) != 0)
    {
        return -1;
    }

    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    xt_bind_int(&bs, sid);
    xt_row_init(&r);
    xt_row_str(&r, 16);         /* 0 state */
    xt_row_int(&r);             /* 1 pid */
    xt_row_int(&r);             /* 2 started_at */
    xt_row_int(&r);             /* 3 bitrate */
    xt_row_str(&r, 16);         /* 4 fps */
    xt_row_str(&r, 16);         /* 5 speed */
    xt_row_str(&r, 32);         /* 6 vcodec */
    xt_row_str(&r, 32);         /* 7 acodec */
    xt_row_int(&r);             /* 8 width */
    xt_row_int(&r);             /* 9 height */
    xt_row_int(&r);             /* 10 restarts */
    xt_row_str(&r, 1024);       /* 11 last_error */
    xt_row_int(&r);             /* 12 updated_at */
    rc = xt_sql_row(rq, "SELECT state, pid, started_at, bitrate_kbps, fps, "
                    "speed, video_codec, audio_codec, width, height, "
                    "restarts, last_error, updated_at FROM stream_status "
                    "WHERE stream_id = ? AND server_id = ?", &bs, &r);
    if (rc < 0) {
        xt_row_free(&r);
        return -1;
    }
    xt_gen_key(g, "status");
    yajl_gen_map_open(g);
    xt_gen_key(g, "state");
    if (rc == 1) {
        xt_gen_strn(g, r.sval[0], r.len[0]);
    } else {
        xt_gen_cstr(g, "stopped");
    }
    xt_gen_key(g, "pid");
    yajl_gen_integer(g, rc == 1 ? r.ival[1] : 0);
    xt_gen_key(g, "uptime");
    yajl_gen_integer(g, rc == 1 && r.ival[2] > 0 && r.len[0] == 7
                        && memcmp(r.sval[0], "running", 7) == 0
                        ? now - r.ival[2] : 0);
    xt_gen_key(g, "fps");
    if (rc == 1) {
        yajl_gen_number(g, r.sval[4], r.len[4]);
    } else {
        yajl_gen_integer(g, 0);
    }
    xt_gen_key(g, "bitrate_kbps");
    yajl_gen_integer(g, rc == 1 ? r.ival[3] : 0);
    xt_gen_key(g, "speed");
    if (rc == 1) {
        yajl_gen_number(g, r.sval[5], r.len[5]);
    } else {
        yajl_gen_integer(g, 0);
    }
    xt_gen_key(g, "restarts");
    yajl_gen_integer(g, rc == 1 ? r.ival[10] : 0);
    xt_gen_key(g, "last_error");
    if (rc != 1 || xt_gen_strn(g, r.sval[11], r.len[11])
                   != yajl_gen_status_ok)
    {
        xt_gen_cstr(g, "");
    }
    xt_gen_key(g, "video_codec");
    xt_gen_strn(g, rc == 1 ? r.sval[6] : "", rc == 1 ? r.len[6] : 0);
    xt_gen_key(g, "audio_codec");
    xt_gen_strn(g, rc == 1 ? r.sval[7] : "", rc == 1 ? r.len[7] : 0);
    xt_gen_key(g, "width");
    yajl_gen_integer(g, rc == 1 ? r.ival[8] : 0);
    xt_gen_key(g, "height");
    yajl_gen_integer(g, rc == 1 ? r.ival[9] : 0);
    xt_gen_key(g, "updated_at");
    yajl_gen_integer(g, rc == 1 ? r.ival[12] : 0);
    yajl_gen_map_close(g);
    xt_row_free(&r);
    return 0;
}


static int
xt_stream_filter(xt_admin_req_t *rq, const char *k, const char *v,
    char *where, size_t wlen, xt_binds_t *bs)
{
    static const char *const  states[] = {
        "running", "starting", "error", NULL
    };
    size_t                    i;

    if (strcmp(k, "status") != 0) {
        return 0;
    }
    if (v == NULL) {
        return 1;
    }
    xt_bind_int(bs, rq->cf ? rq->cf->server_id : 1);
    if (strcmp(v, "stopped") == 0) {
        snprintf(where, wlen, " AND id NOT IN (SELECT stream_id FROM "
                 "stream_status WHERE server_id = ? AND state <> 'stopped')");
        return 1;
    }
    for (i = 0; states[i]; i++) {
        if (strcmp(states[i], v) == 0) {
            snprintf(where, wlen, " AND id IN (SELECT stream_id FROM "
                     "stream_status WHERE server_id = ? AND state = ?)");
            xt_bind_cstr(bs, states[i]);
            return 1;
        }
    }
    return xt_admin_err(rq, 400, "bad_param", "status", "status: running, "
                        "starting, error or stopped");
}


static int xt_stream_action(xt_admin_req_t *rq, long long id, const char *a);

static const xt_res_t  xt_stream_res = {
    "streams", "streams", "streams", "id", xt_stream_fields,
    xt_stream_filters, xt_stream_extra, "sort_order, id", "added",
    "UNIX_TIMESTAMP()", NULL,
    xt_stream_validate, xt_stream_store, xt_stream_emit, xt_stream_filter,
    NULL, xt_stream_action
};


static int
xt_stream_action(xt_admin_req_t *rq, long long id, const char *a)
{
    static const char *const  none[] = { NULL };
    xt_binds_t                bs;
    int                       rc;

    if (strcmp(a, "start") != 0 && strcmp(a, "stop") != 0
        && strcmp(a, "restart") != 0)
    {
        return xt_admin_err(rq, 404, "not_found", NULL, "streams: no action "
                            "\"%.32s\"", a);
    }
    if (xt_fields_only(rq, rq->json, none) != 0) {
        return -1;
    }
    rc = xt_crud_exists(rq, &xt_stream_res, id);
    if (rc <= 0) {
        return rc < 0 ? -1 : xt_admin_err(rq, 404, "not_found", NULL,
                                          "streams %lld: not found", id);
    }
    /* every server carrying it acts on it (server_id 0) */
    xt_binds_reset(&bs);
    xt_bind_int(&bs, id);
    xt_bind_cstr(&bs, a);
    xt_bind_int(&bs, (long long) time(NULL));
    if (xt_sql_exec(rq, "INSERT INTO stream_commands (stream_id, server_id, "
                    "action, created) VALUES (?, 0, ?, ?)", &bs, NULL) < 0
        || xt_admin_audit(rq, a, "streams", id, NULL) != 0)
    {
        return -1;
    }
    rq->status = 202;
    yajl_gen_map_open(rq->g);
    xt_gen_key(rq->g, "id");
    yajl_gen_integer(rq->g, id);
    xt_gen_key(rq->g, "action");
    xt_gen_cstr(rq->g, a);
    yajl_gen_map_close(rq->g);
    return 0;
}


int
xt_admin_streams(xt_admin_req_t *rq)
{
    return xt_admin_crud(rq, &xt_stream_res);
}
