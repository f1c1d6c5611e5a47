/* /admin/api/bouquets: a name and its ordered live, movie and series
   contents (bouquet_items). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/xt_admin_crud.h"
#include "admin/xt_admin_fields.h"
#include "admin/xt_admin_sql.h"

#define XT_BOUQUET_ITEMS_MAX  100000

static const xt_field_t  xt_bq_fields[] = {
    { .name = "name", .col = "name", .type = XF_STR,
      .flags = XF_REQ | XF_UNIQUE | XF_SEARCH, .min = 1, .max = 255 },
    { .name = "sort_order", .col = "sort_order", .type = XF_INT,
      .min = -1000000, .max = 1000000 },
    { .name = NULL }
};

static const char *const  xt_bq_extra[] = { "live", "movies", "series", NULL };

/* body key, item_type, table the ids live in */
static const struct {
    const char  *key, *type, *exists;
} xt_bq_kinds[] = {
    { "live", "live", "SELECT 1 FROM streams WHERE id = ?" },
    { "movies", "movie", "SELECT 1 FROM movies WHERE id = ?" },
    { "series", "series", "SELECT 1 FROM series WHERE id = ?" },
};


/* the ids of one kind, validated; *ids is malloc'd (free it) */
static int
xt_bq_ids(xt_admin_req_t *rq, unsigned k, long long **ids, size_t *n,
    int *present)
{
    yajl_val  v = xt_field_get(rq->json, xt_bq_kinds[k].key);
    size_t    max;

    *ids = NULL;
    *n = 0;
    *present = 0;
    if (v == NULL) {
        return 0;
    }
    max = YAJL_IS_ARRAY(v) ? v->u.array.len : 0;
    if (max > XT_BOUQUET_ITEMS_MAX) {
        return xt_admin_err(rq, 400, "bad_field", xt_bq_kinds[k].key,
                            "%s: at most %d items", xt_bq_kinds[k].key,
                            XT_BOUQUET_ITEMS_MAX);
    }
    *ids = calloc(max + 1, sizeof(long long));
    if (*ids == NULL) {
        return xt_admin_err(rq, 503, "unavailable", NULL, "out of memory");
    }
    return xt_field_ids(rq, rq->json, xt_bq_kinds[k].key, max, *ids, n,
                        present);
}


static int
xt_bq_validate(xt_admin_req_t *rq, long long id, int create)
{
    long long  *ids;
    size_t      n;
    unsigned    k;
    int         present, rc;

    (void) id;
    (void) create;
    for (k = 0; k < 3; k++) {
        rc = xt_bq_ids(rq, k, &ids, &n, &present);
        if (rc == 0) {
            rc = xt_admin_ids_exist(rq, xt_bq_kinds[k].key, ids, n,
                                    xt_bq_kinds[k].exists);
        }
        free(ids);
        if (rc != 0) {
            return -1;
        }
    }
    return 0;
}


static int
xt_bq_store(xt_admin_req_t *rq, long long id, int create)
{
    long long  *ids;
    size_t      n, i;
    unsigned    k;
    int         present, rc = 0;
    xt_binds_t  bs;

    (void) create;
    for (k = 0; k < 3 && rc == 0; k++) {
        (void) xt_bq_ids(rq, k, &ids, &n, &present);
        if (present) {
            xt_binds_reset(&bs);
            xt_bind_int(&bs, id);
            xt_bind_cstr(&bs, xt_bq_kinds[k].type);
            if (xt_sql_exec(rq, "DELETE FROM bouquet_items WHERE "
                            "bouquet_id = ? AND item_type = ?", &bs, NULL) < 0)
            {
                rc = -1;
            }
            for (i = 0; i < n && rc == 0; i++) {
                xt_binds_reset(&bs);
                xt_bind_int(&bs, id);
                xt_bind_cstr(&bs, xt_bq_kinds[k].type);
                xt_bind_int(&bs, ids[i]);
                xt_bind_int(&bs, (long long) i);
                if (xt_sql_exec(rq, "INSERT INTO bouquet_items (bouquet_id, "
                                "item_type, item_id, sort_order) VALUES "
                                "(?, ?, ?, ?)", &bs, NULL) < 0)
                {
                    rc = -1;
                }
            }
        }
        free(ids);
    }
    return rc;
}


static int
xt_bq_emit(xt_admin_req_t *rq, long long id)
{
    return xt_admin_emit_ids(rq, "live", "SELECT item_id FROM bouquet_items "
                             "WHERE bouquet_id = ? AND item_type = 'live' "
                             "ORDER BY sort_order, item_id", id) != 0
           || xt_admin_emit_ids(rq, "movies", "SELECT item_id FROM "
                                "bouquet_items WHERE bouquet_id = ? AND "
                                "item_type = 'movie' ORDER BY sort_order, "
                                "item_id", id) != 0
           || xt_admin_emit_ids(rq, "series", "SELECT item_id FROM "
                                "bouquet_items WHERE bouquet_id = ? AND "
                                "item_type = 'series' ORDER BY sort_order, "
                                "item_id", id) != 0 ? -1 : 0;
}

static const xt_res_t  xt_bq_res = {
    .name = "bouquets",
    .from = "bouquets",
    .table = "bouquets",
    .id_col = "id",
    .fields = xt_bq_fields,
    .extra_keys = xt_bq_extra,
    .order = "sort_order, id",
    .validate = xt_bq_validate,
    .store = xt_bq_store,
    .emit = xt_bq_emit,
};


int
xt_admin_bouquets(xt_admin_req_t *rq)
{
    return xt_admin_crud(rq, &xt_bq_res);
}
