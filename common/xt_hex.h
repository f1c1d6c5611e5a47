/*
 * Hex digits, shared by the module (tokens, hand-offs, %XX unescaping) and
 * xtreamd (session cookies, stored PBKDF2 hashes).  Header-only: every
 * build that includes it has it.  Output is lower-case; the strict
 * readers take lower case only, so every value has one spelling.
 */
#ifndef XT_HEX_H
#define XT_HEX_H

#include <stddef.h>
#include <stdint.h>


/* the 2 * n lower-case digits of in[0..n) into out (no NUL added) */
static inline void
xt_hex_encode(char *out, const unsigned char *in, size_t n)
{
    static const char  digits[] = "0123456789abcdef";
    size_t             i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0xf];
    }
}


/* the value of one digit of either case (URL %XX), or -1 */
static inline int
xt_hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;                  /* folds only 'A'-'F' onto 'a'-'f' */

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


/* the value of one lower-case digit, or -1 */
static inline int
xt_hex_digit_lower(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


/* the n / 2 bytes of n lower-case digits into out; 0, or -1 when n is odd
   or a byte is not a lower-case digit (out is then partly written) */
static inline int
xt_hex_decode_lower(unsigned char *out, const char *in, size_t n)
{
    size_t  i;
    int     hi, lo;

    if (n % 2) {
        return -1;
    }

    for (i = 0; i < n / 2; i++) {
        hi = xt_hex_digit_lower((unsigned char) in[2 * i]);
        lo = xt_hex_digit_lower((unsigned char) in[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        out[i] = (unsigned char) (hi << 4 | lo);
    }

    return 0;
}

#endif /* XT_HEX_H */
