/*
 * M3U splicing.  Entry order: live (line's bouquet order), movies, then
 * episodes of the line's series in episode id order.  Lines end in CRLF,
 * as XC2 writes them.
 */

#include <stdio.h>
#include <string.h>

#include "xt_m3u.h"


enum {
    XT_M3U_HEADER = 0,
    XT_M3U_LIVE,
    XT_M3U_MOVIES,
    XT_M3U_EPISODES,
    XT_M3U_DONE
};


size_t
xt_m3u_scratch_size(const xt_snap_t *cat)
{
    return xt_title_bitmap_size(cat) + ((size_t) cat->nseries + 7) / 8 + 8;
}


int
xt_m3u_init(xt_m3u_t *m, const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, int plus, const char *live_ext,
    const char *base, size_t base_len, const char *user, const char *pass,
    void *scratch)
{
    memset(m, 0, offsetof(xt_m3u_t, gen));

    if (base_len >= XT_M3U_BASE_MAX || strlen(user) > 64
        || strlen(pass) > 64)
    {
        return -1;
    }

    m->cat = cat;
    m->lines = lines;
    m->line = line;
    m->plus = plus;
    m->live_ext = live_ext;
    memcpy(m->base, base, base_len);
    m->base_len = base_len;
    strcpy(m->user, user);
    strcpy(m->pass, pass);
    m->seen = scratch;
    m->series_ok = (uint8_t *) scratch + xt_title_bitmap_size(cat) + 4;

    xt_m3u_rewind(m);

    return 0;
}


void
xt_m3u_rewind(xt_m3u_t *m)
{
    uint32_t  idx;

    m->phase = XT_M3U_HEADER;
    m->pending = 0;
    m->ep = 0;

    /* the entitled series, for the episode pass */
    memset(m->series_ok, 0, ((size_t) m->cat->nseries + 7) / 8);
    xt_title_iter_init(&m->it, XT_TITLE_SERIES, m->cat, m->lines, m->line,
                       m->seen);
    while (xt_title_iter_next(&m->it, &idx)) {
        m->series_ok[idx >> 3] |= (uint8_t) (1u << (idx & 7));
    }
}


/* attribute-safe copy: no quotes, no line breaks, no control bytes */
static size_t
xt_m3u_clean(char *out, size_t cap, const char *p, size_t len, int attr)
{
    size_t         i, n;
    unsigned char  c;

    n = 0;

    for (i = 0; i < len && n < cap; i++) {
        c = (unsigned char) p[i];

        if (c < 0x20 || c == 0x7f || (attr && c == '"')) {
            c = ' ';
        }

        out[n++] = (char) c;
    }

    return n;
}


/* "#EXTINF:-1,Name" (plain) or a generated m3u_plus line (no snapshot
   line available) */
static size_t
xt_m3u_extinf(xt_m3u_t *m, char *out, const char *name, size_t name_len,
    const char *tvg, size_t tvg_len, const char *logo, size_t logo_len,
    const char *group, size_t group_len)
{
    char  *p, *end;

    p = out;
    end = out + XT_M3U_GEN_MAX - XT_M3U_BASE_MAX - 300;

    if (!m->plus) {
        p += sprintf(p, "#EXTINF:-1,");
        p += xt_m3u_clean(p, (size_t) (end - p), name, name_len, 0);
        return (size_t) (p - out);
    }

    p += sprintf(p, "#EXTINF:-1 tvg-id=\"");
    p += xt_m3u_clean(p, 128, tvg, tvg_len, 1);
    p += sprintf(p, "\" tvg-name=\"");
    p += xt_m3u_clean(p, 256, name, name_len, 1);
    p += sprintf(p, "\" tvg-logo=\"");
    p += xt_m3u_clean(p, 256, logo, logo_len, 1);
    p += sprintf(p, "\" group-title=\"");
    p += xt_m3u_clean(p, 128, group, group_len, 1);
    p += sprintf(p, "\",");
    p += xt_m3u_clean(p, 256, name, name_len, 0);

    return (size_t) (p - out);
}


/* an extension made of [A-Za-z0-9] only, else fallback */
static size_t
xt_m3u_ext(char *out, const char *p, size_t len, const char *fallback)
{
    size_t  i;

    if (len == 0 || len > 8) {
        goto fallback;
    }

    for (i = 0; i < len; i++) {
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')
              || (p[i] >= '0' && p[i] <= '9')))
        {
            goto fallback;
        }
    }

    memcpy(out, p, len);
    return len;

fallback:

    len = strlen(fallback);
    memcpy(out, fallback, len);
    return len;
}


static const char  *xt_m3u_paths[] = { "live", "movie", "series" };


/* "\r\n" URL "\r\n" of the pending entry */
static size_t
xt_m3u_url(xt_m3u_t *m, char *out)
{
    char        *p;
    const char  *ext;

    p = out;
    *p++ = '\r';
    *p++ = '\n';
    memcpy(p, m->base, m->base_len);
    p += m->base_len;
    p += sprintf(p, "/%s/%s/%s/%u.", xt_m3u_paths[m->pending_kind], m->user,
                 m->pass, (unsigned) m->pending_id);

    if (m->pending_kind == XT_TITLE_LIVE) {
        ext = m->live_ext;
        p += xt_m3u_ext(p, ext, strlen(ext), "ts");

    } else {
        p += xt_m3u_ext(p, xt_snap_strp(m->cat, m->pending_ext),
                        m->pending_ext.len, "mp4");
    }

    *p++ = '\r';
    *p++ = '\n';

    return (size_t) (p - out);
}


static void
xt_m3u_header(xt_m3u_t *m, xt_chunk_t *c)
{
    char  *p;

    p = m->gen;
    p += sprintf(p, "#EXTM3U url-tvg=\"");
    memcpy(p, m->base, m->base_len);
    p += m->base_len;
    p += sprintf(p, "/xmltv.php?username=%s&password=%s\" x-tvg-url=\"",
                 m->user, m->pass);
    memcpy(p, m->base, m->base_len);
    p += m->base_len;
    p += sprintf(p, "/xmltv.php?username=%s&password=%s\"\r\n",
                 m->user, m->pass);

    c->gen = m->gen;
    c->gen_len = (size_t) (p - m->gen);
}


/* the next entry: its EXTINF (frag or gen) and sets the pending URL */
static int
xt_m3u_entry(xt_m3u_t *m, xt_chunk_t *c)
{
    uint32_t                  idx;
    xt_snap_str_t             line;
    const xt_snap_t          *cat;
    const xt_snap_live_t     *lv;
    const xt_snap_movie_t    *mv;
    const xt_snap_series_t   *se;
    const xt_snap_episode_t  *ep;

    cat = m->cat;

    for ( ;; ) {
        switch (m->phase) {

        case XT_M3U_LIVE:
            if (!xt_title_iter_next(&m->it, &idx)) {
                m->phase = XT_M3U_MOVIES;
                xt_title_iter_init(&m->it, XT_TITLE_MOVIE, cat, m->lines,
                                   m->line, m->seen);
                continue;
            }

            lv = &cat->live[idx];
            m->pending_kind = XT_TITLE_LIVE;
            m->pending_id = lv->id;
            line.len = 0;

            if (m->plus && cat->live_m3u) {
                line = cat->live_m3u[idx];
            }

            if (line.len) {
                c->frag = xt_snap_strp(cat, line);
                c->frag_len = line.len;

            } else {
                c->gen = m->gen;
                c->gen_len = xt_m3u_extinf(m, m->gen,
                                 xt_snap_strp(cat, lv->name), lv->name.len,
                                 xt_snap_strp(cat, lv->epg_channel_id),
                                 lv->epg_channel_id.len,
                                 xt_snap_strp(cat, lv->icon), lv->icon.len,
                                 xt_snap_strp(cat, lv->category_name),
                                 lv->category_name.len);
            }

            return 1;

        case XT_M3U_MOVIES:
            if (!xt_title_iter_next(&m->it, &idx)) {
                m->phase = XT_M3U_EPISODES;
                continue;
            }

            mv = &cat->movies[idx];
            m->pending_kind = XT_TITLE_MOVIE;
            m->pending_id = mv->id;
            m->pending_ext = mv->ext;

            if (m->plus && mv->m3u.len) {
                c->frag = xt_snap_strp(cat, mv->m3u);
                c->frag_len = mv->m3u.len;

            } else {
                c->gen = m->gen;
                c->gen_len = xt_m3u_extinf(m, m->gen,
                                 xt_snap_strp(cat, mv->name), mv->name.len,
                                 "", 0, xt_snap_strp(cat, mv->icon),
                                 mv->icon.len,
                                 xt_snap_strp(cat, mv->category_name),
                                 mv->category_name.len);
            }

            return 1;

        case XT_M3U_EPISODES:
            while (m->ep < cat->nepisodes) {
                ep = &cat->episodes[m->ep++];

                se = xt_snap_series_find(cat, ep->series_id);
                if (se == NULL) {
                    continue;
                }

                idx = xt_snap_series_idx(cat, se);
                if (!(m->series_ok[idx >> 3] & (1u << (idx & 7)))) {
                    continue;
                }

                m->pending_kind = XT_TITLE_SERIES;
                m->pending_id = ep->id;
                m->pending_ext = ep->ext;

                if (m->plus && ep->m3u.len) {
                    c->frag = xt_snap_strp(cat, ep->m3u);
                    c->frag_len = ep->m3u.len;

                } else {
                    c->gen = m->gen;
                    c->gen_len = xt_m3u_extinf(m, m->gen,
                                     xt_snap_strp(cat, ep->title),
                                     ep->title.len, "", 0,
                                     xt_snap_strp(cat, se->cover),
                                     se->cover.len,
                                     xt_snap_strp(cat, se->category_name),
                                     se->category_name.len);
                }

                return 1;
            }

            m->phase = XT_M3U_DONE;
            return 0;

        default:
            return 0;
        }
    }
}


int
xt_m3u_next(void *data, xt_chunk_t *c)
{
    xt_m3u_t *m = data;

    c->gen = NULL;
    c->gen_len = 0;
    c->frag = NULL;
    c->frag_len = 0;

    if (m->pending) {
        m->pending = 0;
        c->gen = m->gen;
        c->gen_len = xt_m3u_url(m, m->gen);
        return 1;
    }

    if (m->phase == XT_M3U_HEADER) {
        xt_m3u_header(m, c);
        m->phase = XT_M3U_LIVE;
        xt_title_iter_init(&m->it, XT_TITLE_LIVE, m->cat, m->lines, m->line,
                           m->seen);
        return 1;
    }

    if (!xt_m3u_entry(m, c)) {
        return 0;
    }

    m->pending = 1;

    return 1;
}


uint64_t
xt_m3u_size(xt_m3u_t *m)
{
    uint64_t    total;
    xt_chunk_t  c;

    total = 0;

    while (xt_m3u_next(m, &c) == 1) {
        total += c.gen_len + c.frag_len;
    }

    xt_m3u_rewind(m);

    return total;
}
