/*
 * Where renderers write: the yajl print-callback shape.  The callback
 * cannot fail; a sink that can run out of memory records it in its ctx and
 * the caller checks after rendering.
 */

#ifndef XT_SINK_H
#define XT_SINK_H

#include <stddef.h>


typedef void (*xt_sink_pt)(void *ctx, const char *p, size_t len);


/*
 * Large responses come from a chunk source: each chunk is some generated
 * bytes (copied by the caller before the next call) followed by bytes that
 * stay valid for the whole response (a fragment inside a mapped snapshot,
 * sent without copying).  Either part may be empty.  next() returns 1 with
 * a chunk, 0 at the end (the closing bytes came in the last chunk), -1 on
 * error.
 */
typedef struct {
    const char  *gen;
    size_t       gen_len;
    const char  *frag;
    size_t       frag_len;
} xt_chunk_t;

typedef int (*xt_chunk_next_pt)(void *data, xt_chunk_t *c);

#endif /* XT_SINK_H */
