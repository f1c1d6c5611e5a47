/*
 * Snapshot writer: builds one snapshot file (common/xt_snap_format.h) in
 * memory and installs it atomically.  Depends on libc and zlib only, so the
 * module's unit tests can compile it to make fixtures.
 *
 * Usage: new -> str/u32 while building records -> section per record array
 * -> write (or finish to get the bytes) -> free.  Functions returning int
 * return 0 or -1; after -1, xt_snap_writer_error() says why.  After an
 * allocation failure inside str/u32 the writer is poisoned: str returns
 * {0,0}, u32 returns 0, and finish/write fail with the first error.
 */

#ifndef XT_SNAP_WRITER_H
#define XT_SNAP_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "xt_snap_format.h"


typedef struct xt_snap_writer_s  xt_snap_writer_t;

/* NULL on allocation failure */
xt_snap_writer_t *xt_snap_writer_new(uint32_t kind, uint64_t generation);

/* append bytes to STRINGS, or return the existing offset when identical
   bytes were added before (strings are interned: records may share an
   offset); an empty string is always {0, 0} */
xt_snap_str_t xt_snap_writer_str(xt_snap_writer_t *w, const char *p,
    size_t len);

/* append bytes to STRINGS without interning: for values the caller knows
   are distinct (line usernames, UNIQUE in the schema), where a lookup in
   the intern table is a cache miss that never finds anything.  Bytes
   stored this way are not shared with later xt_snap_writer_str() calls. */
xt_snap_str_t xt_snap_writer_str_unique(xt_snap_writer_t *w, const char *p,
    size_t len);

/* append n values to the U32 pool; returns the index of the first one */
uint32_t xt_snap_writer_u32(xt_snap_writer_t *w, const uint32_t *v,
    size_t n);

/* add a section (data is copied); id must be unique, not STRINGS/U32 */
int xt_snap_writer_section(xt_snap_writer_t *w, uint32_t id, uint32_t count,
    const void *data, size_t size);

/* the whole file in one malloc'd buffer (caller frees): header, STRINGS and
   U32 appended as sections, every section 8-aligned, checksum set */
int xt_snap_writer_finish(xt_snap_writer_t *w, void **buf, size_t *len);

/* write the bytes finish would give to dir/.name.tmp (streamed from the
   writer's buffers, no whole-file copy), fsync, rename to dir/name, fsync
   dir */
int xt_snap_writer_write(xt_snap_writer_t *w, const char *dir,
    const char *name);

/* generation to use for a new build of dir/name: the generation in the
   current file's header + 1, or 1 when there is no valid file */
uint64_t xt_snap_next_generation(const char *dir, const char *name,
    uint32_t kind);

const char *xt_snap_writer_error(xt_snap_writer_t *w);

void xt_snap_writer_free(xt_snap_writer_t *w);

#endif /* XT_SNAP_WRITER_H */
