/*
 * panel_api.php splicing.  The fragments are get_*_streams items made by
 * yajl in the daemon ({"name":...}); the module strips their braces and
 * writes "ID":{"num":N, before and the panel keys (category_name through
 * xt_render_string, constants otherwise) after.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_render_login.h"
#include "xt_panel.h"


enum {
    XT_PANEL_HEAD = 0,
    XT_PANEL_CATS,
    XT_PANEL_LIVE,
    XT_PANEL_MOVIES,
    XT_PANEL_END,
    XT_PANEL_DONE
};


typedef struct {
    char    *p;
    size_t   left;
    int      failed;
} xt_panel_buf_t;


static void
xt_panel_sink(void *ctx, const char *p, size_t len)
{
    xt_panel_buf_t  *b = ctx;

    if (len > b->left) {
        b->failed = 1;
        return;
    }

    memcpy(b->p, p, len);
    b->p += len;
    b->left -= len;
}


size_t
xt_panel_scratch_size(const xt_snap_t *cat)
{
    size_t    n;

    n = cat->nlive;
    n = cat->nmovies > n ? cat->nmovies : n;
    n = cat->nseries > n ? cat->nseries : n;

    return ((xt_title_bitmap_size(cat) + 3) & ~(size_t) 3)
           + n * sizeof(uint32_t) + 8;
}


static int
xt_panel_u32_cmp(const void *a, const void *b)
{
    uint32_t  x = *(const uint32_t *) a, y = *(const uint32_t *) b;

    return (x > y) - (x < y);
}


static uint32_t
xt_panel_title_category(const xt_snap_t *cat, xt_title_kind_e kind,
    uint32_t idx)
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


/* the sorted, unique category ids of the line's titles of one kind: a
   line never sees another bouquet's categories (same set as player_api) */
static void
xt_panel_used(xt_panel_t *p, xt_title_kind_e kind)
{
    uint32_t  idx, i, n = 0;

    p->used = (uint32_t *) (p->seen
                            + ((xt_title_bitmap_size(p->cat) + 3)
                               & ~(size_t) 3));

    xt_title_iter_init(&p->it, kind, p->cat, p->lines, p->line, p->seen);
    while (xt_title_iter_next(&p->it, &idx)) {
        p->used[n++] = xt_panel_title_category(p->cat, kind, idx);
    }

    qsort(p->used, n, sizeof(uint32_t), xt_panel_u32_cmp);

    p->nused = 0;
    for (i = 0; i < n; i++) {
        if (p->nused == 0 || p->used[p->nused - 1] != p->used[i]) {
            p->used[p->nused++] = p->used[i];
        }
    }
}


void
xt_panel_init(xt_panel_t *p, const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, const char *head, size_t head_len,
    void *scratch)
{
    memset(p, 0, offsetof(xt_panel_t, suffix));

    p->cat = cat;
    p->lines = lines;
    p->line = line;
    p->head = head;
    p->head_len = head_len;
    p->seen = scratch;
}


static const uint32_t     xt_panel_types[] = {
    XT_CAT_LIVE, XT_CAT_MOVIE, XT_CAT_SERIES
};
static const char * const xt_panel_type_keys[] = {
    "\"live\":[", "],\"movie\":[", "],\"series\":["
};


/* the keys after an item's own: panel-only fields, then "}" */
static void
xt_panel_suffix(xt_panel_t *p, xt_snap_str_t catname, int live)
{
    char            *s;
    size_t           len;
    xt_panel_buf_t   b;

    s = p->suffix;
    s += sprintf(s, ",\"type_name\":\"%s\",\"category_name\":",
                 live ? "Live Streams" : "Movies");

    b.p = s;
    b.left = sizeof(p->suffix) - (size_t) (s - p->suffix) - 200;
    b.failed = 0;

    len = catname.len > 256 ? 256 : catname.len;

    if (xt_render_string(xt_snap_strp(p->cat, catname), len, xt_panel_sink,
                         &b) != 0
        || b.failed)
    {
        b.p = s;
        *b.p++ = '"';
        *b.p++ = '"';
    }

    s = b.p;

    if (live) {
        s += sprintf(s, ",\"series_no\":null,\"live\":\"1\","
                        "\"container_extension\":\"ts\"}");
    } else {
        s += sprintf(s, ",\"series_no\":null,\"live\":\"0\","
                        "\"tv_archive\":0,\"tv_archive_duration\":0}");
    }

    p->suffix_len = (size_t) (s - p->suffix);
}


/* gen = pending suffix + separator + "ID":{"num":N, ; frag = item body */
static int
xt_panel_item(xt_panel_t *p, xt_chunk_t *c, uint32_t id, xt_snap_str_t json,
    xt_snap_str_t catname, int live)
{
    char  *g;

    g = p->gen;
    memcpy(g, p->suffix, p->suffix_len);
    g += p->suffix_len;

    p->n++;
    g += sprintf(g, "%s\"%u\":{\"num\":%u,", p->n > 1 ? "," : "",
                 (unsigned) id, (unsigned) p->n);

    c->gen = p->gen;
    c->gen_len = (size_t) (g - p->gen);

    /* "{...}" without its braces; "{}" leaves nothing but a dangling
       comma, so such items carry a placeholder key */
    if (json.len > 2) {
        c->frag = xt_snap_strp(p->cat, json) + 1;
        c->frag_len = json.len - 2;

    } else {
        c->frag = "\"name\":\"\"";
        c->frag_len = 9;
    }

    xt_panel_suffix(p, catname, live);

    return 1;
}


int
xt_panel_next(void *data, xt_chunk_t *c)
{
    xt_panel_t *p = data;

    char                      *g;
    uint32_t                   idx, t;
    const xt_snap_movie_t     *mv;
    const xt_snap_live_t      *lv;
    const xt_snap_category_t  *cg;

    c->gen = p->gen;
    c->gen_len = 0;
    c->frag = NULL;
    c->frag_len = 0;

    for ( ;; ) {
        switch (p->phase) {

        case XT_PANEL_HEAD:
            c->gen = p->head;
            c->gen_len = p->head_len;
            p->phase = XT_PANEL_CATS;
            p->ci = 0;
            p->ncat = 0;
            c->frag = ",\"categories\":{\"live\":[";
            c->frag_len = strlen(c->frag);
            return 1;

        case XT_PANEL_CATS:
            /* ci counts over types x categories */
            t = p->ci / (p->cat->ncategories + 1);
            idx = p->ci % (p->cat->ncategories + 1);

            if (t == 3) {
                p->phase = XT_PANEL_LIVE;
                xt_title_iter_init(&p->it, XT_TITLE_LIVE, p->cat, p->lines,
                                   p->line, p->seen);
                c->frag = "]},\"available_channels\":{";
                c->frag_len = strlen(c->frag);
                return 1;
            }

            if (idx == 0) {
                xt_panel_used(p, t == 0 ? XT_TITLE_LIVE
                                 : t == 1 ? XT_TITLE_MOVIE : XT_TITLE_SERIES);
            }

            p->ci++;

            if (idx == p->cat->ncategories) {
                /* end of this type: open the next */
                p->ncat = 0;
                if (t < 2) {
                    c->frag = xt_panel_type_keys[t + 1];
                    c->frag_len = strlen(c->frag);
                    return 1;
                }
                continue;
            }

            cg = &p->cat->categories[idx];
            if (cg->type != xt_panel_types[t]
                || bsearch(&cg->id, p->used, p->nused, sizeof(uint32_t),
                           xt_panel_u32_cmp) == NULL)
            {
                continue;
            }

            if (p->ncat++ > 0) {
                p->gen[0] = ',';
                c->gen_len = 1;
            }

            c->frag = xt_snap_strp(p->cat, cg->json);
            c->frag_len = cg->json.len;
            return 1;

        case XT_PANEL_LIVE:
            if (!xt_title_iter_next(&p->it, &idx)) {
                /* live only: movie ids are a separate id space here (XC2
                   had one streams table), "ID" keys would collide */
                p->phase = XT_PANEL_END;
                continue;
            }

            lv = &p->cat->live[idx];
            return xt_panel_item(p, c, lv->id, lv->json, lv->category_name,
                                 1);

        case XT_PANEL_MOVIES:
            if (!xt_title_iter_next(&p->it, &idx)) {
                p->phase = XT_PANEL_END;
                continue;
            }

            mv = &p->cat->movies[idx];
            return xt_panel_item(p, c, mv->id, mv->json, mv->category_name,
                                 0);

        case XT_PANEL_END:
            g = p->gen;
            memcpy(g, p->suffix, p->suffix_len);
            g += p->suffix_len;
            *g++ = '}';
            *g++ = '}';
            c->gen_len = (size_t) (g - p->gen);
            p->phase = XT_PANEL_DONE;
            return 1;

        default:
            return 0;
        }
    }
}
