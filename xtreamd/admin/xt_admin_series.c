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
    { "name", "name", XF_STR, XF_REQ | XF_SEARCH, 1, 255, NULL, NULL, NULL,
      NULL },
    { "category_id", "category_id", XF_REF, 0, 1, 4294967295LL, NULL, NULL,
      "SELECT 1 FROM categories WHERE id = ? AND type = 'series'",
      "series category" },
    { "cover", "cover", XF_STR, 0, 0, 1024, NULL, NULL, NULL, NULL },
    { "plot", "plot", XF_TEXT, 0, 0, 65535, NULL, NULL, NULL, NULL },
    { "cast", "cast", XF_STR, 0, 0, 1024, NULL, NULL, NULL, NULL },
    { "director", "director", XF_STR, 0, 0, 255, NULL, NULL, NULL, NULL },
    { "genre", "genre", XF_STR, 0, 0, 255, NULL, NULL, NULL, NULL },
    { "release_date", "release_date", XF_STR, 0, 0, 16, NULL, NULL, NULL,
      NULL },
    { "rating", "rating", XF_STR, 0, 0, 8, NULL, NULL, NULL, NULL },
    { "backdrop", "backdrop_json", XF_JSONARR, 0, 0, 20, NULL, NULL, NULL,
      NULL },
    { "youtube_trailer", "youtube_trailer", XF_STR, 0, 0, 64, NULL, NULL,
      NULL, NULL },
    { "episode_run_time", "episode_run_time", XF_INT, 0, 0, 100000, NULL,
      NULL, NULL, NULL },
    { "tmdb_id", "tmdb_id", XF_INT, 0, 0, 4294967295LL, NULL, NULL, NULL,
      NULL },
    { "enabled", "enabled", XF_BOOL, 0, 0, 1, NULL, NULL, NULL, NULL },
    { "sort_order", "sort_order", XF_INT, 0, -1000000, 1000000, NULL, NULL,
      NULL, NULL },
    { "last_modified", "last_modified", XF_INT, XF_RO, 0, 0, NULL, NULL, NULL,
      NULL },
    { "episodes", "(SELECT COUNT(*) FROM episodes e "
      "WHERE e.series_id = series.id)", XF_INT, XF_RO, 0, 0, NULL, NULL, NULL,
      NULL },
    { NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
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
    { "season_number", "season_number", XF_INT, XF_REQ | XF_ONCE | XF_UNIQUE,
      1, 10000, NULL, NULL, NULL, NULL },
    { "name", "name", XF_STR, XF_SEARCH, 0, 255, NULL, NULL, NULL, NULL },
    { "air_date", "air_date", XF_STR, 0, 0, 16, NULL, NULL, NULL, NULL },
    { "overview", "overview", XF_TEXT, 0, 0, 65535, NULL, NULL, NULL, NULL },
    { "cover", "cover", XF_STR, 0, 0, 1024, NULL, NULL, NULL, NULL },
    { "cover_big", "cover_big", XF_STR, 0, 0, 1024, NULL, NULL, NULL, NULL },
    { NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
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
