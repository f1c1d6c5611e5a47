/*
 * Enigma2 outputs (xt_e2.h).  The XML has one shape for every level:
 * <items><playlist_name/><category/> then <channel>s that link either the
 * next level (playlist_url) or a stream (stream_url).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_e2.h"
#include "xt_render_epg.h"
#include "xt_text.h"


typedef struct {
    const xt_e2_req_t  *req;
    xt_sink_pt          sink;
    void               *ctx;
    uint8_t            *seen;
    uint32_t           *ids;
    char               *fix;        /* utf8 fix of one text */
    char               *out;        /* its base64 or escape */
    char               *text;       /* a text being composed */
} xt_e2_t;


size_t
xt_e2_scratch_size(const xt_snap_t *cat)
{
    uint32_t  n = cat->nlive;

    n = n > cat->nmovies ? n : cat->nmovies;
    n = n > cat->nseries ? n : cat->nseries;
    n = n > cat->nepisodes ? n : cat->nepisodes;

    return xt_title_bitmap_size(cat) + 8 + (size_t) n * sizeof(uint32_t)
           + 3 * XT_E2_TEXT_MAX + 16            /* fix */
           + 6 * 3 * XT_E2_TEXT_MAX + 16        /* out: escape of fix */
           + XT_E2_TEXT_MAX + 16;               /* text */
}


#define XT_PUTS(e, s)  (e)->sink((e)->ctx, s, sizeof(s) - 1)


static void
xt_e2_put(xt_e2_t *e, const char *p, size_t len)
{
    e->sink(e->ctx, p, len);
}


/* escaped text, or its base64 (of repaired UTF-8) */
static void
xt_e2_text(xt_e2_t *e, const char *p, size_t len, int b64)
{
    size_t  n;

    if (len > XT_E2_TEXT_MAX) {
        len = XT_E2_TEXT_MAX;
    }

    n = xt_utf8_replace_invalid(e->fix, (const unsigned char *) p, len);
    n = b64 ? xt_base64_encode(e->out, (const unsigned char *) e->fix, n)
            : xt_xml_escape(e->out, e->fix, n);
    xt_e2_put(e, e->out, n);
}


/* a URL inside CDATA; one that could end the section is left out */
static void
xt_e2_cdata(xt_e2_t *e, const char *p, size_t len)
{
    size_t  i;

    for (i = 0; i + 2 < len; i++) {
        if (p[i] == ']' && p[i + 1] == ']' && p[i + 2] == '>') {
            return;
        }
    }

    XT_PUTS(e, "<![CDATA[");
    xt_e2_put(e, p, len);
    XT_PUTS(e, "]]>");
}


static void
xt_e2_head(xt_e2_t *e, const char *title)
{
    const xt_e2_req_t  *q = e->req;

    XT_PUTS(e, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<items>\n"
               "<playlist_name>");
    xt_e2_text(e, q->name, q->name_len, 0);
    XT_PUTS(e, "</playlist_name>\n<category><category_id>1</category_id>"
               "<category_title>");
    xt_e2_text(e, title, strlen(title), 0);
    XT_PUTS(e, "</category_title></category>\n");
}


/* one <channel>: a link to the next level (query) or a stream (url) */
static void
xt_e2_channel(xt_e2_t *e, const char *title, size_t title_len,
    const char *desc, size_t desc_len, uint32_t cat_id, const char *image,
    size_t image_len, const char *query, const char *url, size_t url_len)
{
    char                n[32];
    const xt_e2_req_t  *q = e->req;

    XT_PUTS(e, "<channel><title>");
    xt_e2_text(e, title, title_len, 1);
    XT_PUTS(e, "</title><description>");
    xt_e2_text(e, desc, desc_len, 1);
    XT_PUTS(e, "</description><category_id>");
    xt_e2_put(e, n, (size_t) snprintf(n, sizeof(n), "%u", (unsigned) cat_id));
    XT_PUTS(e, "</category_id>");

    if (image_len) {
        XT_PUTS(e, "<desc_image>");
        xt_e2_cdata(e, image, image_len);
        XT_PUTS(e, "</desc_image>");
    }

    if (query) {
        XT_PUTS(e, "<playlist_url><![CDATA[");
        xt_e2_put(e, q->base, q->base_len);
        XT_PUTS(e, "/enigma2.php?username=");
        xt_e2_put(e, q->user, strlen(q->user));
        XT_PUTS(e, "&password=");
        xt_e2_put(e, q->pass, strlen(q->pass));
        XT_PUTS(e, "&type=");
        xt_e2_put(e, query, strlen(query));
        XT_PUTS(e, "]]></playlist_url>");

    } else {
        XT_PUTS(e, "<stream_url>");
        xt_e2_cdata(e, url, url_len);
        XT_PUTS(e, "</stream_url>");
    }

    XT_PUTS(e, "</channel>\n");
}


/* base/kind/U/P/ID.ext into e->text */
static size_t
xt_e2_url(xt_e2_t *e, const char *kind, uint32_t id, const char *ext,
    size_t ext_len)
{
    int                 n;
    const xt_e2_req_t  *q = e->req;

    n = snprintf(e->text, XT_E2_TEXT_MAX, "%.*s/%s/%s/%s/%u.%.*s",
                 (int) q->base_len, q->base, kind, q->user, q->pass,
                 (unsigned) id, (int) ext_len, ext);

    return n < 0 || n >= XT_E2_TEXT_MAX ? 0 : (size_t) n;
}


static int
xt_e2_u32cmp(const void *a, const void *b)
{
    uint32_t  x = *(const uint32_t *) a, y = *(const uint32_t *) b;

    return (x > y) - (x < y);
}


static uint32_t
xt_e2_category(const xt_snap_t *cat, xt_title_kind_e kind, uint32_t idx)
{
    return kind == XT_TITLE_LIVE ? cat->live[idx].category_id
           : kind == XT_TITLE_MOVIE ? cat->movies[idx].category_id
           : cat->series[idx].category_id;
}


/* "All", then the categories of the kind that hold one of the line's
   titles, in display order */
static void
xt_e2_categories(xt_e2_t *e, xt_title_kind_e kind, const char *next)
{
    char                       query[64];
    uint32_t                   idx, n = 0, i;
    xt_title_iter_t            it;
    const xt_e2_req_t         *q = e->req;
    const xt_snap_category_t  *c;

    xt_title_iter_init(&it, kind, q->cat, q->lines, q->line, e->seen);
    while (xt_title_iter_next(&it, &idx)) {
        e->ids[n++] = xt_e2_category(q->cat, kind, idx);
    }
    qsort(e->ids, n, sizeof(uint32_t), xt_e2_u32cmp);

    snprintf(query, sizeof(query), "%s&cat_id=0", next);
    xt_e2_channel(e, "All", 3, "", 0, 0, "", 0, query, NULL, 0);

    for (i = 0; i < q->cat->ncategories; i++) {
        c = &q->cat->categories[i];

        if (!(c->type == (kind == XT_TITLE_LIVE ? XT_CAT_LIVE
                          : kind == XT_TITLE_MOVIE ? XT_CAT_MOVIE
                          : XT_CAT_SERIES)
              || (kind == XT_TITLE_LIVE && c->type == XT_CAT_RADIO))
            || bsearch(&c->id, e->ids, n, sizeof(uint32_t), xt_e2_u32cmp)
               == NULL)
        {
            continue;
        }

        snprintf(query, sizeof(query), "%s&cat_id=%u", next,
                 (unsigned) c->id);
        xt_e2_channel(e, xt_snap_strp(q->cat, c->name), c->name.len, "", 0,
                      c->id, "", 0, query, NULL, 0);
    }
}


/* "[HH:MM] title (description)" lines of the next two programmes */
static size_t
xt_e2_now_next(xt_e2_t *e, uint32_t live_idx, char *out, size_t cap)
{
    char                          t[XT_TZ_TIME_LEN + 1];
    size_t                        n = 0;
    uint32_t                      i, from, to;
    const xt_snap_t              *epg = e->req->epg;
    const xt_snap_epg_prog_t     *pg;
    const xt_snap_epg_channel_t  *ch;

    ch = epg ? xt_epg_channel_of(e->req->cat, epg, live_idx) : NULL;
    if (ch == NULL) {
        return 0;
    }

    xt_epg_short_range(epg, ch, e->req->now, 2, &from, &to);

    for (i = from; i < to && n < cap; i++) {
        pg = &epg->epg_progs[i];
        xt_tz_format(e->req->tz, pg->start, t);
        n += (size_t) snprintf(out + n, cap - n, "%s[%.5s] %.*s (%.*s)",
                               n ? "\n" : "", t + 11,
                               (int) (pg->title.len > 512 ? 512
                                                          : pg->title.len),
                               xt_snap_strp(epg, pg->title),
                               (int) (pg->description.len > 1024
                                      ? 1024 : pg->description.len),
                               xt_snap_strp(epg, pg->description));
    }

    return n < cap ? n : cap - 1;
}


static void
xt_e2_live(xt_e2_t *e)
{
    char                   desc[XT_E2_TEXT_MAX];
    size_t                 n, d;
    uint32_t               idx;
    xt_title_iter_t        it;
    const xt_e2_req_t     *q = e->req;
    const xt_snap_live_t  *lv;

    xt_title_iter_init(&it, XT_TITLE_LIVE, q->cat, q->lines, q->line,
                       e->seen);

    while (xt_title_iter_next(&it, &idx)) {
        lv = &q->cat->live[idx];

        if (q->cat_id && lv->category_id != q->cat_id) {
            continue;
        }

        d = xt_e2_now_next(e, idx, desc, sizeof(desc));
        n = xt_e2_url(e, "live", lv->id, "ts", 2);
        xt_e2_channel(e, xt_snap_strp(q->cat, lv->name), lv->name.len, desc,
                      d, lv->category_id, xt_snap_strp(q->cat, lv->icon),
                      lv->icon.len, NULL, e->text, n);
    }
}


static void
xt_e2_movies(xt_e2_t *e)
{
    size_t                  n;
    uint32_t                idx;
    xt_title_iter_t         it;
    const xt_e2_req_t      *q = e->req;
    const xt_snap_movie_t  *mv;

    xt_title_iter_init(&it, XT_TITLE_MOVIE, q->cat, q->lines, q->line,
                       e->seen);

    while (xt_title_iter_next(&it, &idx)) {
        mv = &q->cat->movies[idx];

        if (q->cat_id && mv->category_id != q->cat_id) {
            continue;
        }

        n = xt_e2_url(e, "movie", mv->id, xt_snap_strp(q->cat, mv->ext),
                      mv->ext.len);
        xt_e2_channel(e, xt_snap_strp(q->cat, mv->name), mv->name.len, "", 0,
                      mv->category_id, xt_snap_strp(q->cat, mv->icon),
                      mv->icon.len, NULL, e->text, n);
    }
}


static void
xt_e2_series(xt_e2_t *e)
{
    char                     query[64];
    uint32_t                 idx;
    xt_title_iter_t          it;
    const xt_e2_req_t       *q = e->req;
    const xt_snap_series_t  *se;

    xt_title_iter_init(&it, XT_TITLE_SERIES, q->cat, q->lines, q->line,
                       e->seen);

    while (xt_title_iter_next(&it, &idx)) {
        se = &q->cat->series[idx];

        if (q->cat_id && se->category_id != q->cat_id) {
            continue;
        }

        snprintf(query, sizeof(query), "get_seasons&series_id=%u",
                 (unsigned) se->id);
        xt_e2_channel(e, xt_snap_strp(q->cat, se->name), se->name.len, "", 0,
                      se->id, xt_snap_strp(q->cat, se->cover), se->cover.len,
                      query, NULL, 0);
    }
}


/* the seasons of an entitled series (sorted, distinct), or its episodes
   of one season */
static void
xt_e2_episodes(xt_e2_t *e, const xt_snap_series_t *se, int seasons)
{
    char                      title[64], query[96];
    size_t                    n;
    uint32_t                  i, k = 0;
    const xt_e2_req_t        *q = e->req;
    const xt_snap_episode_t  *ep;

    for (i = 0; i < q->cat->nepisodes; i++) {
        ep = &q->cat->episodes[i];

        if (ep->series_id != se->id) {
            continue;
        }

        if (seasons) {
            e->ids[k++] = ep->season;
            continue;
        }

        if (ep->season != q->season) {
            continue;
        }

        n = xt_e2_url(e, "series", ep->id, xt_snap_strp(q->cat, ep->ext),
                      ep->ext.len);
        snprintf(title, sizeof(title), "Episode %02u",
                 (unsigned) ep->episode_num);
        xt_e2_channel(e, title, strlen(title), xt_snap_strp(q->cat, ep->title),
                      ep->title.len, se->id, xt_snap_strp(q->cat, se->cover),
                      se->cover.len, NULL, e->text, n);
    }

    if (!seasons) {
        return;
    }

    qsort(e->ids, k, sizeof(uint32_t), xt_e2_u32cmp);

    for (i = 0; i < k; i++) {
        if (i && e->ids[i] == e->ids[i - 1]) {
            continue;
        }

        snprintf(title, sizeof(title), "Season %u", (unsigned) e->ids[i]);
        snprintf(query, sizeof(query),
                 "get_series_streams&series_id=%u&season=%u",
                 (unsigned) se->id, (unsigned) e->ids[i]);
        xt_e2_channel(e, title, strlen(title), "", 0, se->id,
                      xt_snap_strp(q->cat, se->cover), se->cover.len, query,
                      NULL, 0);
    }
}


xt_e2_rc_e
xt_e2_render(const xt_e2_req_t *q, xt_sink_pt sink, void *ctx)
{
    char                    *p;
    xt_e2_t                  e;
    const char              *t = q->type;
    const xt_snap_series_t  *se = NULL;

    static const char *const  types[] = {
        "", "get_live_categories", "get_live_streams", "get_vod_categories",
        "get_vod_streams", "get_series_categories", "get_series",
        "get_seasons", "get_series_streams", NULL
    };
    const char *const        *k;

    for (k = types; *k && strcmp(*k, t) != 0; k++) { /* void */ }

    if (*k == NULL) {
        return XT_E2_UNKNOWN_TYPE;
    }

    if (strcmp(t, "get_seasons") == 0 || strcmp(t, "get_series_streams") == 0)
    {
        if (!q->has_series
            || (strcmp(t, "get_series_streams") == 0 && !q->has_season))
        {
            return XT_E2_MISSING;
        }

        se = xt_snap_series_find(q->cat, q->series_id);
        if (se == NULL
            || !xt_entitle_series(q->cat, q->lines, q->line,
                                  xt_snap_series_idx(q->cat, se)))
        {
            return XT_E2_NOT_FOUND;
        }
    }

    p = q->scratch;
    e.req = q;
    e.sink = sink;
    e.ctx = ctx;
    e.seen = (uint8_t *) p;
    p += xt_title_bitmap_size(q->cat) + 8;
    e.ids = (uint32_t *) (void *) p;
    p = (char *) q->scratch + xt_e2_scratch_size(q->cat)
        - (3 * XT_E2_TEXT_MAX + 16) - (6 * 3 * XT_E2_TEXT_MAX + 16)
        - (XT_E2_TEXT_MAX + 16);
    e.fix = p;
    e.out = p + 3 * XT_E2_TEXT_MAX + 16;
    e.text = e.out + 6 * 3 * XT_E2_TEXT_MAX + 16;

    if (*t == '\0') {
        xt_e2_head(&e, "Main");
        xt_e2_channel(&e, "Live Streams", 12, "", 0, 0, "", 0,
                      "get_live_categories", NULL, 0);
        xt_e2_channel(&e, "VOD", 3, "", 0, 0, "", 0, "get_vod_categories",
                      NULL, 0);
        xt_e2_channel(&e, "TV Series", 9, "", 0, 0, "", 0,
                      "get_series_categories", NULL, 0);

    } else if (strcmp(t, "get_live_categories") == 0) {
        xt_e2_head(&e, "Live Streams");
        xt_e2_categories(&e, XT_TITLE_LIVE, "get_live_streams");

    } else if (strcmp(t, "get_vod_categories") == 0) {
        xt_e2_head(&e, "VOD");
        xt_e2_categories(&e, XT_TITLE_MOVIE, "get_vod_streams");

    } else if (strcmp(t, "get_series_categories") == 0) {
        xt_e2_head(&e, "TV Series");
        xt_e2_categories(&e, XT_TITLE_SERIES, "get_series");

    } else if (strcmp(t, "get_live_streams") == 0) {
        xt_e2_head(&e, "Live Streams");
        xt_e2_live(&e);

    } else if (strcmp(t, "get_vod_streams") == 0) {
        xt_e2_head(&e, "VOD");
        xt_e2_movies(&e);

    } else if (strcmp(t, "get_series") == 0) {
        xt_e2_head(&e, "TV Series");
        xt_e2_series(&e);

    } else {
        xt_e2_head(&e, "TV Series");
        xt_e2_episodes(&e, se, strcmp(t, "get_seasons") == 0);
    }

    XT_PUTS(&e, "</items>\n");

    return XT_E2_OK;
}


/* the bytes of a base URL: what a scheme://host:port can hold */
static int
xt_e2_url_ok(const char *p, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')
              || (p[i] >= '0' && p[i] <= '9') || strchr(".:/[]-_", p[i])))
        {
            return 0;
        }
    }

    return len > 0;
}


size_t
xt_e2_script(char *out, const char *base, size_t base_len, const char *user,
    const char *pass, const char *name, size_t name_len, int dreambox,
    const char *output)
{
    char    bouquet[65];
    size_t  i;
    int     n;

    if (!xt_e2_url_ok(base, base_len) || base_len > 512) {
        return 0;
    }

    /* a name the shell and the file system take as it is */
    for (i = 0; i < name_len && i < 64; i++) {
        bouquet[i] = ((name[i] >= 'a' && name[i] <= 'z')
                      || (name[i] >= 'A' && name[i] <= 'Z')
                      || (name[i] >= '0' && name[i] <= '9')) ? name[i] : '_';
    }
    bouquet[i] = '\0';
    if (i == 0) {
        strcpy(bouquet, "iptv");
    }

    /* user and pass are of [A-Za-z0-9._@-] (checked by the caller) */
    n = snprintf(out, XT_E2_SCRIPT_MAX,
        "#!/bin/sh\n"
        "# Enigma2: install or refresh the \"%s\" IPTV bouquet\n"
        "USERNAME='%s'\n"
        "PASSWORD='%s'\n"
        "bouquet='%s'\n"
        "url=\"%.*s/get.php?username=$USERNAME&password=$PASSWORD"
        "&type=%s&output=%s\"\n"
        "file=\"/etc/enigma2/userbouquet.${bouquet}__tv_.tv\"\n"
        "rm -f \"$file\"\n"
        "wget -q -O \"$file\" \"$url\" || exit 1\n"
        "if ! grep -q \"userbouquet.${bouquet}__tv_.tv\" "
        "/etc/enigma2/bouquets.tv; then\n"
        "    sed -i \"1a #SERVICE 1:7:1:0:0:0:0:0:0:0:FROM BOUQUET "
        "\\\"userbouquet.${bouquet}__tv_.tv\\\" ORDER BY bouquet\" "
        "/etc/enigma2/bouquets.tv\n"
        "fi\n"
        "printf '#!/bin/sh\\n/etc/enigma2/iptv.sh\\n' "
        "> /usr/bin/enigma2_pre_start.sh\n"
        "chmod 755 /usr/bin/enigma2_pre_start.sh\n"
        "wget -q -O - 'http://127.0.0.1/web/servicelistreload?mode=2' "
        ">/dev/null\n"
        "wget -q -O - 'http://127.0.0.1/web/servicelistreload?mode=2' "
        ">/dev/null\n",
        bouquet, user, pass, bouquet, (int) base_len, base,
        dreambox ? "dreambox" : "enigma16", output);

    return n < 0 || n >= XT_E2_SCRIPT_MAX ? 0 : (size_t) n;
}
