/*
 * M3U splicing.  Entry order: live (line's bouquet order), movies, then
 * episodes of the line's series in episode id order.  Lines end in CRLF,
 * as XC2 writes them.
 */

#include <stdio.h>
#include <string.h>

#include "xt_m3u.h"


/*
 * The entries' strings are spread over a large mapping (a movie's pieces
 * lie among its JSON texts), so each entry costs cache and TLB misses that
 * no hardware prefetcher predicts.  The next titles are known, though:
 * touch their EXTINF line and extension a few entries ahead.
 */
#define XT_M3U_AHEAD  8

#if defined(__GNUC__)
#define xt_prefetch(p)  __builtin_prefetch(p)
#else
#define xt_prefetch(p)
#endif


enum {
    XT_M3U_HEADER = 0,
    XT_M3U_LIVE,
    XT_M3U_MOVIES,
    XT_M3U_EPISODES,
    XT_M3U_DONE
};


static const char  *xt_m3u_paths[] = { "live", "movie", "series" };


static char *
xt_m3u_cpy(char *p, const char *s)
{
    size_t  n;

    n = strlen(s);
    memcpy(p, s, n);

    return p + n;
}


size_t
xt_m3u_scratch_size(const xt_snap_t *cat)
{
    return xt_title_bitmap_size(cat) + ((size_t) cat->nseries + 7) / 8 + 8;
}


int
xt_m3u_init(xt_m3u_t *m, const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, int format, const char *live_ext,
    const char *base, size_t base_len, const char *user, const char *pass,
    void *scratch)
{
    int    i;
    char  *p;

    memset(m, 0, offsetof(xt_m3u_t, gen));

    if (base_len >= XT_M3U_BASE_MAX || strlen(user) > 64
        || strlen(pass) > 64)
    {
        return -1;
    }

    m->cat = cat;
    m->lines = lines;
    m->line = line;
    m->plus = (format == XT_M3U_PLUS);
    m->format = format;
    m->kinds = XT_M3U_K_ALL;
    m->live_ext = live_ext;
    /* Enigma2's players want the extension: /live/U/P/ID.ts there */
    m->live_bare = format != XT_M3U_ENIGMA && strcmp(live_ext, "ts") == 0;
    memcpy(m->base, base, base_len);
    m->base_len = base_len;
    strcpy(m->user, user);
    strcpy(m->pass, pass);
    m->seen = scratch;
    m->series_ok = (uint8_t *) scratch + xt_title_bitmap_size(cat) + 4;

    for (i = 0; i < 3; i++) {
        p = m->url[i];
        *p++ = '\r';
        *p++ = '\n';
        memcpy(p, base, base_len);
        p += base_len;
        *p++ = '/';

        /* live TS: XC's short form /U/P/ID, no extension, the only TS
           form from which Kodi's IPTV Simple derives XC catch-up */
        if (i != XT_TITLE_LIVE || !m->live_bare) {
            p = xt_m3u_cpy(p, xt_m3u_paths[i]);
            *p++ = '/';
        }

        p = xt_m3u_cpy(p, user);
        *p++ = '/';
        p = xt_m3u_cpy(p, pass);
        *p++ = '/';
        m->url_len[i] = (size_t) (p - m->url[i]);
    }

    xt_m3u_rewind(m);

    return 0;
}


void
xt_m3u_rewind(xt_m3u_t *m)
{
    uint32_t  idx;

    m->phase = XT_M3U_HEADER;
    m->pending = 0;
    m->chno = 0;
    m->ep = 0;
    m->have_last = 0;

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


/* a macro: GCC 12's mod-ref analysis deletes calls of a static function
   doing only prefetches as free of effects */
#define xt_m3u_prefetch(cat, line, ext)                                       \
    do {                                                                      \
        const char  *pf_ = xt_snap_strp(cat, line);                           \
                                                                              \
        xt_prefetch(pf_);                                                     \
        if ((line).len > 64) {                                                \
            xt_prefetch(pf_ + 64);                                            \
        }                                                                     \
        if ((line).len > 128) {                                               \
            xt_prefetch(pf_ + 128);                                           \
        }                                                                     \
        if ((ext).len) {                                                      \
            xt_prefetch(xt_snap_strp(cat, ext));                              \
        }                                                                     \
    } while (0)


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
        p = xt_m3u_cpy(p, "#EXTINF:-1,");
        p += xt_m3u_clean(p, (size_t) (end - p), name, name_len, 0);
        return (size_t) (p - out);
    }

    if (m->pending_kind == XT_TITLE_LIVE) {
        p += sprintf(p, "#EXTINF:-1 tvg-chno=\"%u\" tvg-id=\"",
                     (unsigned) m->chno);
    } else {
        p = xt_m3u_cpy(p, "#EXTINF:-1 tvg-id=\"");
    }
    p += xt_m3u_clean(p, 128, tvg, tvg_len, 1);
    p = xt_m3u_cpy(p, "\" tvg-name=\"");
    p += xt_m3u_clean(p, 256, name, name_len, 1);
    p = xt_m3u_cpy(p, "\" tvg-logo=\"");
    p += xt_m3u_clean(p, 256, logo, logo_len, 1);
    p = xt_m3u_cpy(p, "\" group-title=\"");
    p += xt_m3u_clean(p, 128, group, group_len, 1);
    p = xt_m3u_cpy(p, "\",");
    p += xt_m3u_clean(p, 256, name, name_len, 0);

    return (size_t) (p - out);
}


/* an extension made of [A-Za-z0-9] only, else fallback: *out and length */
static size_t
xt_m3u_ext(const char **out, const char *p, size_t len, const char *fallback)
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

    *out = p;
    return len;

fallback:

    *out = fallback;
    return strlen(fallback);
}


/* the pending entry's extension */
static size_t
xt_m3u_pending_ext(xt_m3u_t *m, const char **ext)
{
    if (m->pending_kind == XT_TITLE_LIVE) {
        return xt_m3u_ext(ext, m->live_ext, strlen(m->live_ext), "ts");
    }

    return xt_m3u_ext(ext, xt_snap_strp(m->cat, m->pending_ext),
                      m->pending_ext.len, "mp4");
}


static size_t
xt_m3u_digits(uint32_t v)
{
    size_t  n;

    for (n = 1; v >= 10; v /= 10) {
        n++;
    }

    return n;
}


/* "\r\n" URL "\r\n" of the pending entry */
static size_t
xt_m3u_url(xt_m3u_t *m, char *out)
{
    char        *p, *d;
    size_t       n;
    uint32_t     v;
    const char  *ext;

    p = out;
    memcpy(p, m->url[m->pending_kind], m->url_len[m->pending_kind]);
    p += m->url_len[m->pending_kind];

    v = m->pending_id;
    n = xt_m3u_digits(v);
    for (d = p + n; d > p; v /= 10) {
        *--d = (char) ('0' + v % 10);
    }
    p += n;

    if (m->pending_kind != XT_TITLE_LIVE || !m->live_bare) {
        *p++ = '.';
        n = xt_m3u_pending_ext(m, &ext);
        memcpy(p, ext, n);
        p += n;
    }

    *p++ = '\r';
    *p++ = '\n';

    return (size_t) (p - out);
}


/* its length, without writing it */
static size_t
xt_m3u_url_len(xt_m3u_t *m)
{
    const char  *ext;

    if (m->pending_kind == XT_TITLE_LIVE && m->live_bare) {
        return m->url_len[m->pending_kind] + xt_m3u_digits(m->pending_id)
               + 2;
    }

    return m->url_len[m->pending_kind] + xt_m3u_digits(m->pending_id) + 1
           + xt_m3u_pending_ext(m, &ext) + 2;
}


void
xt_m3u_filter(xt_m3u_t *m, unsigned kinds)
{
    m->kinds = kinds & XT_M3U_K_ALL;
}


void
xt_m3u_set_name(xt_m3u_t *m, const char *name, size_t len)
{
    m->name_len = xt_m3u_clean(m->name, sizeof(m->name), name, len, 0);
}


unsigned
xt_m3u_parse_kinds(const char *s, size_t len)
{
    size_t    i, j, k;
    unsigned  kinds = 0;

    static const struct {
        const char  *word;
        unsigned     kind;
    } words[] = {
        { "live", XT_M3U_K_LIVE }, { "movie", XT_M3U_K_MOVIE },
        { "series", XT_M3U_K_SERIES }, { "radio_streams", XT_M3U_K_RADIO }
    };

    for (i = 0; i <= len; i = j + 1) {
        for (j = i; j < len && s[j] != ','; j++) { /* void */ }

        for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
            if (strlen(words[k].word) == j - i
                && memcmp(words[k].word, s + i, j - i) == 0)
            {
                break;
            }
        }

        if (k == sizeof(words) / sizeof(words[0])) {
            return 0;
        }

        kinds |= words[k].kind;
    }

    return kinds;
}


/* the URL with what Enigma2 parses in a service reference escaped: ':'
   (the field separator) and '%' (its escape) */
static char *
xt_m3u_e2_url(char *p, const char *url, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (url[i] == ':' || url[i] == '%') {
            p += sprintf(p, "%%%02x", (unsigned char) url[i]);
        } else {
            *p++ = url[i];
        }
    }

    return p;
}


/* the pending entry as "#SERVICE ...\r\n#DESCRIPTION name\r\n" */
static size_t
xt_m3u_e2_entry(xt_m3u_t *m, const char *name, size_t name_len)
{
    char    url[XT_M3U_URL_MAX + 64];
    char   *p;
    size_t  n;

    n = xt_m3u_url(m, url);             /* "\r\n" URL "\r\n" */

    p = xt_m3u_cpy(m->gen, "#SERVICE 4097:0:1:0:0:0:0:0:0:0:");
    p = xt_m3u_e2_url(p, url + 2, n - 4);
    p = xt_m3u_cpy(p, "\r\n#DESCRIPTION ");
    p += xt_m3u_clean(p, XT_M3U_NAME_MAX, name, name_len, 0);
    p = xt_m3u_cpy(p, "\r\n");

    return (size_t) (p - m->gen);
}


static void
xt_m3u_header(xt_m3u_t *m, xt_chunk_t *c)
{
    char  *p;

    p = m->gen;

    if (m->format == XT_M3U_ENIGMA) {
        p = xt_m3u_cpy(p, "#NAME ");
        memcpy(p, m->name, m->name_len);
        p = xt_m3u_cpy(p + m->name_len, "\r\n");
        c->gen = m->gen;
        c->gen_len = (size_t) (p - m->gen);
        return;
    }

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
    char                      epname[XT_M3U_NAME_MAX + 32];
    size_t                    n;
    uint32_t                  idx, ahead;
    xt_snap_str_t             line, none;
    const xt_snap_t          *cat;
    const xt_snap_live_t     *lv;
    const xt_snap_movie_t    *mv;
    const xt_snap_series_t   *se;
    const xt_snap_episode_t  *ep;

    cat = m->cat;
    none.off = 0;
    none.len = 0;

    for ( ;; ) {
        switch (m->phase) {

        case XT_M3U_LIVE:
            if (!xt_title_iter_next(&m->it, &idx)) {
                m->phase = XT_M3U_MOVIES;
                xt_title_iter_init(&m->it, XT_TITLE_MOVIE, cat, m->lines,
                                   m->line, m->seen);
                continue;
            }

            ahead = xt_title_iter_peek(&m->it, XT_M3U_AHEAD);
            if (ahead < cat->nlive && m->plus && cat->live_m3u) {
                xt_m3u_prefetch(cat, cat->live_m3u[ahead], none);
            }

            lv = &cat->live[idx];

            /* numbered before the key= filter: the num of the line's
               get_live_streams */
            m->chno++;

            if (!(m->kinds & ((lv->flags & XT_LIVE_RADIO) ? XT_M3U_K_RADIO
                                                          : XT_M3U_K_LIVE)))
            {
                continue;
            }

            m->pending_kind = XT_TITLE_LIVE;
            m->pending_id = lv->id;

            if (m->format == XT_M3U_ENIGMA) {
                c->gen = m->gen;
                c->gen_len = xt_m3u_e2_entry(m, xt_snap_strp(cat, lv->name),
                                             lv->name.len);
                return 1;
            }

            line.len = 0;

            if (m->plus && cat->live_m3u) {
                line = cat->live_m3u[idx];
            }

            if (line.len > 10
                && memcmp(xt_snap_strp(cat, line), "#EXTINF:-1", 10) == 0)
            {
                /* "#EXTINF:-1 tvg-chno="N"" then the daemon's line after
                   its "#EXTINF:-1" */
                c->gen = m->gen;
                c->gen_len = (size_t) sprintf(m->gen,
                                              "#EXTINF:-1 tvg-chno=\"%u\"",
                                              (unsigned) m->chno);
                c->frag = xt_snap_strp(cat, line) + 10;
                c->frag_len = line.len - 10;

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
            if (!(m->kinds & XT_M3U_K_MOVIE)
                || !xt_title_iter_next(&m->it, &idx))
            {
                m->phase = XT_M3U_EPISODES;
                continue;
            }

            ahead = xt_title_iter_peek(&m->it, XT_M3U_AHEAD);
            if (ahead < cat->nmovies) {
                mv = &cat->movies[ahead];
                xt_m3u_prefetch(cat, m->plus ? mv->m3u : none, mv->ext);
            }

            mv = &cat->movies[idx];
            m->pending_kind = XT_TITLE_MOVIE;
            m->pending_id = mv->id;
            m->pending_ext = mv->ext;

            if (m->format == XT_M3U_ENIGMA) {
                c->gen = m->gen;
                c->gen_len = xt_m3u_e2_entry(m, xt_snap_strp(cat, mv->name),
                                             mv->name.len);

            } else if (m->plus && mv->m3u.len) {
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
            while ((m->kinds & XT_M3U_K_SERIES) && m->ep < cat->nepisodes) {
                if (m->ep + XT_M3U_AHEAD < cat->nepisodes) {
                    ep = &cat->episodes[m->ep + XT_M3U_AHEAD];
                    xt_m3u_prefetch(cat, m->plus ? ep->m3u : none, ep->ext);
                }

                ep = &cat->episodes[m->ep++];

                if (!m->have_last || m->last_series_id != ep->series_id) {
                    m->last_series = xt_snap_series_find(cat, ep->series_id);
                    m->last_series_id = ep->series_id;
                    m->have_last = 1;
                }

                se = m->last_series;
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

                if (m->format == XT_M3U_ENIGMA) {
                    /* "<series> SxxEyy", as XC names them */
                    n = xt_m3u_clean(epname, XT_M3U_NAME_MAX,
                                     xt_snap_strp(cat, se->name),
                                     se->name.len, 0);
                    n += (size_t) snprintf(epname + n, sizeof(epname) - n,
                                           " S%02uE%02u",
                                           (unsigned) ep->season,
                                           (unsigned) ep->episode_num);
                    c->gen = m->gen;
                    c->gen_len = xt_m3u_e2_entry(m, epname,
                                                 n < sizeof(epname) ? n
                                                 : sizeof(epname) - 1);

                } else if (m->plus && ep->m3u.len) {
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

    /* the URL line next; an Enigma2 entry carries its URL */
    m->pending = (m->format != XT_M3U_ENIGMA);

    return 1;
}


uint64_t
xt_m3u_size(xt_m3u_t *m)
{
    uint64_t    total;
    xt_chunk_t  c;

    total = 0;

    /* xt_m3u_next, with the URL lines counted instead of written */
    for ( ;; ) {
        if (m->pending) {
            m->pending = 0;
            total += xt_m3u_url_len(m);
        }

        if (m->phase == XT_M3U_HEADER) {
            (void) xt_m3u_next(m, &c);
            total += c.gen_len;
            continue;
        }

        c.gen_len = 0;
        c.frag_len = 0;

        if (!xt_m3u_entry(m, &c)) {
            break;
        }

        total += c.gen_len + c.frag_len;
        m->pending = (m->format != XT_M3U_ENIGMA);
    }

    xt_m3u_rewind(m);

    return total;
}
