/*
 * Snapshot compilers: one per kind, each reads its tables with streaming
 * prepared statements and writes one snapshot file atomically.
 * Extension point: movies/series/episodes go into xt_compile_catalog.c,
 * the EPG into xt_compile_epg.c, without touching the others.
 */
#ifndef XT_COMPILE_H
#define XT_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "xt_db.h"
#include "xt_snap_format.h"

typedef struct {
    uint64_t  generation;
    size_t    records;      /* main records (lines, live streams, ...) */
    size_t    bytes;        /* file size */
} xt_compile_stats_t;

typedef int (*xt_compile_fn)(xt_db_t *db, const char *dir,
    xt_compile_stats_t *stats, char *err, size_t errlen);

typedef struct {
    const char     *domain;     /* change_counters.domain */
    const char     *file;
    xt_compile_fn   build;
    unsigned        refresh_s;  /* rebuild this often even without a
                                   change (0 = never): the EPG window
                                   slides with time */
} xt_kind_t;

/* one row per snapshot kind (checked at compile time), so arrays of
   XT_SNAP_KIND_LAST items hold one value per row */
extern const xt_kind_t  xt_kinds[XT_SNAP_KIND_LAST];
extern const unsigned   xt_nkinds;

int xt_compile_lines(xt_db_t *db, const char *dir, xt_compile_stats_t *stats,
    char *err, size_t errlen);
int xt_compile_catalog(xt_db_t *db, const char *dir,
    xt_compile_stats_t *stats, char *err, size_t errlen);
int xt_compile_epg(xt_db_t *db, const char *dir, xt_compile_stats_t *stats,
    char *err, size_t errlen);
/* cluster.snap: servers, loads, placement, per-line counts (issue 11) */
int xt_compile_cluster(xt_db_t *db, const char *dir,
    xt_compile_stats_t *stats, char *err, size_t errlen);

/* write a finished writer to dir/file and fill stats; frees w */
int xt_compile_install(void *w, const char *dir, const char *file,
    xt_compile_stats_t *stats, char *err, size_t errlen);

#endif
