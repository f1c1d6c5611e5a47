/* /admin/api/episodes: episodes of a series (the season need not have a
   series_seasons row, as in the import format). */
#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"

static const xt_field_t  xt_ep_fields[] = {
    { "series_id", "series_id", XF_REF, XF_REQ | XF_ONCE, 1, 4294967295LL,
      NULL, NULL, "SELECT 1 FROM series WHERE id = ?", "series" },
    { "season_number", "season_number", XF_INT, XF_REQ, 0, 10000, NULL, NULL,
      NULL, NULL },
    { "episode_num", "episode_num", XF_INT, XF_REQ, 0, 100000, NULL, NULL,
      NULL, NULL },
    { "title", "title", XF_STR, XF_SEARCH, 0, 255, NULL, NULL, NULL, NULL },
    { "container_extension", "container_extension", XF_STR, 0, 1, 8, NULL,
      xt_check_ext, NULL, "1..8 characters of [a-z0-9]" },
    { "path", "path", XF_STR, 0, 0, 1024, NULL, xt_check_relpath, NULL,
      "relative to the VOD root: no leading /, no . or .. segment" },
    { "plot", "plot", XF_TEXT, 0, 0, 65535, NULL, NULL, NULL, NULL },
    { "movie_image", "movie_image", XF_STR, 0, 0, 1024, NULL, NULL, NULL,
      NULL },
    { "release_date", "release_date", XF_STR, 0, 0, 16, NULL, NULL, NULL,
      NULL },
    { "rating", "rating", XF_STR, 0, 0, 8, NULL, NULL, NULL, NULL },
    { "duration_secs", "duration_secs", XF_INT, 0, 0, 1000000, NULL, NULL,
      NULL, NULL },
    { "added", "added", XF_INT, XF_RO, 0, 0, NULL, NULL, NULL, NULL },
    { NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const xt_filter_t  xt_ep_filters[] = {
    { "series_id", "series_id = ?", XQ_INT, NULL },
    { "season_number", "season_number = ?", XQ_INT, NULL },
    { NULL, NULL, 0, NULL }
};

static const xt_res_t  xt_ep_res = {
    .name = "episodes",
    .from = "episodes",
    .table = "episodes",
    .id_col = "id",
    .fields = xt_ep_fields,
    .filters = xt_ep_filters,
    .order = "series_id, season_number, episode_num, id",
    .create_cols = "added",
    .create_vals = "UNIX_TIMESTAMP()",
};


int
xt_admin_episodes(xt_admin_req_t *rq)
{
    return xt_admin_crud(rq, &xt_ep_res);
}
