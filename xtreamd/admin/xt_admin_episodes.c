/* /admin/api/episodes: episodes of a series (the season need not have a
   series_seasons row, as in the import format). */
#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"

static const xt_field_t  xt_ep_fields[] = {
    { .name = "series_id", .col = "series_id", .type = XF_REF,
      .flags = XF_REQ | XF_ONCE, .min = 1, .max = 4294967295LL,
      .ref = "SELECT 1 FROM series WHERE id = ?", .hint = "series" },
    { .name = "season_number", .col = "season_number", .type = XF_INT,
      .flags = XF_REQ, .max = 10000 },
    { .name = "episode_num", .col = "episode_num", .type = XF_INT,
      .flags = XF_REQ, .max = 100000 },
    { .name = "title", .col = "title", .type = XF_STR, .flags = XF_SEARCH,
      .max = 255 },
    { .name = "container_extension", .col = "container_extension",
      .type = XF_STR, .min = 1, .max = 8, .check = xt_check_ext,
      .hint = "1..8 characters of [a-z0-9]" },
    { .name = "path", .col = "path", .type = XF_STR, .max = 1024,
      .check = xt_check_relpath,
      .hint = "relative to the VOD root: no leading /, no . or .. segment" },
    { .name = "plot", .col = "plot", .type = XF_TEXT, .max = 65535 },
    { .name = "movie_image", .col = "movie_image", .type = XF_STR,
      .max = 1024 },
    { .name = "release_date", .col = "release_date", .type = XF_STR,
      .max = 16 },
    { .name = "rating", .col = "rating", .type = XF_STR, .max = 8 },
    { .name = "duration_secs", .col = "duration_secs", .type = XF_INT,
      .max = 1000000 },
    { .name = "added", .col = "added", .type = XF_INT, .flags = XF_RO },
    { .name = NULL }
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
