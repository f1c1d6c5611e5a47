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
    XT_LIST_LIVE_CATEGORIES
} xt_list_kind_e;

typedef struct {
    char         prefix[XT_PREFIX_MAX];
    size_t       prefix_len;
    const char  *frag;                  /* inside the snapshot */
    size_t       frag_len;
} xt_piece_t;

typedef struct {
    xt_list_kind_e   kind;
    const xt_snap_t *cat;
    xt_live_iter_t   live;
    uint32_t         category_id;       /* 0 = all */

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

/* 1 with the next piece, 0 at the end */
int xt_list_next(xt_list_t *l, xt_piece_t *pc);

/* the closing bytes after the last piece: "]" or "[]" for an empty list */
const char *xt_list_close(const xt_list_t *l, size_t *len);

/* the whole list through a sink */
void xt_render_list(xt_list_t *l, xt_sink_pt sink, void *ctx);

/* exact byte length of the whole list; leaves the list rewound */
uint64_t xt_list_size(xt_list_t *l);

#endif /* XT_RENDER_LIST_H */
