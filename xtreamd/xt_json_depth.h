/*
 * Nesting depth of a JSON text, before yajl_tree_parse() sees it: yajl
 * parses any depth (its stacks are on the heap), but yajl_tree_free()
 * recurses once per level, so a document of a million "[" overflows the
 * C stack when the tree is freed.  Documents we accept nest a few levels.
 */
#ifndef XT_JSON_DEPTH_H
#define XT_JSON_DEPTH_H

#include <stddef.h>

/* 1 when no array or object of text[0..len) nests deeper than max
   (brackets inside strings do not count), 0 otherwise */
int xt_json_depth_ok(const char *text, size_t len, unsigned max);

#endif
