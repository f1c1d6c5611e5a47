/*
 * The daemon's one growable array: realloc() by doubling, overflow-safe.
 * *p stays valid (and owned by the caller) when growing fails.
 */
#ifndef XT_GROW_H
#define XT_GROW_H

#include <stddef.h>

/* make room for at least need items of elem bytes in *p (capacity *cap,
   in items): the first allocation is 256 items, then doubling; 0 ok, -1
   on out of memory or when need * elem does not fit in a size_t */
int xt_reserve(void **p, size_t *cap, size_t need, size_t elem);

/* the same so that index n fits (room for n + 1 items) */
int xt_grow(void **p, size_t *cap, size_t n, size_t elem);

#endif
