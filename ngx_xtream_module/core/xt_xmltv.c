/*
 * XMLTV streaming.  Every text goes through xt_utf8_replace_invalid then
 * xt_xml_escape, so the document is well-formed whatever the guide holds.
 */

#include <stdio.h>
#include <string.h>

#include "xt_text.h"
#include "xt_xmltv.h"


enum {
    XT_XMLTV_PROLOGUE = 0,
    XT_XMLTV_CHANNELS,
    XT_XMLTV_PROGRAMMES,
    XT_XMLTV_EPILOGUE,
    XT_XMLTV_DONE
};


static uint32_t
xt_xmltv_id_slots(const xt_snap_t *cat)
{
    uint32_t  n = 16;

    while (n < 2 * (uint64_t) cat->nlive && n < 0x40000000) {
        n <<= 1;
    }

    return n;
}


static size_t
xt_xmltv_ids_offset(const xt_snap_t *cat, const xt_snap_t *epg)
{
    size_t  off;

    off = XT_XMLTV_BUF + xt_title_bitmap_size(cat) + 4
          + (epg ? ((size_t) epg->nepg_channels + 7) / 8 : 0);

    return (off + 7) & ~(size_t) 7;
}


size_t
xt_xmltv_scratch_size(const xt_snap_t *cat, const xt_snap_t *epg)
{
    return xt_xmltv_ids_offset(cat, epg)
           + (size_t) xt_xmltv_id_slots(cat) * sizeof(uint32_t) + 8;
}


static uint32_t
xt_xmltv_min(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}


/* the longest catch-up window among the line's channels, in days */
static uint32_t
xt_xmltv_archive_days(xt_xmltv_t *x)
{
    uint32_t               idx, days = XT_XMLTV_DAYS_MIN_PAST;
    const xt_snap_live_t  *lv;

    xt_title_iter_init(&x->it, XT_TITLE_LIVE, x->cat, x->lines, x->line,
                       x->seen);

    while (xt_title_iter_next(&x->it, &idx)) {
        lv = &x->cat->live[idx];

        if ((lv->flags & XT_LIVE_ARCHIVE) && lv->archive_days > days) {
            days = lv->archive_days;
        }
    }

    return days;
}


void
xt_xmltv_init(xt_xmltv_t *x, const xt_snap_t *cat, const xt_snap_t *lines,
    const xt_snap_line_t *line, const xt_snap_t *epg, const xt_tz_t *tz,
    int64_t now, uint32_t prev_days, uint32_t next_days,
    const char *generator, size_t generator_len, void *scratch)
{
    memset(x, 0, sizeof(xt_xmltv_t));

    x->cat = cat;
    x->lines = lines;
    x->line = line;
    x->epg = epg;
    x->tz = tz;
    x->generator = generator;
    x->generator_len = generator_len > 256 ? 256 : generator_len;
    x->buf = scratch;
    x->seen = (uint8_t *) scratch + XT_XMLTV_BUF;
    x->chans = x->seen + xt_title_bitmap_size(cat) + 4;

    if (epg) {
        memset(x->chans, 0, ((size_t) epg->nepg_channels + 7) / 8);
    }

    x->nids = xt_xmltv_id_slots(cat);
    x->ids = (uint32_t *) ((char *) scratch + xt_xmltv_ids_offset(cat, epg));
    memset(x->ids, 0, (size_t) x->nids * sizeof(uint32_t));

    if (prev_days == XT_XMLTV_DAYS_AUTO) {
        prev_days = xt_xmltv_archive_days(x);
    }

    x->from = now - (int64_t) xt_xmltv_min(prev_days, XT_XMLTV_DAYS_MAX)
                    * 86400;
    x->to = next_days == XT_XMLTV_DAYS_AUTO ? INT64_MAX
            : now + (int64_t) xt_xmltv_min(next_days, XT_XMLTV_DAYS_MAX)
                    * 86400;
}


/* 1 the first time the guide-less epg_channel_id of live[idx] is seen */
static int
xt_xmltv_first_id(xt_xmltv_t *x, uint32_t idx)
{
    uint32_t          h = 2166136261u, s, o;
    size_t            i;
    const char       *id, *oid;
    xt_snap_str_t     sid, osid;

    sid = x->cat->live[idx].epg_channel_id;
    id = xt_snap_strp(x->cat, sid);

    for (i = 0; i < sid.len; i++) {
        h = (h ^ (unsigned char) id[i]) * 16777619u;
    }

    for (s = h & (x->nids - 1); ; s = (s + 1) & (x->nids - 1)) {
        o = x->ids[s];
        if (o == 0) {
            x->ids[s] = idx + 1;
            return 1;
        }

        osid = x->cat->live[o - 1].epg_channel_id;
        oid = xt_snap_strp(x->cat, osid);
        if (osid.len == sid.len && memcmp(oid, id, sid.len) == 0) {
            return 0;
        }
    }
}


void
xt_xmltv_time(const xt_tz_t *tz, int64_t t, char *out)
{
    char     tmp[96];
    int32_t  off, m, d;
    int64_t  local, days, secs, y;

    t = xt_tz_clamp(t);
    off = xt_tz_offset(tz, t);
    local = t + off;

    days = local / 86400;
    secs = local % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }

    xt_civil_from_days(days, &y, &m, &d);

    if (y < 0 || y > 9999) {
        y = y < 0 ? 0 : 9999;
    }

    snprintf(tmp, sizeof(tmp),
             "%04lld%02d%02d%02d%02d%02d %c%02d%02d",
             (long long) y, (int) m, (int) d, (int) (secs / 3600),
             (int) (secs / 60 % 60), (int) (secs % 60),
             off < 0 ? '-' : '+', (int) ((off < 0 ? -off : off) / 3600),
             (int) ((off < 0 ? -off : off) / 60 % 60));

    memcpy(out, tmp, XT_XMLTV_TIME_LEN);
    out[XT_XMLTV_TIME_LEN] = '\0';
}


/* repaired, escaped text of at most XT_XMLTV_TEXT_MAX input bytes */
static char *
xt_xmltv_text(char *p, const char *in, size_t len, char *tmp)
{
    size_t  n;

    if (len > XT_XMLTV_TEXT_MAX) {
        len = XT_XMLTV_TEXT_MAX;
    }

    n = xt_utf8_replace_invalid(tmp, (const unsigned char *) in, len);

    return p + xt_xml_escape(p, tmp, n);
}


#define XT_CPY(p, s)  (memcpy(p, s, sizeof(s) - 1), (p) + sizeof(s) - 1)


static size_t
xt_xmltv_channel(xt_xmltv_t *x, const xt_snap_epg_channel_t *ch,
    const xt_snap_live_t *lv)
{
    char              *p, *tmp;
    xt_snap_str_t      name;
    const xt_snap_t   *epg, *cat;

    epg = x->epg;
    cat = x->cat;
    p = x->buf;
    tmp = x->buf + XT_XMLTV_OUT;

    p = XT_CPY(p, "  <channel id=\"");
    if (ch != NULL) {
        p = xt_xmltv_text(p, xt_snap_strp(epg, ch->id), ch->id.len, tmp);
    } else {
        p = xt_xmltv_text(p, xt_snap_strp(cat, lv->epg_channel_id),
                          lv->epg_channel_id.len, tmp);
    }
    p = XT_CPY(p, "\">\n    <display-name>");

    if (ch != NULL && ch->display_name.len) {
        p = xt_xmltv_text(p, xt_snap_strp(epg, ch->display_name),
                          ch->display_name.len, tmp);
    } else {
        name = lv->name;
        p = xt_xmltv_text(p, xt_snap_strp(cat, name), name.len, tmp);
    }

    p = XT_CPY(p, "</display-name>\n");

    if (ch != NULL && ch->icon.len) {
        p = XT_CPY(p, "    <icon src=\"");
        p = xt_xmltv_text(p, xt_snap_strp(epg, ch->icon), ch->icon.len, tmp);
        p = XT_CPY(p, "\"/>\n");

    } else if (lv->icon.len) {
        p = XT_CPY(p, "    <icon src=\"");
        p = xt_xmltv_text(p, xt_snap_strp(cat, lv->icon), lv->icon.len, tmp);
        p = XT_CPY(p, "\"/>\n");
    }

    p = XT_CPY(p, "  </channel>\n");

    return (size_t) (p - x->buf);
}


static size_t
xt_xmltv_programme(xt_xmltv_t *x, const xt_snap_epg_channel_t *ch,
    const xt_snap_epg_prog_t *pg)
{
    char                       *p, *tmp;
    char                        t[XT_XMLTV_TIME_LEN + 1];
    const xt_snap_t            *epg;
    const xt_snap_epg_extra_t  *ex;

    epg = x->epg;
    p = x->buf;
    tmp = x->buf + XT_XMLTV_OUT;

    p = XT_CPY(p, "  <programme start=\"");
    /* a programme mostly starts when the previous one stopped */
    if (x->have_last && pg->start == x->last_t) {
        memcpy(t, x->last_str, XT_XMLTV_TIME_LEN);
    } else {
        xt_xmltv_time(x->tz, pg->start, t);
    }
    p = (char *) memcpy(p, t, XT_XMLTV_TIME_LEN) + XT_XMLTV_TIME_LEN;
    p = XT_CPY(p, "\" stop=\"");
    xt_xmltv_time(x->tz, pg->stop, t);
    memcpy(x->last_str, t, XT_XMLTV_TIME_LEN);
    x->last_t = pg->stop;
    x->have_last = 1;
    p = (char *) memcpy(p, t, XT_XMLTV_TIME_LEN) + XT_XMLTV_TIME_LEN;
    p = XT_CPY(p, "\" channel=\"");
    p = xt_xmltv_text(p, xt_snap_strp(epg, ch->id), ch->id.len, tmp);
    p = XT_CPY(p, "\">\n    <title");

    if (pg->lang.len) {
        p = XT_CPY(p, " lang=\"");
        p = xt_xmltv_text(p, xt_snap_strp(epg, pg->lang),
                          pg->lang.len > 16 ? 16 : pg->lang.len, tmp);
        p = XT_CPY(p, "\"");
    }

    p = XT_CPY(p, ">");
    p = xt_xmltv_text(p, xt_snap_strp(epg, pg->title), pg->title.len, tmp);
    p = XT_CPY(p, "</title>\n");

    ex = epg->epg_extra ? &epg->epg_extra[pg - epg->epg_progs] : NULL;

    if (ex && ex->sub_title.len) {
        p = XT_CPY(p, "    <sub-title>");
        p = xt_xmltv_text(p, xt_snap_strp(epg, ex->sub_title),
                          ex->sub_title.len, tmp);
        p = XT_CPY(p, "</sub-title>\n");
    }

    if (pg->description.len) {
        p = XT_CPY(p, "    <desc>");
        p = xt_xmltv_text(p, xt_snap_strp(epg, pg->description),
                          pg->description.len, tmp);
        p = XT_CPY(p, "</desc>\n");
    }

    /* the import's own escaped elements: whole, or not at all */
    if (ex && ex->xml.len && ex->xml.len <= XT_XMLTV_EXTRA_MAX) {
        p = (char *) memcpy(p, xt_snap_strp(epg, ex->xml), ex->xml.len)
            + ex->xml.len;
    }

    p = XT_CPY(p, "  </programme>\n");

    return (size_t) (p - x->buf);
}


int
xt_xmltv_next(void *data, xt_chunk_t *c)
{
    xt_xmltv_t *x = data;

    char                         *p, *tmp;
    uint32_t                      idx;
    const xt_snap_live_t         *lv;
    const xt_snap_epg_prog_t     *pg;
    const xt_snap_epg_channel_t  *ch;

    c->gen = x->buf;
    c->gen_len = 0;
    c->frag = NULL;
    c->frag_len = 0;

    for ( ;; ) {
        switch (x->phase) {

        case XT_XMLTV_PROLOGUE:
            p = x->buf;
            tmp = x->buf + XT_XMLTV_OUT;
            p = XT_CPY(p, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
                          "<!DOCTYPE tv SYSTEM \"xmltv.dtd\">\n"
                          "<tv generator-info-name=\"");
            p = xt_xmltv_text(p, x->generator, x->generator_len, tmp);
            p = XT_CPY(p, "\">\n");
            c->gen_len = (size_t) (p - x->buf);

            x->phase = XT_XMLTV_CHANNELS;
            xt_title_iter_init(&x->it, XT_TITLE_LIVE, x->cat, x->lines,
                               x->line, x->seen);
            return 1;

        case XT_XMLTV_CHANNELS:
            if (!xt_title_iter_next(&x->it, &idx)) {
                x->phase = XT_XMLTV_PROGRAMMES;
                x->ch = 0;
                x->pg = x->pg_end = 0;
                continue;
            }

            lv = &x->cat->live[idx];
            if (lv->epg_channel_id.len == 0) {
                continue;
            }

            ch = x->epg == NULL ? NULL
                 : xt_snap_epg_channel_find(x->epg,
                                            xt_snap_strp(x->cat,
                                                         lv->epg_channel_id),
                                            lv->epg_channel_id.len);
            if (ch == NULL) {
                /* no guide: still the M3U tvg-id, so still a channel */
                if (xt_xmltv_first_id(x, idx)) {
                    c->gen_len = xt_xmltv_channel(x, NULL, lv);
                    return 1;
                }
                continue;
            }

            idx = (uint32_t) (ch - x->epg->epg_channels);
            if (x->chans[idx >> 3] & (1u << (idx & 7))) {
                continue;
            }

            x->chans[idx >> 3] |= (uint8_t) (1u << (idx & 7));
            c->gen_len = xt_xmltv_channel(x, ch, lv);
            return 1;

        case XT_XMLTV_PROGRAMMES:
            if (x->epg == NULL) {
                x->phase = XT_XMLTV_EPILOGUE;
                continue;
            }

            while (x->pg < x->pg_end) {
                pg = &x->epg->epg_progs[x->pg++];

                if (pg->stop > x->from && pg->start < x->to) {
                    ch = &x->epg->epg_channels[x->ch - 1];
                    c->gen_len = xt_xmltv_programme(x, ch, pg);
                    return 1;
                }
            }

            /* the next channel of the line */
            while (x->ch < x->epg->nepg_channels
                   && !(x->chans[x->ch >> 3] & (1u << (x->ch & 7))))
            {
                x->ch++;
            }

            if (x->ch == x->epg->nepg_channels) {
                x->phase = XT_XMLTV_EPILOGUE;
                continue;
            }

            ch = &x->epg->epg_channels[x->ch++];
            x->pg = ch->first;
            x->pg_end = ch->first + ch->count;
            continue;

        case XT_XMLTV_EPILOGUE:
            p = XT_CPY(x->buf, "</tv>\n");
            c->gen_len = (size_t) (p - x->buf);
            x->phase = XT_XMLTV_DONE;
            return 1;

        default:
            return 0;
        }
    }
}
