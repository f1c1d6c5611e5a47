/*
 * /admin/api/series and /admin/api/series/{id}/seasons[/{number}].
 * Episodes are their own resource (/episodes?series_id=N).
 */
#include <stdio.h>
#include <string.h>

#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"
#include "admin/xt_admin_sql.h"

static const xt_field_t  xt_series_fields[] = {
    { .name = "name", .col = "name", .type = XF_STR,
      .flags = XF_REQ | XF_SEARCH, .min = 1, .max = 255 },
    { .name = "category_id", .col = "category_id", .type = XF_REF, .min = 1,
      .max = 4294967295LL,
      .ref = "SELECT 1 FROM categories WHERE id = ? AND type = 'series'",
      .hint = "series category" },
    { .name = "cover", .col = "cover", .type = XF_STR, .max = 1024 },
    { .name = "plot", .col = "plot", .type = XF_TEXT, .max = 65535 },
    { .name = "cast", .col = "cast", .type = XF_STR, .max = 1024 },
    { .name = "director", .col = "director", .type = XF_STR, .max = 255 },
    { .name = "genre", .col = "genre", .type = XF_STR, .max = 255 },
    { .name = "release_date", .col = "release_date", .type = XF_STR,
      .max = 16 },
    { .name = "rating", .col = "rating", .type = XF_STR, .max = 8 },
    { .name = "backdrop", .col = "backdrop_json", .type = XF_JSONARR,
      .max = 20 },
    { .name = "youtube_trailer", .col = "youtube_trailer", .type = XF_STR,
      .max = 64 },
    { .name = "episode_run_time", .col = "episode_run_time", .type = XF_INT,
      .max = 100000 },
    { .name = "tmdb_id", .col = "tmdb_id", .type = XF_INT,
      .max = 4294967295LL },
    { .name = "enabled", .col = "enabled", .type = XF_BOOL, .max = 1 },
    { .name = "sort_order", .col = "sort_order", .type = XF_INT,
      .min = -1000000, .max = 1000000 },
    { .name = "last_modified", .col = "last_modified", .type = XF_INT,
      .flags = XF_RO },
    { .name = "episodes", .col = "(SELECT COUNT(*) FROM episodes e "
      "WHERE e.series_id = series.id)", .type = XF_INT, .flags = XF_RO },
    { .name = NULL }
};

static const xt_filter_t  xt_series_filters[] = {
    { "category_id", "category_id = ?", XQ_INT, NULL },
    { "enabled", "enabled = ?", XQ_BOOL, NULL },
    { NULL, NULL, 0, NULL }
};

static const xt_res_t  xt_series_res = {
    .name = "series",
    .from = "series",
    .table = "series",
    .id_col = "id",
    .fields = xt_series_fields,
    .filters = xt_series_filters,
    .order = "id",
    .create_cols = "last_modified",
    .create_vals = "UNIX_TIMESTAMP()",
};

static const xt_field_t  xt_season_fields[] = {
    { .name = "season_number", .col = "season_number", .type = XF_INT,
      .flags = XF_REQ | XF_ONCE | XF_UNIQUE, .min = 1, .max = 10000 },
    { .name = "name", .col = "name", .type = XF_STR, .flags = XF_SEARCH,
      .max = 255 },
    { .name = "air_date", .col = "air_date", .type = XF_STR, .max = 16 },
    { .name = "overview", .col = "overview", .type = XF_TEXT, .max = 65535 },
    { .name = "cover", .col = "cover", .type = XF_STR, .max = 1024 },
    { .name = "cover_big", .col = "cover_big", .type = XF_STR, .max = 1024 },
    { .name = NULL }
};


/* seasons are keyed by (series_id, season_number): the engine runs on a
   copy of the resource scoped to this series (the id is a number checked
   by xt_admin_seg_id, 1..UINT32_MAX, so formatting it is safe) */
static int
xt_admin_seasons(xt_admin_req_t *rq, long long series_id)
{
    xt_res_t    res;
    char        scope[64], val[24];
    unsigned    i;
    long long   one;
    xt_binds_t  bs;

    xt_binds_reset(&bs);
    xt_bind_int(&bs, series_id);
    if (xt_sql_int(rq, "SELECT 1 FROM series WHERE id = ?", &bs, 0, &one)
        <= 0)
    {
        return rq->err_code ? -1 : xt_admin_err(rq, 404, "not_found", NULL,
                                                "series %lld: not found",
                                                series_id);
    }
    snprintf(scope, sizeof(scope), "series_id = %lld", series_id);
    snprintf(val, sizeof(val), "%lld", series_id);
    memset(&res, 0, sizeof(res));
    res.name = "series_seasons";
    res.from = "series_seasons";
    res.table = "series_seasons";
    res.id_col = "season_number";
    res.fields = xt_season_fields;
    res.order = "season_number";
    res.create_cols = "series_id";
    res.create_vals = val;
    res.scope = scope;

    /* /series/7/seasons/2 -> seasons/2 */
    for (i = 2; i < rq->nseg; i++) {
        memcpy(rq->seg[i - 2], rq->seg[i], sizeof(rq->seg[0]));
    }
    rq->nseg -= 2;
    if (rq->nseg > 2) {
        return xt_admin_err(rq, 404, "not_found", NULL, "no such path");
    }
    return xt_admin_crud(rq, &res);
}


int
xt_admin_series(xt_admin_req_t *rq)
{
    long long  id;

    if (rq->nseg >= 3 && strcmp(rq->seg[2], "seasons") == 0) {
        id = xt_admin_seg_id(rq->seg[1]);
        if (id < 0) {
            return xt_admin_err(rq, 404, "not_found", NULL, "series: bad id");
        }
        return xt_admin_seasons(rq, id);
    }
    return xt_admin_crud(rq, &xt_series_res);
}
