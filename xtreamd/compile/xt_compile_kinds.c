/* The snapshot kinds, and the shared install step. */
#include <stdio.h>
#include <sys/stat.h>

#include "xt_compile.h"
#include "xt_snap_writer.h"

const xt_kind_t  xt_kinds[] = {
    { "lines",   XT_SNAP_FILE_LINES,   xt_compile_lines,   0 },
    { "catalog", XT_SNAP_FILE_CATALOG, xt_compile_catalog, 0 },
    { "epg",     XT_SNAP_FILE_EPG,     xt_compile_epg,     3600 },
    { "cluster", XT_SNAP_FILE_CLUSTER, xt_compile_cluster, 0 },
};

_Static_assert(sizeof(xt_kinds) / sizeof(xt_kinds[0]) == XT_SNAP_KIND_LAST,
               "xt_kinds: one row per snapshot kind");

const unsigned  xt_nkinds = sizeof(xt_kinds) / sizeof(xt_kinds[0]);


int
xt_compile_install(void *wp, const char *dir, const char *file,
    xt_compile_stats_t *stats, char *err, size_t errlen)
{
    xt_snap_writer_t  *w = wp;
    struct stat        sb;
    int                rc;

    rc = xt_snap_writer_write(w, dir, file);
    if (rc != 0) {
        snprintf(err, errlen, "%s: %s", file, xt_snap_writer_error(w));
    } else {
        char  path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        stats->bytes = stat(path, &sb) == 0 ? (size_t) sb.st_size : 0;
    }
    xt_snap_writer_free(w);
    return rc;
}
