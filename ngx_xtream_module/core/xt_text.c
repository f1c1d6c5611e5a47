/*
 * base64, UTF-8 repair, XML and JSON escaping.
 */

#include <string.h>

#include "xt_text.h"


static const char  xt_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";


size_t
xt_base64_encode(char *out, const unsigned char *in, size_t len)
{
    char  *p;

    p = out;

    while (len >= 3) {
        *p++ = xt_b64[in[0] >> 2];
        *p++ = xt_b64[((in[0] & 0x03) << 4) | (in[1] >> 4)];
        *p++ = xt_b64[((in[1] & 0x0f) << 2) | (in[2] >> 6)];
        *p++ = xt_b64[in[2] & 0x3f];
        in += 3;
        len -= 3;
    }

    if (len) {
        *p++ = xt_b64[in[0] >> 2];

        if (len == 1) {
            *p++ = xt_b64[(in[0] & 0x03) << 4];
            *p++ = '=';

        } else {
            *p++ = xt_b64[((in[0] & 0x03) << 4) | (in[1] >> 4)];
            *p++ = xt_b64[(in[1] & 0x0f) << 2];
        }

        *p++ = '=';
    }

    return (size_t) (p - out);
}


/* length of the valid sequence at in[0..len), or 0 when invalid */
static size_t
xt_utf8_seq(const unsigned char *in, size_t len)
{
    size_t         n, i;
    unsigned char  c, lo, hi;

    c = in[0];

    if (c < 0x80) {
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
            return 0;
        }
        return 1;
    }

    lo = 0x80;
    hi = 0xbf;

    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;

    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0) {
            lo = 0xa0;              /* overlong */
        } else if (c == 0xed) {
            hi = 0x9f;              /* surrogates */
        }

    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0) {
            lo = 0x90;
        } else if (c == 0xf4) {
            hi = 0x8f;              /* above U+10FFFF */
        }

    } else {
        return 0;
    }

    if (len < n || in[1] < lo || in[1] > hi) {
        return 0;
    }

    for (i = 2; i < n; i++) {
        if (in[i] < 0x80 || in[i] > 0xbf) {
            return 0;
        }
    }

    return n;
}


size_t
xt_utf8_replace_invalid(char *out, const unsigned char *in, size_t len)
{
    char    *p;
    size_t   n;

    p = out;

    while (len) {
        n = xt_utf8_seq(in, len);

        if (n == 0) {
            *p++ = (char) 0xef;
            *p++ = (char) 0xbf;
            *p++ = (char) 0xbd;
            n = 1;

        } else {
            memcpy(p, in, n);
            p += n;
        }

        in += n;
        len -= n;
    }

    return (size_t) (p - out);
}


int
xt_utf8_clean(const unsigned char *in, size_t len)
{
    size_t  n;

    while (len) {
        n = xt_utf8_seq(in, len);
        if (n == 0) {
            return 0;
        }
        in += n;
        len -= n;
    }

    return 1;
}


size_t
xt_xml_escape(char *out, const char *in, size_t len)
{
    char    *p;
    size_t   i;

    p = out;

    for (i = 0; i < len; i++) {
        switch (in[i]) {

        case '&':
            memcpy(p, "&amp;", 5);
            p += 5;
            break;

        case '<':
            memcpy(p, "&lt;", 4);
            p += 4;
            break;

        case '>':
            memcpy(p, "&gt;", 4);
            p += 4;
            break;

        case '"':
            memcpy(p, "&quot;", 6);
            p += 6;
            break;

        case '\'':
            memcpy(p, "&apos;", 6);
            p += 6;
            break;

        default:
            *p++ = in[i];
        }
    }

    return (size_t) (p - out);
}


size_t
xt_json_escape(char *out, const char *in, size_t len)
{
    char           *p;
    size_t          i;
    unsigned char   c;

    static const char  hex[] = "0123456789abcdef";

    p = out;

    for (i = 0; i < len; i++) {
        c = (unsigned char) in[i];

        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char) c;

        } else if (c < 0x20 || c == 0x7f) {
            memcpy(p, "\\u00", 4);
            p[4] = hex[c >> 4];
            p[5] = hex[c & 0xf];
            p += 6;

        } else {
            *p++ = (char) c;
        }
    }

    return (size_t) (p - out);
}
