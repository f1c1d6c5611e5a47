/*
 * Spliced list rendering.  Fragments were produced by yajl in the daemon;
 * validation guaranteed each is an object "{...}", so for numbered lists
 * the module writes {"num":N, and continues the fragment after its "{".
 */

#include <stdlib.h>
#include <string.h>

#include "xt_render_list.h"


size_t
xt_list_scratch_size(const xt_snap_t *cat)
{
    size_t  bm;

    uint32_t  n;

    bm = (xt_title_bitmap_size(cat) + 3) & ~(size_t) 3;

    n = cat->nlive;
    n = cat->nmovies > n ? cat->nmovies : n;
    n = cat->nseries > n ? cat->nseries : n;

    return bm + (size_t) n * sizeof(uint32_t) + 4;
}


static uint32_t
xt_title_category(const xt_snap_t *cat, xt_title_kind_e kind, uint32_t idx)
{
    switch (kind) {

    case XT_TITLE_MOVIE:
        return cat->movies[idx].category_id;

    case XT_TITLE_SERIES:
        return cat->series[idx].category_id;

    default:
        return cat->live[idx].category_id;
    }
}


static xt_snap_str_t
xt_title_json(const xt_snap_t *cat, xt_title_kind_e kind, uint32_t idx)
{
    switch (kind) {

    case XT_TITLE_MOVIE:
        return cat->movies[idx].json;

    case XT_TITLE_SERIES:
        return cat->series[idx].json;

    default:
        return cat->live[idx].json;
    }
}


static int
xt_list_numbered(const xt_list_t *l)
{
    return l->kind == XT_LIST_LIVE_STREAMS || l->kind == XT_LIST_VOD_STREAMS
           || l->kind == XT_LIST_SERIES;
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

    switch (kind) {

    case XT_LIST_VOD_STREAMS:
    case XT_LIST_VOD_CATEGORIES:
        l->title = XT_TITLE_MOVIE;
        l->cat_type = XT_CAT_MOVIE;
        break;

    case XT_LIST_SERIES:
    case XT_LIST_SERIES_CATEGORIES:
        l->title = XT_TITLE_SERIES;
        l->cat_type = XT_CAT_SERIES;
        break;

    default:
        l->title = XT_TITLE_LIVE;
        l->cat_type = XT_CAT_LIVE;
    }

    xt_title_iter_init(&l->live, l->title, cat, lines, line, scratch);

    if (xt_list_numbered(l)) {
        return;
    }

    /* the categories the line's titles use, sorted and unique */
    bm = (xt_title_bitmap_size(cat) + 3) & ~(size_t) 3;
    ids = (uint32_t *) ((char *) scratch + bm);
    n = 0;

    while (xt_title_iter_next(&l->live, &idx)) {
        ids[n++] = xt_title_category(cat, l->title, idx);
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
    l->skipped = 0;

    if (xt_list_numbered(l)) {
        xt_title_iter_init(&l->live, l->title, l->live.cat, l->live.lines,
                           l->live.line, l->live.seen);
    }
}


void
xt_list_page(xt_list_t *l, uint32_t offset, uint32_t limit)
{
    l->offset = offset;
    l->limit = limit;
}


static int
xt_list_next_fragment(xt_list_t *l, xt_snap_str_t *json)
{
    uint32_t                   idx;
    const xt_snap_category_t  *c;

    if (l->limit && l->n >= l->limit) {
        return 0;
    }

    if (xt_list_numbered(l)) {
        while (xt_title_iter_next(&l->live, &idx)) {
            if (l->category_id != 0
                && xt_title_category(l->cat, l->title, idx) != l->category_id)
            {
                continue;
            }

            if (l->skipped < l->offset) {
                l->skipped++;
                continue;
            }

            *json = xt_title_json(l->cat, l->title, idx);
            return 1;
        }

        return 0;
    }

    while (l->ci < l->cat->ncategories) {
        c = &l->cat->categories[l->ci++];

        /* radio categories are listed with the live ones (XUI) */
        if ((c->type == l->cat_type
             || (l->cat_type == XT_CAT_LIVE && c->type == XT_CAT_RADIO))
            && bsearch(&c->id, l->used, l->nused, sizeof(uint32_t),
                       xt_u32_cmp) != NULL)
        {
            if (l->skipped < l->offset) {
                l->skipped++;
                continue;
            }

            *json = c->json;
            return 1;
        }
    }

    return 0;
}


int
xt_list_next(xt_list_t *l, xt_piece_t *pc)
{
    char            open, *p, *d, digits[10];
    size_t          n;
    uint32_t        v;
    xt_snap_str_t   json;

    if (!xt_list_next_fragment(l, &json)) {
        return 0;
    }

    l->n++;
    open = l->n == 1 ? '[' : ',';

    if (xt_list_numbered(l)) {
        /* open {"num":N, -- by hand: this runs once per item, twice */
        p = pc->prefix;
        *p++ = open;
        memcpy(p, "{\"num\":", 7);
        p += 7;

        for (v = l->n, d = digits + sizeof(digits); v; v /= 10) {
            *--d = (char) ('0' + v % 10);
        }

        n = (size_t) (digits + sizeof(digits) - d);
        memcpy(p, d, n);
        p += n;
        *p++ = ',';

        pc->prefix_len = (size_t) (p - pc->prefix);
        pc->frag = xt_snap_strp(l->cat, json) + 1;
        pc->frag_len = json.len - 1;

    } else {
        pc->prefix[0] = open;
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


int
xt_list_chunk_next(void *data, xt_chunk_t *c)
{
    xt_list_chunk_t *lc = data;

    size_t  len;

    if (lc->closed) {
        return 0;
    }

    if (xt_list_next(&lc->list, &lc->pc)) {
        c->gen = lc->pc.prefix;
        c->gen_len = lc->pc.prefix_len;
        c->frag = lc->pc.frag;
        c->frag_len = lc->pc.frag_len;
        return 1;
    }

    c->gen = xt_list_close(&lc->list, &len);
    c->gen_len = len;
    c->frag = NULL;
    c->frag_len = 0;
    lc->closed = 1;

    return 1;
}
