/* /admin/api/activity: the activity log (finished and open connections,
   written by xtreamd from the module's events), newest first. */
#include <stdio.h>
#include <string.h>

#include "admin/xt_admin_crud.h"

static const char *const  xt_act_kinds[] = {
    "live", "hls", "movie", "episode", "timeshift", NULL
};

static const xt_field_t  xt_act_fields[] = {
    { .name = "line_id", .col = "a.line_id", .type = XF_INT, .flags = XF_RO },
    { .name = "username", .col = "COALESCE(l.username, '')", .type = XF_STR,
      .flags = XF_RO | XF_SEARCH, .max = 64 },
    { .name = "stream_id", .col = "a.stream_id", .type = XF_INT,
      .flags = XF_RO },
    /* what was watched, by name (the panel's Activity page) */
    { .name = "stream_name", .col = "COALESCE(CASE WHEN a.kind IN ('live', "
      "'hls', 'timeshift') THEN s.name WHEN a.kind = 'movie' THEN m.name "
      "ELSE e.title END, '')", .type = XF_STR, .flags = XF_RO, .max = 255 },
    { .name = "kind", .col = "a.kind", .type = XF_ENUM, .flags = XF_RO,
      .enums = xt_act_kinds },
    { .name = "ip", .col = "a.ip", .type = XF_STR, .flags = XF_RO, .max = 64 },
    { .name = "user_agent", .col = "a.user_agent", .type = XF_STR,
      .flags = XF_RO, .max = 512 },
    { .name = "started", .col = "a.started", .type = XF_INT, .flags = XF_RO },
    { .name = "ended", .col = "a.ended", .type = XF_NINT, .flags = XF_RO },
    { .name = "bytes", .col = "a.bytes", .type = XF_INT, .flags = XF_RO },
    { .name = NULL }
};

static const xt_filter_t  xt_act_filters[] = {
    { "line_id", "a.line_id = ?", XQ_INT, NULL },
    { "stream_id", "a.stream_id = ?", XQ_INT, NULL },
    { "kind", "a.kind = ?", XQ_ENUM, xt_act_kinds },
    { "since", "a.started >= ?", XQ_INT, NULL },
    { "until", "a.started < ?", XQ_INT, NULL },
    { NULL, NULL, 0, NULL }
};

static const xt_res_t  xt_act_res = {
    .name = "activity",
    .from = "activity a LEFT JOIN `lines` l ON l.id = a.line_id "
            "LEFT JOIN streams s ON s.id = a.stream_id "
            "LEFT JOIN movies m ON m.id = a.stream_id "
            "LEFT JOIN episodes e ON e.id = a.stream_id",
    .id_col = "a.id",
    .fields = xt_act_fields,
    .filters = xt_act_filters,
    .order = "a.id DESC",
};


int
xt_admin_activity(xt_admin_req_t *rq)
{
    return xt_admin_crud(rq, &xt_act_res);
}
