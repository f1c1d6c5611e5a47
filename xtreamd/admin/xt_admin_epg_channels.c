/*
 * /admin/api/epg-channels (read-only): the channels the EPG import found,
 * with the source that brought each and how many streams use its id.  The
 * panel's channel-id picker and its "guide channels no stream uses" list
 * read it; streams without a guide are GET /streams?epg_mapped=false.
 */
#include <string.h>

#include "admin/xt_admin_crud.h"

static const xt_field_t  xt_epgch_fields[] = {
    { "epg_channel_id", "c.epg_channel_id", XF_STR, XF_RO | XF_SEARCH, 0,
      255, NULL, NULL, NULL, NULL },
    { "display_name", "c.display_name", XF_STR, XF_RO | XF_SEARCH, 0, 255,
      NULL, NULL, NULL, NULL },
    { "icon", "c.icon", XF_STR, XF_RO, 0, 1024, NULL, NULL, NULL, NULL },
    { "source_id", "COALESCE(c.source_id, 0)", XF_INT, XF_RO, 0, 0, NULL,
      NULL, NULL, NULL },
    { "source_name", "COALESCE(s.name, '')", XF_STR, XF_RO, 0, 255, NULL,
      NULL, NULL, NULL },
    { "streams", "(SELECT COUNT(*) FROM streams st WHERE st.epg_channel_id "
      "= c.epg_channel_id)", XF_INT, XF_RO, 0, 0, NULL, NULL, NULL, NULL },
    { NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const xt_filter_t  xt_epgch_filters[] = {
    { "source_id", "c.source_id = ?", XQ_INT, NULL },
    { "mapped", "EXISTS (SELECT 1 FROM streams st WHERE st.epg_channel_id "
      "= c.epg_channel_id) = ?", XQ_BOOL, NULL },
    { NULL, NULL, 0, NULL }
};

static const xt_res_t  xt_epgch_res = {
    "epg-channels",
    "epg_channels c LEFT JOIN epg_sources s ON s.id = c.source_id",
    NULL, "NULL", xt_epgch_fields, xt_epgch_filters, NULL,
    "c.epg_channel_id", NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL
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
