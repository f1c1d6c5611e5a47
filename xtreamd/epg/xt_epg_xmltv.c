/*
 * XMLTV through xmlTextReader.  Recovery mode keeps the parser going past
 * a broken element; an error is blamed on the programme whose lines it
 * falls in (that programme is skipped as malformed_xml).  Elements are
 * tracked by name, not depth: after a mismatched tag libxml2 nests what
 * follows one level deeper, and a <programme> opening inside another one
 * ends the first (as malformed).  The document as a whole is refused when
 * it is not XML, its root is not <tv>, the input failed, or the input did
 * not end on </tv> (truncated): then nothing of it is stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "xt_epg_extra.h"
#include "xt_epg_xmltv.h"
#include "xt_log.h"
#include "xt_render.h"

typedef struct {
    xt_buf_t  channel, start, stop, title, desc, lang, name, icon;
    xt_epg_extra_t  extra;          /* the fields beyond title and desc */
    xt_buf_t  extra_xml;
    int       depth;                /* of the open <programme> */
    int       has_title, title_pref, has_desc, desc_pref, has_name;
    int       malformed;
    unsigned  line, last_line;
} xt_rec_t;

typedef struct {
    xt_xmltv_t        *x;
    xmlTextReaderPtr   r;
    xt_rec_t           rec;
    int                in_prog, in_chan;
    unsigned           prev_end;        /* last line of the previous record */
} xt_px_t;


static void
xt_rec_reset(xt_rec_t *c)
{
    c->channel.len = c->start.len = c->stop.len = c->title.len = 0;
    c->desc.len = c->lang.len = c->name.len = c->icon.len = 0;
    c->has_title = c->title_pref = c->has_desc = c->desc_pref = 0;
    c->has_name = c->malformed = 0;
    xt_epg_extra_reset(&c->extra);
}


static void
xt_rec_free(xt_rec_t *c)
{
    xt_buf_free(&c->channel);
    xt_buf_free(&c->start);
    xt_buf_free(&c->stop);
    xt_buf_free(&c->title);
    xt_buf_free(&c->desc);
    xt_buf_free(&c->lang);
    xt_buf_free(&c->name);
    xt_buf_free(&c->icon);
    xt_epg_extra_free(&c->extra);
    xt_buf_free(&c->extra_xml);
}


static int
xt_set(xt_buf_t *b, const xmlChar *s)
{
    b->len = 0;
    return s ? xt_buf_put(b, s, strlen((const char *) s)) : 0;
}


static void
xt_on_error(void *ctx, xmlErrorPtr e)
{
    xt_px_t     *px = ctx;
    xt_xmltv_t  *x = px->x;
    size_t       n;

    if (e == NULL || e->level == XML_ERR_WARNING) {
        return;
    }
    x->xml_errors++;
    if (x->nerr < sizeof(x->errline) / sizeof(x->errline[0])) {
        x->errline[x->nerr++] = (unsigned) e->line;
    } else {
        /* a flood: the newest lines matter (parsing goes forward) */
        memmove(x->errline, x->errline + 1,
                sizeof(x->errline) - sizeof(x->errline[0]));
        x->errline[x->nerr - 1] = (unsigned) e->line;
    }
    if (x->logged < 10) {
        x->logged++;
        n = e->message ? strlen(e->message) : 0;
        while (n && (e->message[n - 1] == '\n' || e->message[n - 1] == ' ')) {
            n--;
        }
        xt_log(XT_LOG_WARN, "epg: XML error at line %d: %.*s", e->line,
               (int) (n > 200 ? 200 : n), e->message ? e->message : "");
        /* the last one decides the message of a refused document */
        snprintf(x->err, sizeof(x->err), "XML error at line %d: %.*s",
                 e->line, (int) (n > 200 ? 200 : n),
                 e->message ? e->message : "");
    }
}


/* 1 when an XML error was reported on lines [from, to]; older errors are
   forgotten (they belong to nothing still open) */
static int
xt_blame(xt_xmltv_t *x, unsigned from, unsigned to)
{
    unsigned  i, k = 0;
    int       hit = 0;

    for (i = 0; i < x->nerr; i++) {
        if (x->errline[i] >= from && x->errline[i] <= to) {
            hit = 1;
        }
        if (x->errline[i] > to) {
            x->errline[k++] = x->errline[i];
        }
    }
    x->nerr = k;
    return hit;
}


/* an element's line is stored in 16 bits: 65535 means "later"; with
   XML_PARSE_BIG_LINES its text children know the real line, so a line is
   taken after the text was read */
#define XT_LINE_UNKNOWN  65535

static unsigned
xt_node_line(xt_px_t *px)
{
    xmlNodePtr  n = xmlTextReaderCurrentNode(px->r);
    long        l = n ? xmlGetLineNo(n) : -1;

    return l > 0 ? (unsigned) l : 0;
}


static void
xt_seen_line(xt_px_t *px)
{
    unsigned  l = xt_node_line(px);

    if (l != XT_LINE_UNKNOWN && l > px->rec.last_line) {
        px->rec.last_line = l;
    }
}


/* the record's lines, for xt_blame: from its start tag (or, past line
   65535, from after the previous record) to its last text */
static int
xt_blame_rec(xt_px_t *px)
{
    xt_rec_t  *c = &px->rec;
    unsigned   from, to;
    int        hit;

    from = c->line && c->line != XT_LINE_UNKNOWN ? c->line : px->prev_end + 1;
    to = c->last_line > from ? c->last_line : from;
    hit = xt_blame(px->x, from, to);
    px->prev_end = to;
    return hit;
}


static int
xt_lang_ok(const char *s, size_t n)
{
    size_t  i;

    if (n == 0 || n > XT_EPG_LANG_MAX) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
              || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
        {
            return 0;
        }
    }
    return 1;
}


/* one <title>/<desc>/<display-name>: keep the first, or the first in the
   preferred language */
static int
xt_text_child(xt_px_t *px, xt_buf_t *dst, int *has, int *pref, xt_buf_t *lang)
{
    xmlChar  *l, *t;
    int       is_pref, rc = 0;

    l = xmlTextReaderGetAttribute(px->r, BAD_CAST "lang");
    is_pref = px->x->lang && px->x->lang[0] && l
              && strcasecmp((const char *) l, px->x->lang) == 0;
    if (!*has || (is_pref && !*pref)) {
        t = xmlTextReaderReadString(px->r);
        rc = xt_set(dst, t ? t : BAD_CAST "");
        xmlFree(t);
        if (lang && rc == 0) {
            rc = xt_set(lang, l);
        }
        *has = 1;
        *pref = is_pref;
    }
    xmlFree(l);
    return rc;
}


static int
xt_finish_prog(xt_px_t *px)
{
    xt_xmltv_t     *x = px->x;
    xt_rec_t       *c = &px->rec;
    xt_epg_prog_t   p;
    int             reason = -1, rc;

    px->in_prog = 0;
    x->programmes++;
    if (xt_blame_rec(px) || c->malformed)
    {
        reason = XT_EPG_SKIP_MALFORMED;
    } else if (xt_epg_has_fffd(c->channel.p, c->channel.len)
               || xt_epg_has_fffd(c->title.p, c->title.len)
               || xt_epg_has_fffd(c->desc.p, c->desc.len))
    {
        reason = XT_EPG_SKIP_ENCODING;
    } else if (c->channel.len == 0 || c->start.len == 0
               || !c->has_title || c->title.len == 0)
    {
        reason = XT_EPG_SKIP_MISSING;
    } else if (!xt_epg_channel_id_ok(c->channel.p, c->channel.len)) {
        reason = XT_EPG_SKIP_BAD_CHANNEL;
    } else if (xt_epg_parse_time(c->start.p, c->start.len, &p.start) != 0
               || (c->stop.len
                   && xt_epg_parse_time(c->stop.p, c->stop.len, &p.stop) != 0))
    {
        reason = XT_EPG_SKIP_BAD_TIME;
    } else if (c->stop.len == 0) {
        /* the start's rules now, the rest when the stop is known */
        p.stop = XT_EPG_NO_STOP;
        reason = xt_epg_time_rule(p.start, p.start + 1, x->now);
    } else {
        reason = xt_epg_time_rule(p.start, p.stop, x->now);
    }
    if (reason >= 0) {
        x->skipped[reason]++;
        return 0;
    }
    p.channel = c->channel.p;
    p.channel_len = c->channel.len;
    p.title = c->title.p;
    p.title_len = xt_epg_utf8_cut(c->title.p, c->title.len, XT_EPG_TITLE_MAX);
    p.desc = c->desc.p ? c->desc.p : "";
    p.desc_len = xt_epg_utf8_cut(p.desc, c->desc.len, XT_EPG_DESC_MAX);
    p.lang = c->lang.p ? c->lang.p : "";
    p.lang_len = xt_lang_ok(p.lang, c->lang.len) ? c->lang.len : 0;
    p.line = c->line;
    if (xt_epg_extra_join(&c->extra, &c->extra_xml) != 0) {
        return -1;
    }
    p.sub_title = c->extra.sub_title.p ? c->extra.sub_title.p : "";
    p.sub_title_len = c->extra.sub_title.len;
    p.extra = c->extra_xml.p ? c->extra_xml.p : "";
    p.extra_len = c->extra_xml.len;
    rc = x->programme(x->ctx, &p, &reason);
    if (rc < 0) {
        x->aborted = 1;
        return -1;
    }
    if (rc == XT_EPG_STORED) {
        x->stored++;
    } else if (rc == XT_EPG_OUTSIDE) {
        x->outside++;
    } else if (rc == XT_EPG_DEFERRED) {
        x->deferred++;
    } else if (reason >= 0 && reason < XT_EPG_SKIP_COUNT) {
        x->skipped[reason]++;
    }
    if (x->progress && x->programmes % 1024 == 0) {
        x->progress(x->ctx);
    }
    return 0;
}


static int
xt_finish_chan(xt_px_t *px)
{
    xt_xmltv_t     *x = px->x;
    xt_rec_t       *c = &px->rec;
    xt_epg_chan_t   ch;
    int             rc, reason = -1;

    px->in_chan = 0;
    x->channels++;
    if (xt_blame_rec(px) || c->malformed
        || !xt_epg_channel_id_ok(c->channel.p, c->channel.len)
        || xt_epg_has_fffd(c->channel.p, c->channel.len)
        || xt_epg_has_fffd(c->name.p, c->name.len)
        || xt_epg_has_fffd(c->icon.p, c->icon.len))
    {
        x->channels_skipped++;
        return 0;
    }
    ch.id = c->channel.p;
    ch.id_len = c->channel.len;
    ch.name = c->name.p ? c->name.p : "";
    ch.name_len = xt_epg_utf8_cut(ch.name, c->name.len, 255);
    ch.icon = c->icon.p ? c->icon.p : "";
    ch.icon_len = c->icon.len > 1024 ? 0 : c->icon.len;
    rc = x->channel(x->ctx, &ch, &reason);
    if (rc < 0) {
        x->aborted = 1;
        return -1;
    }
    if (rc == XT_EPG_STORED) {
        x->channels_stored++;
    } else {
        x->channels_skipped++;
    }
    return 0;
}


/* one element start inside the document */
static int
xt_element(xt_px_t *px, const char *name, int empty)
{
    xt_rec_t  *c = &px->rec;
    xmlChar   *a, *b, *d;
    int        rc = 0;

    if (strcmp(name, "programme") == 0 || strcmp(name, "channel") == 0) {
        /* a record opening inside an open one: the open one is broken */
        if (px->in_prog) {
            c->malformed = 1;
            if (xt_finish_prog(px) != 0) {
                return -1;
            }
        } else if (px->in_chan) {
            c->malformed = 1;
            if (xt_finish_chan(px) != 0) {
                return -1;
            }
        }
        xt_rec_reset(c);
        c->line = xt_node_line(px);
        c->last_line = c->line == XT_LINE_UNKNOWN ? 0 : c->line;
        if (name[0] == 'p') {
            px->in_prog = 1;
            c->depth = xmlTextReaderDepth(px->r);
            a = xmlTextReaderGetAttribute(px->r, BAD_CAST "channel");
            b = xmlTextReaderGetAttribute(px->r, BAD_CAST "start");
            d = xmlTextReaderGetAttribute(px->r, BAD_CAST "stop");
            rc = xt_set(&c->channel, a) | xt_set(&c->start, b)
                 | xt_set(&c->stop, d);
            xmlFree(a);
            xmlFree(b);
            xmlFree(d);
        } else {
            px->in_chan = 1;
            a = xmlTextReaderGetAttribute(px->r, BAD_CAST "id");
            rc = xt_set(&c->channel, a);
            xmlFree(a);
        }
        if (rc != 0) {
            return -1;
        }
        if (empty) {
            return px->in_prog ? xt_finish_prog(px) : xt_finish_chan(px);
        }
        return 0;
    }

    if (px->in_prog && xmlTextReaderDepth(px->r) == c->depth + 1
        && strcmp(name, "title") != 0 && strcmp(name, "desc") != 0)
    {
        /* the element's subtree, whole (bounded by the element), then
           its children pass through here one level deeper, ignored */
        rc = xt_epg_extra_element(&c->extra, xmlTextReaderExpand(px->r),
                                  px->x->lang);
    } else if (px->in_prog && strcmp(name, "title") == 0) {
        rc = xt_text_child(px, &c->title, &c->has_title, &c->title_pref,
                           &c->lang);
    } else if (px->in_prog && strcmp(name, "desc") == 0) {
        rc = xt_text_child(px, &c->desc, &c->has_desc, &c->desc_pref, NULL);
    } else if (px->in_chan && strcmp(name, "display-name") == 0) {
        rc = xt_text_child(px, &c->name, &c->has_name, &c->title_pref, NULL);
    }
    if (px->in_prog || px->in_chan) {
        xt_seen_line(px);
    }
    if (rc != 0) {
        return rc;
    }
    if (px->in_chan && strcmp(name, "icon") == 0 && c->icon.len == 0) {
        a = xmlTextReaderGetAttribute(px->r, BAD_CAST "src");
        rc = xt_set(&c->icon, a);
        xmlFree(a);
    }
    return rc;
}


int
xt_xmltv_parse(xt_xmltv_t *x)
{
    xt_px_t      px;
    const char  *name;
    int          rc, type, root = 0, ret = -1;

    memset(&px, 0, sizeof(px));
    px.x = x;
    x->err[0] = '\0';
    /* no network, no DTD loading, no entity substitution: an XMLTV file
       needs none of them and they are how XML files attack parsers */
    px.r = xmlReaderForIO(x->read, NULL, x->read_ctx, NULL, NULL,
                          XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_BIG_LINES
                          | XML_PARSE_NOBLANKS | XML_PARSE_COMPACT);
    if (px.r == NULL) {
        snprintf(x->err, sizeof(x->err), "cannot start the XML reader");
        return -1;
    }
    xmlTextReaderSetStructuredErrorHandler(px.r, xt_on_error, &px);

    while ((rc = xmlTextReaderRead(px.r)) == 1) {
        type = xmlTextReaderNodeType(px.r);
        if (type != XML_READER_TYPE_ELEMENT
            && type != XML_READER_TYPE_END_ELEMENT)
        {
            continue;
        }
        name = (const char *) xmlTextReaderConstLocalName(px.r);
        if (name == NULL) {
            continue;
        }
        if (!root) {
            if (type != XML_READER_TYPE_ELEMENT || strcmp(name, "tv") != 0) {
                snprintf(x->err, sizeof(x->err), "not an XMLTV document "
                         "(root element <%.40s>)", name);
                goto out;
            }
            root = 1;
            continue;
        }
        if (type == XML_READER_TYPE_ELEMENT) {
            if (xt_element(&px, name, xmlTextReaderIsEmptyElement(px.r))
                != 0)
            {
                goto fail;
            }
        } else if (px.in_prog && strcmp(name, "programme") == 0) {
            if (xt_finish_prog(&px) != 0) {
                goto fail;
            }
        } else if (px.in_chan && strcmp(name, "channel") == 0) {
            if (xt_finish_chan(&px) != 0) {
                goto fail;
            }
        }
    }
    if (px.in_prog) {           /* cut off by the end: counted, not stored */
        x->programmes++;
        x->skipped[XT_EPG_SKIP_MALFORMED]++;
    }
    if (!root) {
        if (x->err[0] == '\0') {
            snprintf(x->err, sizeof(x->err), "no XML content");
        }
        goto out;
    }
    if (!x->complete(x->read_ctx)) {
        /* the importer puts the input's own error (gzip, size, I/O) first */
        char  last[sizeof(x->err)];

        snprintf(last, sizeof(last), "%s", x->err);
        snprintf(x->err, sizeof(x->err), "document does not end with </tv> "
                 "(truncated?)%s%.300s", last[0] ? "; last " : "", last);
        goto out;
    }
    if (x->progress) {
        x->progress(x->ctx);
    }
    ret = 0;
    goto out;

fail:
    if (!x->aborted) {
        snprintf(x->err, sizeof(x->err), "out of memory");
    }
out:
    xt_rec_free(&px.rec);
    xmlFreeTextReader(px.r);
    return ret;
}
