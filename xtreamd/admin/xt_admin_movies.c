/* /admin/api/movies: VOD titles; path is relative to the VOD root and
   checked (no "..", no leading "/"), never opened here. */
#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"

static const xt_field_t  xt_movie_fields[] = {
    { "name", "name", XF_STR, XF_REQ | XF_SEARCH, 1, 255, NULL, NULL, NULL,
      NULL },
    { "category_id", "category_id", XF_REF, 0, 1, 4294967295LL, NULL, NULL,
      "SELECT 1 FROM categories WHERE id = ? AND type = 'movie'",
      "movie category" },
    { "icon", "icon", XF_STR, 0, 0, 1024, NULL, NULL, NULL, NULL },
    { "container_extension", "container_extension", XF_STR, 0, 1, 8, NULL,
      xt_check_ext, NULL, "1..8 characters of [a-z0-9]" },
    { "path", "path", XF_STR, 0, 0, 1024, NULL, xt_check_relpath, NULL,
      "relative to the VOD root: no leading /, no . or .. segment" },
    { "rating", "rating", XF_STR, 0, 0, 8, NULL, NULL, NULL, NULL },
    { "plot", "plot", XF_TEXT, 0, 0, 65535, NULL, NULL, NULL, NULL },
    { "cast", "cast", XF_STR, 0, 0, 1024, NULL, NULL, NULL, NULL },
    { "director", "director", XF_STR, 0, 0, 255, NULL, NULL, NULL, NULL },
    { "genre", "genre", XF_STR, 0, 0, 255, NULL, NULL, NULL, NULL },
    { "release_date", "release_date", XF_STR, 0, 0, 16, NULL, NULL, NULL,
      NULL },
    { "duration_secs", "duration_secs", XF_INT, 0, 0, 1000000, NULL, NULL,
      NULL, NULL },
    { "tmdb_id", "tmdb_id", XF_INT, 0, 0, 4294967295LL, NULL, NULL, NULL,
      NULL },
    { "youtube_trailer", "youtube_trailer", XF_STR, 0, 0, 64, NULL, NULL,
      NULL, NULL },
    { "backdrop", "backdrop_json", XF_JSONARR, 0, 0, 20, NULL, NULL, NULL,
      NULL },
    { "is_adult", "is_adult", XF_BOOL, 0, 0, 1, NULL, NULL, NULL, NULL },
    { "enabled", "enabled", XF_BOOL, 0, 0, 1, NULL, NULL, NULL, NULL },
    { "sort_order", "sort_order", XF_INT, 0, -1000000, 1000000, NULL, NULL,
      NULL, NULL },
    { "added", "added", XF_INT, XF_RO, 0, 0, NULL, NULL, NULL, NULL },
    { NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
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
