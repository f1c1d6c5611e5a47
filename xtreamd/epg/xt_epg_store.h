/*
 * Where an XMLTV import goes: one transaction per source.  It starts by
 * deleting the source's programmes and channels, then inserts what the
 * parser hands over in multi-row prepared INSERTs, and commits only when
 * the whole document was usable.  Readers (the epg.snap compiler) keep
 * seeing the previous guide until COMMIT; a refused document rolls back,
 * so the old guide stays whole.  The change triggers are muted with
 * @xt_bulk and the epg counter bumped once, before COMMIT.
 *
 * Ownership: a channel belongs to the source that first provided it
 * (epg_channels.source_id); another source's programmes for it are
 * skipped (other_source).  Claiming a channel that has no source (epg
 * demo, JSON import) replaces its sourceless programmes.
 */
#ifndef XT_EPG_STORE_H
#define XT_EPG_STORE_H

#include <stdint.h>

#include "xt_db.h"
#include "xt_epg_xmltv.h"

#define XT_EPG_MAX_CHANNELS      100000
#define XT_EPG_MAX_PER_CHANNEL   20000

typedef struct xt_epg_store_s  xt_epg_store_t;

/* BEGIN and clear the source's rows; programmes outside [from, to) are
   not stored (XT_EPG_OUTSIDE).  NULL with db->err set. */
xt_epg_store_t *xt_epg_store_begin(xt_db_t *db, uint32_t source,
    int64_t from, int64_t to, int64_t now);

/* xt_xmltv_t callbacks (ctx = the store); -1 = database error */
int xt_epg_store_channel(void *ctx, const xt_epg_chan_t *c, int *reason);
int xt_epg_store_programme(void *ctx, const xt_epg_prog_t *p, int *reason);

/* flush, bump the epg counter, COMMIT; 0 or -1 (db->err).  *channels:
   channels this source owns now. */
int xt_epg_store_commit(xt_epg_store_t *s, unsigned long long *channels);

/* after commit: what became of the programmes without stop (each ends
   where the channel's next one starts; the last one of a channel is
   skipped as missing_field): skip has XT_EPG_SKIP_COUNT entries */
void xt_epg_store_late(const xt_epg_store_t *s, unsigned long long *stored,
    unsigned long long *outside, unsigned long long *skip);

/* ROLLBACK when not committed, and free */
void xt_epg_store_free(xt_epg_store_t *s);

/* delete programmes that ended before `before` (all sources), in
   batches; *rows gets the count; 0 or -1 (db->err) */
int xt_epg_prune(xt_db_t *db, int64_t before, unsigned long long *rows);

#endif
