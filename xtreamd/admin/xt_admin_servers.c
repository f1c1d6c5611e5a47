/* /admin/api/servers: streaming servers (load figures are reported by the
   servers themselves and read-only here). */
#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"

static const xt_field_t  xt_srv_fields[] = {
    { "name", "name", XF_STR, XF_REQ | XF_UNIQUE | XF_SEARCH, 1, 64, NULL,
      NULL, NULL, NULL },
    { "host", "host", XF_STR, XF_REQ, 1, 255, NULL, xt_check_host, NULL,
      "a host name or address" },
    { "http_port", "http_port", XF_INT, 0, 1, 65535, NULL, NULL, NULL, NULL },
    { "https_port", "https_port", XF_INT, 0, 1, 65535, NULL, NULL, NULL,
      NULL },
    { "rtmp_port", "rtmp_port", XF_INT, 0, 1, 65535, NULL, NULL, NULL, NULL },
    { "is_main", "is_main", XF_BOOL, 0, 0, 1, NULL, NULL, NULL, NULL },
    { "enabled", "enabled", XF_BOOL, 0, 0, 1, NULL, NULL, NULL, NULL },
    { "load_clients", "load_clients", XF_INT, XF_RO, 0, 0, NULL, NULL, NULL,
      NULL },
    { "load_mbps", "load_mbps", XF_INT, XF_RO, 0, 0, NULL, NULL, NULL, NULL },
    { "last_seen", "last_seen", XF_INT, XF_RO, 0, 0, NULL, NULL, NULL, NULL },
    { NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
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
