/* /admin/api/movies: VOD titles; path is relative to the VOD root and
   checked (no "..", no leading "/"), never opened here. */
#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"

static const xt_field_t  xt_movie_fields[] = {
    { .name = "name", .col = "name", .type = XF_STR,
      .flags = XF_REQ | XF_SEARCH, .min = 1, .max = 255 },
    { .name = "category_id", .col = "category_id", .type = XF_REF, .min = 1,
      .max = 4294967295LL,
      .ref = "SELECT 1 FROM categories WHERE id = ? AND type = 'movie'",
      .hint = "movie category" },
    { .name = "icon", .col = "icon", .type = XF_STR, .max = 1024 },
    { .name = "container_extension", .col = "container_extension",
      .type = XF_STR, .min = 1, .max = 8, .check = xt_check_ext,
      .hint = "1..8 characters of [a-z0-9]" },
    { .name = "path", .col = "path", .type = XF_STR, .max = 1024,
      .check = xt_check_relpath,
      .hint = "relative to the VOD root: no leading /, no . or .. segment" },
    { .name = "rating", .col = "rating", .type = XF_STR, .max = 8 },
    { .name = "plot", .col = "plot", .type = XF_TEXT, .max = 65535 },
    { .name = "cast", .col = "cast", .type = XF_STR, .max = 1024 },
    { .name = "director", .col = "director", .type = XF_STR, .max = 255 },
    { .name = "genre", .col = "genre", .type = XF_STR, .max = 255 },
    { .name = "release_date", .col = "release_date", .type = XF_STR,
      .max = 16 },
    { .name = "duration_secs", .col = "duration_secs", .type = XF_INT,
      .max = 1000000 },
    { .name = "tmdb_id", .col = "tmdb_id", .type = XF_INT,
      .max = 4294967295LL },
    { .name = "youtube_trailer", .col = "youtube_trailer", .type = XF_STR,
      .max = 64 },
    { .name = "backdrop", .col = "backdrop_json", .type = XF_JSONARR,
      .max = 20 },
    { .name = "is_adult", .col = "is_adult", .type = XF_BOOL, .max = 1 },
    { .name = "enabled", .col = "enabled", .type = XF_BOOL, .max = 1 },
    { .name = "sort_order", .col = "sort_order", .type = XF_INT,
      .min = -1000000, .max = 1000000 },
    { .name = "added", .col = "added", .type = XF_INT, .flags = XF_RO },
    { .name = NULL }
};

static const xt_filter_t  xt_movie_filters[] = {
    { "category_id", "category_id = ?", XQ_INT, NULL },
    { "enabled", "enabled = ?", XQ_BOOL, NULL },
    { NULL, NULL, 0, NULL }
};

static const xt_res_t  xt_movie_res = {
    .name = "movies",
    .from = "movies",
    .table = "movies",
    .id_col = "id",
    .fields = xt_movie_fields,
    .filters = xt_movie_filters,
    .order = "id",
    .create_cols = "added",
    .create_vals = "UNIX_TIMESTAMP()",
};


int
xt_admin_movies(xt_admin_req_t *rq)
{
    return xt_admin_crud(rq, &xt_movie_res);
}
