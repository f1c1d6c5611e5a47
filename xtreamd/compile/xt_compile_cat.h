/*
 * The catalog compiler's shared state: xt_compile_catalog.c runs the steps
 * (settings, categories, live + live M3U, movies, series + episodes,
 * servers, bouquets), one file per step.
 */
#ifndef XT_COMPILE_CAT_H
#define XT_COMPILE_CAT_H

#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "xt_db.h"
#include "xt_render.h"
#include "xt_snap_writer.h"

typedef struct {
    xt_db_t           *db;
    xt_snap_writer_t  *w;
    yajl_gen           g;
    xt_buf_t           line;        /* scratch for M3U lines */
    xt_buf_t           name;        /* scratch for episode names */
    uint32_t          *live_ids;    /* record i has id live_ids[i] */
    size_t             nlive;
    xt_snap_str_t     *live_m3u;    /* LIVE_M3U, parallel to LIVE */
    size_t             live_m3u_cap;
    uint32_t          *movie_ids;
    size_t             nmovies;
    uint32_t          *series_ids;
    size_t             nseries;
    size_t             nepisodes;
    char              *err;
    size_t             errlen;
} xt_cat_t;

int xt_cat_dbfail(xt_cat_t *c);
int xt_cat_oom(xt_cat_t *c);
/* the writer's error into c->err; returns rc */
int xt_cat_section(xt_cat_t *c, uint32_t id, uint32_t count,
    const void *data, size_t size);
/* the rendered document of c->g into STRINGS */
xt_snap_str_t xt_cat_json(xt_cat_t *c);
/* index of id in the sorted ids[n], or -1 */
long xt_cat_index(const uint32_t *ids, size_t n, uint32_t id);
/* a column value as a view; NULL gives "" */
xt_sv_t xt_cat_sv(const xt_row_t *r, unsigned col);

/* steps */
int xt_cat_live_m3u_add(xt_cat_t *c, xt_sv_t epg_id, xt_sv_t name,
    xt_sv_t icon, xt_sv_t category, unsigned archive_days, int radio);
int xt_cat_live_m3u_section(xt_cat_t *c);
int xt_cat_movies(xt_cat_t *c);
int xt_cat_series(xt_cat_t *c);
int xt_cat_servers(xt_cat_t *c);

#endif
