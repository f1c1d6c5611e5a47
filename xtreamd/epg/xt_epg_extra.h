/*
 * The XMLTV programme fields beyond title and description (docs/GUIDE.md
 * "Fields"): sub-title, credits, date, category, language, icon,
 * episode-num, previously-shown, new, rating, star-rating.  The import
 * re-serialises them itself (escaped, known attributes only, in the DTD's
 * order, bounded) into one XML fragment per programme, stored as
 * epg_programmes.xmltv_extra and copied as is into xmltv.php; sub-title
 * is kept apart (epg_programmes.sub_title: it goes before <desc>).
 */
#ifndef XT_EPG_EXTRA_H
#define XT_EPG_EXTRA_H

#include <stddef.h>

#include <libxml/tree.h>

#include "xt_render.h"

#define XT_EPG_EXTRA_MAX     8192   /* bytes of one programme's fragment */
#define XT_EPG_SUBTITLE_MAX  1000
#define XT_EPG_EXTRA_TEXT    512    /* bytes of one text, cut at a char */

/* the fragment's parts, in the DTD's order */
enum {
    XT_EX_CREDITS = 0, XT_EX_DATE, XT_EX_CATEGORY, XT_EX_LANGUAGE,
    XT_EX_ICON, XT_EX_EPISODE, XT_EX_PREVIOUS, XT_EX_NEW, XT_EX_RATING,
    XT_EX_STAR, XT_EX_COUNT
};

typedef struct {
    xt_buf_t  part[XT_EX_COUNT];
    unsigned  count[XT_EX_COUNT];
    xt_buf_t  sub_title;
    int       has_sub, sub_pref;
} xt_epg_extra_t;

void xt_epg_extra_reset(xt_epg_extra_t *x);
void xt_epg_extra_free(xt_epg_extra_t *x);

/* a child element of <programme>, expanded (its subtree is complete):
   kept when it is one of the fields, else ignored.  lang: the preferred
   language ("" or NULL: the first sub-title wins).  0, or -1 when out of
   memory. */
int xt_epg_extra_element(xt_epg_extra_t *x, xmlNodePtr n, const char *lang);

/* the fragment into out (replaced), at most XT_EPG_EXTRA_MAX bytes: whole
   parts only, in order.  0 or -1 (memory). */
int xt_epg_extra_join(xt_epg_extra_t *x, xt_buf_t *out);

#endif
