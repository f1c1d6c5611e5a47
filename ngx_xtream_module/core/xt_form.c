/*
 * Form field lookup and decoding (see xt_form.h).
 */

#include <string.h>

#include "xt_form.h"
#include "xt_hex.h"


xt_form_rc_e
xt_form_find(const unsigned char *body, size_t len, const char *name,
    size_t max, const unsigned char **val, size_t *vlen)
{
    size_t                nlen, flen;
    const unsigned char  *p, *end, *amp, *eq;

    nlen = strlen(name);
    p = body;
    end = body + len;

    while (p < end) {
        amp = memchr(p, '&', (size_t) (end - p));
        if (amp == NULL) {
            amp = end;
        }

        flen = (size_t) (amp - p);
        eq = memchr(p, '=', flen);

        if (eq && (size_t) (eq - p) == nlen && memcmp(p, name, nlen) == 0) {
            *val = eq + 1;
            *vlen = (size_t) (amp - (eq + 1));

            /* an escape is 3 bytes for one: longer can never fit max */
            return *vlen > 3 * max ? XT_FORM_TOO_LONG : XT_FORM_OK;
        }

        if (amp == end) {
            break;
        }

        p = amp + 1;
    }

    return XT_FORM_ABSENT;
}


size_t
xt_form_unescape(unsigned char *dst, const unsigned char *src, size_t len)
{
    int             hi, lo;
    size_t          i, n;
    unsigned char   c;

    n = 0;

    for (i = 0; i < len; i++) {
        c = src[i];

        if (c == '+') {
            dst[n++] = ' ';
            continue;
        }

        if (c != '%') {
            dst[n++] = c;
            continue;
        }

        if (i + 1 == len) {
            break;                      /* trailing "%": dropped */
        }

        hi = xt_hex_digit(src[i + 1]);
        if (hi < 0) {
            /* "%" + non-hex: the byte stays ("+" already a space) */
            dst[n++] = src[i + 1] == '+' ? ' ' : src[i + 1];
            i++;
            continue;
        }

        if (i + 2 == len) {
            break;                      /* trailing "%X": dropped */
        }

        lo = xt_hex_digit(src[i + 2]);
        if (lo >= 0) {
            dst[n++] = (unsigned char) (hi << 4 | lo);
        }

        /* "%X" + non-hex: both dropped */
        i += 2;
    }

    return n;
}
