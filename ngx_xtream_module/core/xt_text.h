/*
 * Text transforms for the renderers: base64 (EPG titles for players),
 * UTF-8 repair (invalid sequences become U+FFFD) and XML escaping (XMLTV).
 * Pure functions over caller-sized buffers.
 */

#ifndef XT_TEXT_H
#define XT_TEXT_H

#include <stddef.h>


/* output bytes of each transform for len input bytes, at most */
#define xt_base64_len(len)                ((((len) + 2) / 3) * 4)
#define xt_utf8_replace_invalid_len(len)  ((len) * 3)
#define xt_xml_escape_len(len)            ((len) * 6)
#define xt_json_escape_len(len)           ((len) * 6)

/* standard alphabet with "=" padding; returns the output length */
size_t xt_base64_encode(char *out, const unsigned char *in, size_t len);

/*
 * Copies in to out replacing each invalid, overlong, surrogate or
 * truncated UTF-8 sequence (and NUL and C0 controls other than tab, LF,
 * CR) by U+FFFD, byte by byte, in one call (the whole text at hand; the
 * daemon's EPG import has its own streaming xt_epg_utf8_repair with XML's
 * rules).  Returns the output length.
 */
size_t xt_utf8_replace_invalid(char *out, const unsigned char *in, size_t len);

/* 1 when in is valid UTF-8 that xt_utf8_replace_invalid would leave
   unchanged */
int xt_utf8_clean(const unsigned char *in, size_t len);

/*
 * XML text and attribute escaping (& < > " ') of valid UTF-8 (run
 * xt_utf8_replace_invalid first); returns the output length.
 */
size_t xt_xml_escape(char *out, const char *in, size_t len);

/*
 * JSON string content (without the quotes) of valid UTF-8: the quote and
 * the backslash backslashed, C0 controls and DEL as \u00XX; returns the
 * output length.
 */
size_t xt_json_escape(char *out, const char *in, size_t len);

#endif /* XT_TEXT_H */
