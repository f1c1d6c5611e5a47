/*
 * Streaming XMLTV parse: libxml2's xmlTextReader pulls one node at a time
 * from a read callback (xt_epg_input.c), so memory stays bounded by one
 * element whatever the file size.  Each finished <channel> and <programme>
 * is checked (xt_epg_rules.h) and handed to a callback (the store).
 */
#ifndef XT_EPG_XMLTV_H
#define XT_EPG_XMLTV_H

#include <stddef.h>
#include <stdint.h>

#include "xt_epg_rules.h"

typedef struct {
    const char  *id;
    size_t       id_len;
    const char  *name;
    size_t       name_len;
    const char  *icon;
    size_t       icon_len;
} xt_epg_chan_t;

typedef struct {
    const char  *channel;
    size_t       channel_len;
    int64_t      start, stop;
    const char  *title;
    size_t       title_len;
    const char  *desc;
    size_t       desc_len;
    const char  *lang;
    size_t       lang_len;
    const char  *sub_title;         /* plain UTF-8 */
    size_t       sub_title_len;
    const char  *extra;             /* XML fragment (xt_epg_extra.h) */
    size_t       extra_len;
    unsigned     line;
} xt_epg_prog_t;

/* what a callback says about a record */
enum { XT_EPG_STORED = 0, XT_EPG_SKIPPED = 1, XT_EPG_OUTSIDE = 2,
       XT_EPG_DEFERRED = 3 };

/* a programme without stop: it ends where the channel's next one starts
   (XMLTV allows this); the store decides when that one arrives */
#define XT_EPG_NO_STOP  INT64_MIN

typedef struct {
    /* in: the byte source (libxml2 xmlInputReadCallback shape; -1 on
       error) and whether it ended cleanly on "</tv>" */
    int        (*read)(void *ctx, char *buf, int len);
    int        (*complete)(void *ctx);      /* 1: input ended on </tv> */
    void        *read_ctx;
    const char  *lang;                      /* preferred language or "" */
    int64_t      now;
    /* XT_EPG_STORED, XT_EPG_SKIPPED (*reason set), XT_EPG_OUTSIDE,
       XT_EPG_DEFERRED (stop = XT_EPG_NO_STOP: counted by the callback's
       owner later), or -1 to abort (the error is reported by its owner) */
    int        (*channel)(void *ctx, const xt_epg_chan_t *c, int *reason);
    int        (*programme)(void *ctx, const xt_epg_prog_t *p, int *reason);
    void       (*progress)(void *ctx);      /* every 1024 programmes */
    void        *ctx;

    /* out */
    unsigned long long  skipped[XT_EPG_SKIP_COUNT];
    unsigned long long  programmes;     /* <programme> elements seen */
    unsigned long long  stored, outside, deferred;
    unsigned long long  channels, channels_stored, channels_skipped;
    unsigned long long  xml_errors;
    int                 aborted;        /* a callback returned -1 */
    char                err[512];       /* why the document was refused */

    /* internal: recent error lines, for blaming the programme they are in */
    unsigned            errline[64];
    unsigned            nerr, logged;
} xt_xmltv_t;

/* parse the whole document; 0 (counts in x), or -1: the document is not
   usable as a whole (not XML, not <tv>, truncated, input error: x->err),
   or a callback aborted (x->aborted) */
int xt_xmltv_parse(xt_xmltv_t *x);

#endif
