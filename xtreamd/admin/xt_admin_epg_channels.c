/*
 * /admin/api/epg-channels (read-only): the channels the EPG import found,
 * with the source that brought each and how many streams use its id.  The
 * panel's channel-id picker and its "guide channels no stream uses" list
 * read it; streams without a guide are GET /streams?epg_mapped=false.
 */
#include <string.h>

#include "admin/xt_admin_crud.h"

static const xt_field_t  xt_epgch_fields[] = {
    { .name = "epg_channel_id", .col = "c.epg_channel_id", .type = XF_STR,
      .flags = XF_RO | XF_SEARCH, .max = 255 },
    { .name = "display_name", .col = "c.display_name", .type = XF_STR,
      .flags = XF_RO | XF_SEARCH, .max = 255 },
    { .name = "icon", .col = "c.icon", .type = XF_STR, .flags = XF_RO,
      .max = 1024 },
    { .name = "source_id", .col = "COALESCE(c.source_id, 0)", .type = XF_INT,
      .flags = XF_RO },
    { .name = "source_name", .col = "COALESCE(s.name, '')", .type = XF_STR,
      .flags = XF_RO, .max = 255 },
    { .name = "streams", .col = "(SELECT COUNT(*) FROM streams st WHERE "
      "st.epg_channel_id = c.epg_channel_id)", .type = XF_INT,
      .flags = XF_RO },
    { .name = NULL }
};

static const xt_filter_t  xt_epgch_filters[] = {
    { "source_id", "c.source_id = ?", XQ_INT, NULL },
    { "mapped", "EXISTS (SELECT 1 FROM streams st WHERE st.epg_channel_id "
      "= c.epg_channel_id) = ?", XQ_BOOL, NULL },
    { NULL, NULL, 0, NULL }
};

static const xt_res_t  xt_epgch_res = {
    .name = "epg-channels",
    .from = "epg_channels c LEFT JOIN epg_sources s ON s.id = c.source_id",
    .id_col = "NULL",
    .fields = xt_epgch_fields,
    .filters = xt_epgch_filters,
    .order = "c.epg_channel_id",
};


int
xt_admin_epg_channels(xt_admin_req_t *rq)
{
    if (rq->nseg == 1 && strcmp(rq->method, "GET") == 0) {
        return xt_admin_crud(rq, &xt_epgch_res);
    }
    rq->allow = "GET";
    return rq->nseg == 1
           ? xt_admin_err(rq, 405, "method_not_allowed", NULL,
                          "epg-channels are read-only (GET)")
           : xt_admin_err(rq, 404, "not_found", NULL, "no such path");
}
