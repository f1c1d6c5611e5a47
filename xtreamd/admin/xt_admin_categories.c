/* /admin/api/categories: live, movie and series categories. */
#include "admin/xt_admin_crud.h"

static const char *const  xt_cat_types[] = { "live", "movie", "series",
    "radio", NULL };

static const xt_field_t  xt_cat_fields[] = {
    { .name = "type", .col = "type", .type = XF_ENUM, .flags = XF_REQ | XF_ONCE,
      .enums = xt_cat_types },
    { .name = "name", .col = "name", .type = XF_STR,
      .flags = XF_REQ | XF_SEARCH, .min = 1, .max = 255 },
    { .name = "parent_id", .col = "parent_id", .type = XF_INT,
      .max = 4294967295LL },
    { .name = "sort_order", .col = "sort_order", .type = XF_INT,
      .min = -1000000, .max = 1000000 },
    { .name = NULL }
};

static const xt_filter_t  xt_cat_filters[] = {
    { "type", "type = ?", XQ_ENUM, xt_cat_types },
    { NULL, NULL, 0, NULL }
};

static const xt_res_t  xt_cat_res = {
    .name = "categories",
    .from = "categories",
    .table = "categories",
    .id_col = "id",
    .fields = xt_cat_fields,
    .filters = xt_cat_filters,
    .order = "type, sort_order, id",
};


int
xt_admin_categories(xt_admin_req_t *rq)
{
    return xt_admin_crud(rq, &xt_cat_res);
}
