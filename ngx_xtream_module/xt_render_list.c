/*
 * Spliced list rendering.  Fragments were produced by yajl in the daemon;
 * validation guaranteed each is an object "{...}", so for numbered lists
 * the module writes {"num":N, and continues the fragment after its "{".
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_render_list.h"


size_t
xt_list_scratch_size(const xt_snap_t *cat)
{
    size_t  bm;

    bm = (xt_live_bitmap_size(cat) + 3) & ~(size_t) 3;

    return bm + (size_t) cat->nlive * sizeof(uint32_t) + 4;
}


static int
xt_u32_cmp(const void *a, const void *b)
{
    uint32_t  x = *(const uint32_t *) a, y = *(const uint32_t *) b;

    return (x > y) - (x < y);
}


void
xt_list_init(xt_list_t *l, xt_list_kind_e kind, const xt_snap_t *cat,
    const xt_snap_t *lines, const xt_snap_line_t *line, uint32_t category_id,
    void *scratch)
{
    size_t     bm;
    uint32_t   idx, i, n;
    uint32_t  *ids;

    memset(l, 0, sizeof(xt_list_t));

    l->kind = kind;
    l->cat = cat;
    l->category_id = category_id;

    xt_live_iter_init(&l->live, cat, lines, line, scratch);

    if (kind != XT_LIST_LIVE_CATEGORIES) {
        return;
    }

    /* the categories the line's streams use, sorted and unique */
    bm = (xt_live_bitmap_size(cat) + 3) & ~(size_t) 3;
    ids = (uint32_t *) ((char *) scratch + bm);
    n = 0;

    while (xt_live_iter_next(&l->live, &idx)) {
        ids[n++] = cat->live[idx].category_id;
    }

    qsort(ids, n, sizeof(uint32_t), xt_u32_cmp);

    l->nused = 0;
    for (i = 0; i < n; i++) {
        if (l->nused == 0 || ids[l->nused - 1] != ids[i]) {
            ids[l->nused++] = ids[i];
        }
    }

    l->used = ids;
}


void
xt_list_rewind(xt_list_t *l)
{
    l->n = 0;
    l->ci = 0;

    if (l->kind == XT_LIST_LIVE_STREAMS) {
        xt_live_iter_init(&l->live, l->live.cat, l->live.lines, l->live.line,
                          l->live.seen);
    }
}


static int
xt_list_next_fragment(xt_list_t *l, xt_snap_str_t *json)
{
    uint32_t                   idx;
    const xt_snap_live_t      *lv;
    const xt_snap_category_t  *c;

    if (l->kind == XT_LIST_LIVE_STREAMS) {
        while (xt_live_iter_next(&l->live, &idx)) {
            lv = &l->cat->live[idx];
            if (l->category_id == 0 || lv->category_id == l->category_id) {
                *json = lv->json;
                return 1;
            }
        }

        return 0;
    }

    while (l->ci < l->cat->ncategories) {
        c = &l->cat->categories[l->ci++];

        if (c->type == XT_CAT_LIVE
            && bsearch(&c->id, l->used, l->nused, sizeof(uint32_t),
                       xt_u32_cmp) != NULL)
        {
            *json = c->json;
            return 1;
        }
    }

    return 0;
}


int
xt_list_next(xt_list_t *l, xt_piece_t *pc)
{
    const char     *open;
    xt_snap_str_t   json;

    if (!xt_list_next_fragment(l, &json)) {
        return 0;
    }

    l->n++;
    open = l->n == 1 ? "[" : ",";

    if (l->kind == XT_LIST_LIVE_STREAMS) {
        pc->prefix_len = (size_t) snprintf(pc->prefix, XT_PREFIX_MAX,
                                           "%s{\"num\":%u,", open,
                                           (unsigned) l->n);
        pc->frag = xt_snap_strp(l->cat, json) + 1;
        pc->frag_len = json.len - 1;

    } else {
        pc->prefix[0] = open[0];
        pc->prefix_len = 1;
        pc->frag = xt_snap_strp(l->cat, json);
        pc->frag_len = json.len;
    }

    return 1;
}


const char *
xt_list_close(const xt_list_t *l, size_t *len)
{
    if (l->n == 0) {
        *len = 2;
        return "[]";
    }

    *len = 1;
    return "]";
}


void
xt_render_list(xt_list_t *l, xt_sink_pt sink, void *ctx)
{
    size_t       len;
    const char  *close;
    xt_piece_t   pc;

    while (xt_list_next(l, &pc)) {
        sink(ctx, pc.prefix, pc.prefix_len);
        sink(ctx, pc.frag, pc.frag_len);
    }

    close = xt_list_close(l, &len);
    sink(ctx, close, len);
}


uint64_t
xt_list_size(xt_list_t *l)
{
    size_t       len;
    uint64_t     total;
    xt_piece_t   pc;

    total = 0;

    while (xt_list_next(l, &pc)) {
        total += pc.prefix_len + pc.frag_len;
    }

    xt_list_close(l, &len);
    total += len;

    xt_list_rewind(l);

    return total;
}
