/* Catch-up archive: every finished segment of variant 0 is hard-linked
 * (copied when the archive is on another file system) into
 *   ARCHIVE/<hour>/<start_ms>.ts      hour = start_ms / 3600000 (UTC)
 * and then described by one fixed-size record appended to
 *   ARCHIVE/<hour>/index
 * so a reader never sees a record whose file is missing (docs/CONTRACTS.md
 * "Catch-up archive").  The archive outlives the worker: a restarted worker
 * appends to the same hour files (its PDT never goes backwards). */
#ifndef XTW_ARCHIVE_H
#define XTW_ARCHIVE_H

#include <stdint.h>

/* "SSSSSSSSSSSSS DDDDDDDD BBBBBBBBBBBB F\n": start ms, duration ms,
 * bytes, F = 'D' (discontinuity before it) or '-' */
#define XTW_ARCH_REC_LEN 38

/* Formats one index record into out (XTW_ARCH_REC_LEN + 1 bytes). */
int arch_record(char *out, int64_t start_ms, int64_t dur_ms, int64_t bytes, int disc);
/* Archives the finished segment at path; 0, or -1 (errno set; the live
 * output is never affected by an archive failure). */
int arch_add(const char *archive_dir, const char *path, int64_t start_ms, int64_t dur_ms, int disc);

#endif
