/* /admin/api/servers: streaming servers (load figures are reported by the
   servers themselves and read-only here). */
#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"

static const xt_field_t  xt_srv_fields[] = {
    { .name = "name", .col = "name", .type = XF_STR,
      .flags = XF_REQ | XF_UNIQUE | XF_SEARCH, .min = 1, .max = 64 },
    { .name = "host", .col = "host", .type = XF_STR, .flags = XF_REQ, .min = 1,
      .max = 255, .check = xt_check_host, .hint = "a host name or address" },
    { .name = "http_port", .col = "http_port", .type = XF_INT, .min = 1,
      .max = 65535 },
    { .name = "https_port", .col = "https_port", .type = XF_INT, .min = 1,
      .max = 65535 },
    { .name = "rtmp_port", .col = "rtmp_port", .type = XF_INT, .min = 1,
      .max = 65535 },
    { .name = "is_main", .col = "is_main", .type = XF_BOOL, .max = 1 },
    { .name = "enabled", .col = "enabled", .type = XF_BOOL, .max = 1 },
    { .name = "load_clients", .col = "load_clients", .type = XF_INT,
      .flags = XF_RO },
    { .name = "load_mbps", .col = "load_mbps", .type = XF_INT, .flags = XF_RO },
    { .name = "last_seen", .col = "last_seen", .type = XF_INT, .flags = XF_RO },
    { .name = NULL }
};

static const xt_filter_t  xt_srv_filters[] = {
    { "enabled", "enabled = ?", XQ_BOOL, NULL },
    { NULL, NULL, 0, NULL }
};

static const xt_res_t  xt_srv_res = {
    .name = "servers",
    .from = "servers",
    .table = "servers",
    .id_col = "id",
    .fields = xt_srv_fields,
    .filters = xt_srv_filters,
    .order = "id",
};


int
xt_admin_servers(xt_admin_req_t *rq)
{
    return xt_admin_crud(rq, &xt_srv_res);
}
