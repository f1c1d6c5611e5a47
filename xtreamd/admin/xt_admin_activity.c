/* /admin/api/activity: the activity log (finished and open connections,
   written by xtreamd from the module's events), newest first. */
#include <stdio.h>
#include <string.h>

#include "admin/xt_admin_crud.h"

static const char *const  xt_act_kinds[] = {
    "live", "hls", "movie", "episode", "timeshift", NULL
};

static const xt_field_t  xt_act_fields[] = {
    { "line_id", "a.line_id", XF_INT, XF_RO, 0, 0, NULL, NULL, NULL, NULL },
    { "username", "COALESCE(l.username, '')", XF_STR, XF_RO | XF_SEARCH, 0,
      64, NULL, NULL, NULL, NULL },
    { "stream_id", "a.stream_id", XF_INT, XF_RO, 0, 0, NULL, NULL, NULL,
      NULL },
    /* what was watched, by name (the panel's Activity page) */
    { "stream_name", "COALESCE(CASE WHEN a.kind IN ('live', 'hls', "
      "'timeshift') THEN s.name WHEN a.kind = 'movie' THEN m.name "
      "ELSE e.title END, '')", XF_STR, XF_RO, 0, 255, NULL, NULL, NULL,
      NULL },
    { "kind", "a.kind", XF_ENUM, XF_RO, 0, 0, xt_act_kinds, NULL, NULL,
      NULL },
    { "ip", "a.ip", XF_STR, XF_RO, 0, 64, NULL, NULL, NULL, NULL },
    { "user_agent", "a.user_agent", XF_STR, XF_RO, 0, 512, NULL, NULL, NULL,
      NULL },
    { "started", "a.started", XF_INT, XF_RO, 0, 0, NULL, NULL, NULL, NULL },
    { "ended", "a.ended", XF_NINT, XF_RO, 0, 0, NULL, NULL, NULL, NULL },
    { "bytes", "a.bytes", XF_INT, XF_RO, 0, 0, NULL, NULL, NULL, NULL },
    { NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
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
    "activity", "activity a LEFT JOIN `lines` l ON l.id = a.line_id "
    "LEFT JOIN streams s ON s.id = a.stream_id "
    "LEFT JOIN movies m ON m.id = a.stream_id "
    "LEFT JOIN episodes e ON e.id = a.stream_id", NULL,
    "a.id", xt_act_fields, xt_act_filters, NULL, "a.id DESC", NULL, NULL,
    NULL,
    NULL, NULL, NULL, NULL, NULL, NULL
};


int
xt_admin_activity(xt_admin_req_t *rq)
{
    return xt_admin_crud(rq, &xt_act_res);
}
