/* /admin/api/categories: live, movie and series categories. */
#include "admin/xt_admin_crud.h"

static const char *const  xt_cat_types[] = { "live", "movie", "series",
    "radio", NULL };

static const xt_field_t  xt_cat_fields[] = {
    { "type", "type", XF_ENUM, XF_REQ | XF_ONCE, 0, 0, xt_cat_types, NULL,
      NULL, NULL },
    { "name", "name", XF_STR, XF_REQ | XF_SEARCH, 1, 255, NULL, NULL, NULL,
      NULL },
    { "parent_id", "parent_id", XF_INT, 0, 0, 4294967295LL, NULL, NULL, NULL,
      NULL },
    { "sort_order", "sort_order", XF_INT, 0, -1000000, 1000000, NULL, NULL,
      NULL, NULL },
    { NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const xt_filter_t  xt_cat_filters[] = {
    { "type", "type = ?", XQ_ENUM, xt_cat_types },
    { NULL, NULL, 0, NULL }
};

static const xt_res_t  xt_cat_res = {
    "categories", "categories", "categories", "id", xt_cat_fields,
    xt_cat_filters, NULL, "type, sort_order, id", NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL
};


int
xt_admin_categories(xt_admin_req_t *rq)
{
    return xt_admin_crud(rq, &xt_cat_res);
}
