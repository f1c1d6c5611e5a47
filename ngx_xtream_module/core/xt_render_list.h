/*
 * List responses spliced from the snapshot's pre-rendered JSON fragments.
 * A list yields pieces: a small generated prefix ("[", ",", {"num":N,) and
 * a fragment that stays in the mapped snapshot, so the nginx glue can send
 * the fragment bytes without copying them.  Rewind and walk twice to learn
 * the exact length first.
 */

#ifndef XT_RENDER_LIST_H
#define XT_RENDER_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "xt_entitle.h"
#include "xt_sink.h"


#define XT_PREFIX_MAX   24      /* ,{"num":4294967295, */


typedef enum {
    XT_LIST_LIVE_STREAMS = 1,
    XT_LIST_LIVE_CATEGORIES,
    XT_LIST_VOD_STREAMS,
    XT_LIST_VOD_CATEGORIES,
    XT_LIST_SERIES,
    XT_LIST_SERIES_CATEGORIES
} xt_list_kind_e;

typedef struct {
    char         prefix[XT_PREFIX_MAX];
    size_t       prefix_len;
    const char  *frag;                  /* inside the snapshot */
    size_t       frag_len;
} xt_piece_t;

typedef struct {
    xt_list_kind_e   kind;
    xt_title_kind_e  title;             /* what the iterator walks */
    uint32_t         cat_type;          /* XT_CAT_* of category lists */
    const xt_snap_t *cat;
    xt_live_iter_t   live;
    uint32_t         category_id;       /* 0 = all */

    /* params[offset], params[items_per_page]: 0 = no limit */
    uint32_t         offset;
    uint32_t         limit;
    uint32_t         skipped;

    /* categories: sorted ids used by the line's streams */
    uint32_t        *used;
    uint32_t         nused;
    uint32_t         ci;

    uint32_t         n;                 /* items emitted so far */
} xt_list_t;


/* scratch bytes a list over this catalog needs (bitmap + id array) */
size_t xt_list_scratch_size(const xt_snap_t *cat);

/* scratch: xt_list_scratch_size() bytes, 4-byte aligned */
void xt_list_init(xt_list_t *l, xt_list_kind_e kind, const xt_snap_t *cat,
    const xt_snap_t *lines, const xt_snap_line_t *line, uint32_t category_id,
    void *scratch);

void xt_list_rewind(xt_list_t *l);

/* server-side paging of the items (after the category filter) */
void xt_list_page(xt_list_t *l, uint32_t offset, uint32_t limit);

/* the list as an xt_chunk_next_pt source (xt_sink.h): data is the list,
   which must also hold room for the piece (see xt_list_chunk_t) */
typedef struct {
    xt_list_t    list;
    xt_piece_t   pc;
    int          closed;
} xt_list_chunk_t;

int xt_list_chunk_next(void *data, xt_chunk_t *c);

/* 1 with the next piece, 0 at the end */
int xt_list_next(xt_list_t *l, xt_piece_t *pc);

/* the closing bytes after the last piece: "]" or "[]" for an empty list */
const char *xt_list_close(const xt_list_t *l, size_t *len);

/* the whole list through a sink */
void xt_render_list(xt_list_t *l, xt_sink_pt sink, void *ctx);

/* exact byte length of the whole list; leaves the list rewound */
uint64_t xt_list_size(xt_list_t *l);

#endif /* XT_RENDER_LIST_H */
