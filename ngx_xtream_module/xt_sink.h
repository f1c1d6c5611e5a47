/*
 * Where renderers write: the yajl print-callback shape.  The callback
 * cannot fail; a sink that can run out of memory records it in its ctx and
 * the caller checks after rendering.
 */

#ifndef XT_SINK_H
#define XT_SINK_H

#include <stddef.h>


typedef void (*xt_sink_pt)(void *ctx, const char *p, size_t len);

#endif /* XT_SINK_H */
