/*
 * EPG snapshot: its sections come with the EPG work.  Until then an empty,
 * valid epg.snap is installed so readers always find all three kinds.
 */
#include <stdio.h>

#include "xt_compile.h"
#include "xt_snap_writer.h"


int
xt_compile_epg(xt_db_t *db, const char *dir, xt_compile_stats_t *stats,
    char *err, size_t errlen)
{
    xt_snap_writer_t  *w;

    (void) db;
    stats->generation = xt_snap_next_generation(dir, XT_SNAP_FILE_EPG,
                                                XT_SNAP_KIND_EPG);
    stats->records = 0;
    w = xt_snap_writer_new(XT_SNAP_KIND_EPG, stats->generation);
    if (w == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return xt_compile_install(w, dir, XT_SNAP_FILE_EPG, stats, err, errlen);
}
