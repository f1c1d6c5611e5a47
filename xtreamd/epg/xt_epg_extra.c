/*
 * XMLTV programme fields, re-serialised (xt_epg_extra.h).  Nothing of the
 * input is copied as markup: element and attribute names are ours, texts
 * and attribute values are escaped, so the fragment is well-formed and
 * valid against the XMLTV DTD whatever the input held.
 */
#include <string.h>
#include <strings.h>

#include "xt_epg_extra.h"
#include "xt_epg_rules.h"

/* how many of each repeatable part are kept */
static const unsigned  xt_ex_max[XT_EX_COUNT] = {
    [XT_EX_CREDITS] = 1, [XT_EX_DATE] = 1, [XT_EX_CATEGORY] = 8,
    [XT_EX_LANGUAGE] = 1, [XT_EX_ICON] = 2, [XT_EX_EPISODE] = 4,
    [XT_EX_PREVIOUS] = 1, [XT_EX_NEW] = 1, [XT_EX_RATING] = 4,
    [XT_EX_STAR] = 4
};

static const char *const  xt_ex_names[XT_EX_COUNT] = {
    [XT_EX_CREDITS] = "credits", [XT_EX_DATE] = "date",
    [XT_EX_CATEGORY] = "category", [XT_EX_LANGUAGE] = "language",
    [XT_EX_ICON] = "icon", [XT_EX_EPISODE] = "episode-num",
    [XT_EX_PREVIOUS] = "previously-shown", [XT_EX_NEW] = "new",
    [XT_EX_RATING] = "rating", [XT_EX_STAR] = "star-rating"
};

/* credits' roles in the DTD's order */
static const char *const  xt_roles[] = {
    "director", "actor", "writer", "adapter", "producer", "composer",
    "editor", "presenter", "commentator", "guest"
};

#define XT_CREDITS_MAX  40


void
xt_epg_extra_reset(xt_epg_extra_t *x)
{
    int  i;

    for (i = 0; i < XT_EX_COUNT; i++) {
        x->part[i].len = 0;
        x->count[i] = 0;
    }
    x->sub_title.len = 0;
    x->has_sub = x->sub_pref = 0;
}


void
xt_epg_extra_free(xt_epg_extra_t *x)
{
    int  i;

    for (i = 0; i < XT_EX_COUNT; i++) {
        xt_buf_free(&x->part[i]);
    }
    xt_buf_free(&x->sub_title);
}


#define XT_PUT(b, s)  xt_buf_put(b, s, sizeof(s) - 1)


/* s escaped for text and attribute values; control bytes become spaces;
   leading and trailing white space dropped; cut at max bytes */
static int
xt_esc(xt_buf_t *b, const xmlChar *in, size_t max)
{
    const char  *s = (const char *) in;
    size_t       n, i;
    int          rc = 0;

    if (s == NULL) {
        return 0;
    }
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
        s++;
    }
    n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'
                 || s[n - 1] == '\r'))
    {
        n--;
    }
    n = xt_epg_utf8_cut(s, n, max);
    for (i = 0; i < n && rc == 0; i++) {
        switch (s[i]) {
        case '&':
            rc = XT_PUT(b, "&amp;");
            break;
        case '<':
            rc = XT_PUT(b, "&lt;");
            break;
        case '>':
            rc = XT_PUT(b, "&gt;");
            break;
        case '"':
            rc = XT_PUT(b, "&quot;");
            break;
        default:
            rc = xt_buf_put(b, (unsigned char) s[i] < 0x20 ? " " : s + i, 1);
        }
    }
    return rc;
}


/* 1 when the trimmed text is empty */
static int
xt_blank(const xmlChar *s)
{
    if (s == NULL) {
        return 1;
    }
    for ( ; *s; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') {
            return 0;
        }
    }
    return 1;
}


/* ` name="value"` when the node has that attribute */
static int
xt_attr(xt_buf_t *b, xmlNodePtr n, const char *name)
{
    xmlChar  *v = xmlGetProp(n, BAD_CAST name);
    int       rc = 0;

    if (v != NULL) {
        rc = xt_buf_put(b, " ", 1) || xt_buf_put(b, name, strlen(name))
             || XT_PUT(b, "=\"") || xt_esc(b, v, XT_EPG_EXTRA_TEXT)
             || XT_PUT(b, "\"");
        xmlFree(v);
    }
    return rc ? -1 : 0;
}


/* <name attrs>text</name>\n with the given indent; empty text: nothing */
static int
xt_text_el(xt_buf_t *b, xmlNodePtr n, const char *indent, const char *name,
    const char *a1, const char *a2)
{
    xmlChar  *t = xmlNodeGetContent(n);
    int       rc = 0;

    if (!xt_blank(t)) {
        rc = xt_buf_put(b, indent, strlen(indent)) || XT_PUT(b, "<")
             || xt_buf_put(b, name, strlen(name))
             || (a1 && xt_attr(b, n, a1)) || (a2 && xt_attr(b, n, a2))
             || XT_PUT(b, ">") || xt_esc(b, t, XT_EPG_EXTRA_TEXT)
             || XT_PUT(b, "</") || xt_buf_put(b, name, strlen(name))
             || XT_PUT(b, ">\n");
    }
    xmlFree(t);
    return rc ? -1 : 0;
}


static int
xt_is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE
           && strcmp((const char *) n->name, name) == 0;
}


/* <icon src=.../> (src is required), or nothing */
static int
xt_icon(xt_buf_t *b, xmlNodePtr n, const char *indent)
{
    xmlChar  *src = xmlGetProp(n, BAD_CAST "src");
    int       rc = 0;

    if (!xt_blank(src)) {
        rc = xt_buf_put(b, indent, strlen(indent)) || XT_PUT(b, "<icon")
             || xt_attr(b, n, "src") || xt_attr(b, n, "width")
             || xt_attr(b, n, "height") || XT_PUT(b, "/>\n");
    }
    xmlFree(src);
    return rc ? -1 : 0;
}


static int
xt_credits(xt_buf_t *b, xmlNodePtr n)
{
    xmlNodePtr  c;
    size_t      r, kept = 0, start = b->len;

    if (XT_PUT(b, "    <credits>\n")) {
        return -1;
    }
    for (r = 0; r < sizeof(xt_roles) / sizeof(xt_roles[0]); r++) {
        for (c = n->children; c && kept < XT_CREDITS_MAX; c = c->next) {
            if (!xt_is(c, xt_roles[r])) {
                continue;
            }
            if (xt_text_el(b, c, "      ", xt_roles[r],
                           r == 1 ? "role" : NULL, NULL) != 0)
            {
                return -1;
            }
            kept++;
        }
    }
    if (kept == 0) {
        b->len = start;
        return 0;
    }
    return XT_PUT(b, "    </credits>\n") ? -1 : 0;
}


/* <rating|star-rating system=...><value>..</value><icon/>*</...> */
static int
xt_rating(xt_buf_t *b, xmlNodePtr n, const char *name)
{
    xmlNodePtr  c, value = NULL;
    unsigned    icons = 0;

    for (c = n->children; c; c = c->next) {
        if (xt_is(c, "value")) {
            value = c;
            break;
        }
    }
    if (value == NULL) {
        return 0;               /* the DTD requires one */
    }
    if (XT_PUT(b, "    <") || xt_buf_put(b, name, strlen(name))
        || xt_attr(b, n, "system") || XT_PUT(b, ">\n")
        || xt_text_el(b, value, "      ", "value", NULL, NULL))
    {
        return -1;
    }
    for (c = n->children; c && icons < 2; c = c->next) {
        if (xt_is(c, "icon")) {
            if (xt_icon(b, c, "      ") != 0) {
                return -1;
            }
            icons++;
        }
    }
    return XT_PUT(b, "    </") || xt_buf_put(b, name, strlen(name))
           || XT_PUT(b, ">\n") ? -1 : 0;
}


static int
xt_sub_title(xt_epg_extra_t *x, xmlNodePtr n, const char *lang)
{
    xmlChar  *l, *t;
    int       pref, rc = 0;

    l = xmlGetProp(n, BAD_CAST "lang");
    pref = lang && lang[0] && l && strcasecmp((const char *) l, lang) == 0;
    if (!x->has_sub || (pref && !x->sub_pref)) {
        t = xmlNodeGetContent(n);
        x->sub_title.len = 0;
        if (!xt_blank(t)) {
            const char  *s = (const char *) t;
            size_t       len = strlen(s);

            while (len && (*s == ' ' || *s == '\n' || *s == '\t')) {
                s++;
                len--;
            }
            rc = xt_buf_put(&x->sub_title, s,
                            xt_epg_utf8_cut(s, len, XT_EPG_SUBTITLE_MAX));
            x->has_sub = 1;
            x->sub_pref = pref;
        }
        xmlFree(t);
    }
    xmlFree(l);
    return rc;
}


int
xt_epg_extra_element(xt_epg_extra_t *x, xmlNodePtr n, const char *lang)
{
    const char  *name;
    xt_buf_t    *b;
    size_t       before;
    int          k, rc;

    if (n == NULL || n->type != XML_ELEMENT_NODE) {
        return 0;
    }
    name = (const char *) n->name;
    if (strcmp(name, "sub-title") == 0) {
        return xt_sub_title(x, n, lang);
    }
    for (k = 0; k < XT_EX_COUNT; k++) {
        if (strcmp(name, xt_ex_names[k]) == 0) {
            break;
        }
    }
    if (k == XT_EX_COUNT || x->count[k] >= xt_ex_max[k]) {
        return 0;
    }
    b = &x->part[k];
    before = b->len;

    switch (k) {
    case XT_EX_CREDITS:
        rc = xt_credits(b, n);
        break;
    case XT_EX_DATE:
        rc = xt_text_el(b, n, "    ", name, NULL, NULL);
        break;
    case XT_EX_CATEGORY:
    case XT_EX_LANGUAGE:
        rc = xt_text_el(b, n, "    ", name, "lang", NULL);
        break;
    case XT_EX_ICON:
        rc = xt_icon(b, n, "    ");
        break;
    case XT_EX_EPISODE:
        rc = xt_text_el(b, n, "    ", name, "system", NULL);
        break;
    case XT_EX_PREVIOUS:
        rc = XT_PUT(b, "    <previously-shown") || xt_attr(b, n, "start")
             || xt_attr(b, n, "channel") || XT_PUT(b, "/>\n");
        break;
    case XT_EX_NEW:
        rc = XT_PUT(b, "    <new/>\n");
        break;
    default:        /* XT_EX_RATING, XT_EX_STAR */
        rc = xt_rating(b, n, name);
    }
    if (rc != 0) {
        return -1;
    }
    if (b->len > before) {
        x->count[k]++;
    }
    return 0;
}


int
xt_epg_extra_join(xt_epg_extra_t *x, xt_buf_t *out)
{
    int  k;

    out->len = 0;
    for (k = 0; k < XT_EX_COUNT; k++) {
        if (x->part[k].len == 0
            || out->len + x->part[k].len > XT_EPG_EXTRA_MAX)
        {
            continue;
        }
        if (xt_buf_put(out, x->part[k].p, x->part[k].len) != 0) {
            return -1;
        }
    }
    return 0;
}
