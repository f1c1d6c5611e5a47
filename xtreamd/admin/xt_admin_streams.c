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

static const char *const  xt_stream_rates[] = { "auto", "on", "off", NULL };

static const xt_field_t  xt_stream_fields[] = {
    { .name = "name", .col = "name", .type = XF_STR,
      .flags = XF_REQ | XF_SEARCH, .min = 1, .max = 255 },
    { .name = "category_id", .col = "category_id", .type = XF_REF, .min = 1,
      .max = 4294967295LL,
      .ref = "SELECT 1 FROM categories WHERE id = ? AND type = 'live'",
      .hint = "live category" },
    { .name = "icon", .col = "icon", .type = XF_STR, .max = 1024 },
    { .name = "epg_channel_id", .col = "epg_channel_id", .type = XF_STR,
      .max = 255 },
    { .name = "custom_sid", .col = "custom_sid", .type = XF_STR, .max = 64 },
    { .name = "transcode_profile_id", .col = "transcode_profile_id",
      .type = XF_REF, .min = 1, .max = 4294967295LL,
      .ref = "SELECT 1 FROM transcode_profiles WHERE id = ?",
      .hint = "transcode profile" },
    { .name = "on_demand", .col = "on_demand", .type = XF_BOOL, .max = 1 },
    { .name = "read_native_rate", .col = "read_native_rate", .type = XF_ENUM,
      .enums = xt_stream_rates },
    { .name = "source_loop", .col = "source_loop", .type = XF_BOOL, .max = 1 },
    { .name = "enabled", .col = "enabled", .type = XF_BOOL, .max = 1 },
    { .name = "is_adult", .col = "is_adult", .type = XF_BOOL, .max = 1 },
    { .name = "tv_archive", .col = "tv_archive", .type = XF_BOOL, .max = 1 },
    { .name = "tv_archive_duration", .col = "tv_archive_duration",
      .type = XF_INT, .max = 365 },
    { .name = "sort_order", .col = "sort_order", .type = XF_INT,
      .min = -1000000, .max = 1000000 },
    { .name = "added", .col = "added", .type = XF_INT, .flags = XF_RO },
    { .name = "has_stream_key", .col = "stream_key_hash IS NOT NULL",
      .type = XF_BOOL, .flags = XF_RO },
    { .name = "sources",
      .col = "(SELECT GROUP_CONCAT(ss.url ORDER BY ss.position "
      "SEPARATOR '\\n') FROM stream_sources ss WHERE ss.stream_id = streams.id)",
      .type = XF_STRLIST, .flags = XF_RO },
    { .name = "servers",
      .col = "(SELECT GROUP_CONCAT(sv.server_id ORDER BY sv.server_id) "
      "FROM stream_servers sv WHERE sv.stream_id = streams.id)",
      .type = XF_IDLIST, .flags = XF_RO },
    /* this server's worker (xt_admin_core sets @xt_server_id) */
    { .name = "status",
      .col = "COALESCE((SELECT JSON_OBJECT('state', st.state, 'pid', "
      "st.pid, 'uptime', IF(st.state = 'running' AND st.started_at > 0, "
      "GREATEST(0, UNIX_TIMESTAMP() - st.started_at), 0), 'fps', st.fps, "
      "'bitrate_kbps', st.bitrate_kbps, 'speed', st.speed, 'restarts', "
      "st.restarts, 'last_error', st.last_error, 'video_codec', "
      "st.video_codec, 'audio_codec', st.audio_codec, 'width', st.width, "
      "'height', st.height, 'updated_at', st.updated_at) FROM stream_status "
      "st WHERE st.stream_id = streams.id AND st.server_id = @xt_server_id), "
      "JSON_OBJECT('state', 'stopped', 'pid', 0, 'uptime', 0, 'fps', 0, "
      "'bitrate_kbps', 0, 'speed', 0, 'restarts', 0, 'last_error', '', "
      "'video_codec', '', 'audio_codec', '', 'width', 0, 'height', 0, "
      "'updated_at', 0))", .type = XF_JSONOBJ, .flags = XF_RO },
    { .name = NULL }
};

static const xt_filter_t  xt_stream_filters[] = {
    { "category_id", "category_id = ?", XQ_INT, NULL },
    { "enabled", "enabled = ?", XQ_BOOL, NULL },
    /* the panel's "streams without guide": the id names an imported
       EPG channel (false: empty or unknown to every source) */
    { "epg_mapped", "(epg_channel_id <> '' AND EXISTS (SELECT 1 FROM "
      "epg_channels ec WHERE ec.epg_channel_id = streams.epg_channel_id)) "
      "= ?", XQ_BOOL, NULL },
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
    .name = "streams",
    .from = "streams",
    .table = "streams",
    .id_col = "id",
    .fields = xt_stream_fields,
    .filters = xt_stream_filters,
    .extra_keys = xt_stream_extra,
    .order = "sort_order, id",
    .create_cols = "added",
    .create_vals = "UNIX_TIMESTAMP()",
    .validate = xt_stream_validate,
    .store = xt_stream_store,
    .filter = xt_stream_filter,
    .action = xt_stream_action,
};


static int
xt_stream_action(xt_admin_req_t *rq, long long id, const char *a)
{
    static const char *const  none[] = { NULL };
    xt_binds_t                bs;
    int                       rc;

    if (strcmp(a, "preview") == 0) {
        return xt_admin_stream_preview(rq, id);
    }
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
