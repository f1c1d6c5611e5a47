/*
 * The daemon's side of catch-up archives (docs/CONTRACTS.md "Catch-up
 * archive"): every archive_scan_seconds, hour directories older than their
 * stream's archive days are removed (a stream that no longer archives
 * keeps nothing), and the disk use per stream is logged and written to
 * archive_usage (migration 005).  The workers write the archives.
 */
#ifndef XT_ARCHIVE_PRUNE_H
#define XT_ARCHIVE_PRUNE_H

#include <time.h>

#include "xt_config.h"
#include "xt_db.h"

/* an hour directory (unix hour number) is past a days-long archive */
int xt_archive_hour_expired(long long hour, unsigned days, time_t now);

/* a scan when one is due (always the first time); -1 when the database
   failed (nothing is pruned without the streams' settings) */
int xt_archive_tick(xt_db_t *db, const xt_config_t *cf, time_t now);

#endif
