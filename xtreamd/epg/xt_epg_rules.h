/*
 * EPG import: the pure pieces (no database, no libxml2), unit-tested in
 * tests/test_epg.c: XMLTV time parsing, the skip rules and their reason
 * names, the per-channel overlap set, and the UTF-8 repair filter that
 * keeps one bad byte from stopping the XML parser.
 */
#ifndef XT_EPG_RULES_H
#define XT_EPG_RULES_H

#include <stddef.h>
#include <stdint.h>

/* why a programme (or channel) was not imported: each is a counted
   warning; names in xt_epg_skip_names[] (stored in skipped_detail) */
enum {
    XT_EPG_SKIP_MISSING = 0,    /* missing_field: channel, start, stop, title */
    XT_EPG_SKIP_BAD_TIME,       /* bad_time: not an XMLTV time */
    XT_EPG_SKIP_BEFORE_1970,    /* before_1970 */
    XT_EPG_SKIP_TOO_FAR,        /* too_far: starts > 2 years from now */
    XT_EPG_SKIP_NOT_AFTER,      /* stop_not_after_start */
    XT_EPG_SKIP_TOO_LONG,       /* too_long: > 48 h */
    XT_EPG_SKIP_OVERLAP,        /* overlap: with an earlier one of the channel */
    XT_EPG_SKIP_MALFORMED,      /* malformed_xml: an XML error inside it */
    XT_EPG_SKIP_ENCODING,       /* bad_encoding: invalid UTF-8 / control bytes */
    XT_EPG_SKIP_BAD_CHANNEL,    /* bad_channel_id: too long or control chars */
    XT_EPG_SKIP_OTHER_SOURCE,   /* other_source: channel owned by another source */
    XT_EPG_SKIP_LIMIT,          /* limit: too many programmes or channels */
    XT_EPG_SKIP_COUNT
};

extern const char *const  xt_epg_skip_names[XT_EPG_SKIP_COUNT];

#define XT_EPG_MAX_SECONDS     (48 * 3600)
#define XT_EPG_MAX_AHEAD       (731LL * 86400)      /* 2 years */
#define XT_EPG_CHANNEL_ID_MAX  255
#define XT_EPG_TITLE_MAX       1000     /* bytes, cut at a character */
#define XT_EPG_DESC_MAX        16000
#define XT_EPG_LANG_MAX        8

/* "YYYYMMDDhhmmss[ ]+hhmm" (also hh:mm, -, Z, UTC, GMT; 12 digits = no
   seconds; no zone = UTC, as the XMLTV DTD says) -> unix seconds.
   0, or -1 when the text is not such a time (bad month, day 31 in a
   30-day month, hour 24, zone beyond 14 h, trailing junk...). */
int xt_epg_parse_time(const char *s, size_t len, int64_t *out);

/* the time rules: -1 when fine, else an XT_EPG_SKIP_* reason */
int xt_epg_time_rule(int64_t start, int64_t stop, int64_t now);

/* 1 when [start, stop) is outside the retention window [from, to) */
int xt_epg_outside(int64_t start, int64_t stop, int64_t from, int64_t to);

/* a channel id is imported when 1..255 bytes without control characters */
int xt_epg_channel_id_ok(const char *s, size_t len);

/* bytes of s to keep so that it is at most max bytes, cut before a
   character (s is valid UTF-8) */
size_t xt_epg_utf8_cut(const char *s, size_t len, size_t max);

/* 1 when s holds U+FFFD, which the repair filter puts for a bad byte */
int xt_epg_has_fffd(const char *s, size_t len);


/* per-channel set of accepted [start, stop) intervals, sorted */
typedef struct {
    int64_t  *iv;           /* start, stop pairs */
    size_t    n, cap;
} xt_epg_ivset_t;

/* 0 added, 1 overlaps one already there (not added), -1 out of memory */
int xt_epg_ivset_add(xt_epg_ivset_t *s, int64_t start, int64_t stop);
void xt_epg_ivset_free(xt_epg_ivset_t *s);


/* streaming UTF-8 repair: every byte that is not part of a well-formed
   UTF-8 sequence, every C0 control but TAB/LF/CR, and U+FFFE/U+FFFF
   become U+FFFD.  Sequences split across calls are carried. */
typedef struct {
    unsigned char       pend[4];
    unsigned            npend;
    unsigned long long  fixed;      /* replacements made */
} xt_epg_utf8_repair_t;

/* out must hold 3 * (inlen + 4) bytes; returns the bytes written.  eof:
   no more input follows (a carried partial sequence is replaced). */
size_t xt_epg_utf8_repair(xt_epg_utf8_repair_t *f, const unsigned char *in,
    size_t inlen, unsigned char *out, int eof);

/* from the document's first bytes: 1 when it is UTF-8 (no declaration,
   or encoding="UTF-8"), so the repair filter applies; 0 for UTF-16 or
   another declared encoding (libxml2 converts those itself) */
int xt_epg_sniff_utf8(const unsigned char *p, size_t n);

#endif
