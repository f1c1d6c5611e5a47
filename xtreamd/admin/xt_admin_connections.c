/*
 * /admin/api/connections (who watches what, from where, since when: the
 * live_connections rows xtreamd keeps from the module's events) and
 * DELETE /connections/{conn_key}: the module has no per-connection
 * channel, so this kills every connection of that key's line (the line's
 * kick generation, as POST /lines/{id}/kill).
 */
#include <stdio.h>
#include <string.h>

#include "xt_json_gen.h"
#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"
#include "admin/xt_admin_sql.h"

static const char *const  xt_conn_kinds[] = {
    "live", "hls", "movie", "episode", "timeshift", NULL
};

static const xt_field_t  xt_conn_fields[] = {
    { .name = "conn_key", .col = "c.conn_key", .type = XF_STR, .flags = XF_RO,
      .max = 64 },
    { .name = "line_id", .col = "c.line_id", .type = XF_INT, .flags = XF_RO },
    { .name = "username", .col = "COALESCE(l.username, '')", .type = XF_STR,
      .flags = XF_RO | XF_SEARCH, .max = 64 },
    { .name = "stream_id", .col = "c.stream_id", .type = XF_INT,
      .flags = XF_RO },
    { .name = "stream_name",
      .col = "COALESCE(CASE WHEN c.kind IN ('live', 'hls', "
      "'timeshift') THEN s.name WHEN c.kind = 'movie' THEN m.name "
      "ELSE e.title END, '')", .type = XF_STR, .flags = XF_RO, .max = 255 },
    { .name = "kind", .col = "c.kind", .type = XF_ENUM, .flags = XF_RO,
      .enums = xt_conn_kinds },
    { .name = "ip", .col = "c.ip", .type = XF_STR, .flags = XF_RO, .max = 64 },
    { .name = "user_agent", .col = "c.user_agent", .type = XF_STR,
      .flags = XF_RO, .max = 512 },
    { .name = "server_id", .col = "c.server_id", .type = XF_INT,
      .flags = XF_RO },
    { .name = "started", .col = "c.started", .type = XF_INT, .flags = XF_RO },
    { .name = "duration", .col = "GREATEST(0, UNIX_TIMESTAMP() - c.started)",
      .type = XF_INT, .flags = XF_RO },
    { .name = NULL }
};

static const xt_filter_t  xt_conn_filters[] = {
    { "line_id", "c.line_id = ?", XQ_INT, NULL },
    { "stream_id", "c.stream_id = ?", XQ_INT, NULL },
    { "kind", "c.kind = ?", XQ_ENUM, xt_conn_kinds },
    { NULL, NULL, 0, NULL }
};

static const xt_res_t  xt_conn_res = {
    .name = "connections",
    .from = "live_connections c LEFT JOIN `lines` l ON l.id = c.line_id "
            "LEFT JOIN streams s ON s.id = c.stream_id "
            "LEFT JOIN movies m ON m.id = c.stream_id "
            "LEFT JOIN episodes e ON e.id = c.stream_id",
    .id_col = "NULL",
    .fields = xt_conn_fields,
    .filters = xt_conn_filters,
    .order = "c.started DESC, c.conn_key",
};


static int
xt_conn_kill(xt_admin_req_t *rq, const char *key)
{
    xt_binds_t  bs;
    long long   line, kick;
    int         rc;

    if (strlen(key) > 64 || !xt_text_ok(key, strlen(key), 0)) {
        return xt_admin_err(rq, 404, "not_found", NULL, "no such connection");
    }
    xt_binds_reset(&bs);
    xt_bind_cstr(&bs, key);
    rc = xt_sql_int(rq, "SELECT line_id FROM live_connections WHERE "
                    "conn_key = ?", &bs, 0, &line);
    if (rc <= 0) {
        return rc < 0 ? -1 : xt_admin_err(rq, 404, "not_found", NULL,
                                          "no such connection");
    }
    if (xt_admin_line_kill(rq, line, &kick) != 0
        || xt_admin_audit(rq, "kill", "lines", line, NULL) != 0)
    {
        return -1;
    }
    yajl_gen_map_open(rq->g);
    xt_gen_key(rq->g, "line_id");
    yajl_gen_integer(rq->g, line);
    xt_gen_key(rq->g, "kick");
    yajl_gen_integer(rq->g, kick);
    yajl_gen_map_close(rq->g);
    return 0;
}


int
xt_admin_connections(xt_admin_req_t *rq)
{
    if (rq->nseg == 2 && strcmp(rq->method, "DELETE") == 0) {
        return xt_conn_kill(rq, rq->seg[1]);
    }
    if (rq->nseg == 1 && strcmp(rq->method, "GET") == 0) {
        return xt_admin_crud(rq, &xt_conn_res);
    }
    rq->allow = rq->nseg == 1 ? "GET" : "DELETE";
    return rq->nseg <= 2
           ? xt_admin_err(rq, 405, "method_not_allowed", NULL,
                          "connections take GET, and DELETE of one key")
           : xt_admin_err(rq, 404, "not_found", NULL, "no such path");
}
