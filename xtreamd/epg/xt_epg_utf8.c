/*
 * UTF-8 repair for the XMLTV byte stream.  libxml2 stops a document at the
 * first byte that is not UTF-8 (or at a control character), even with
 * XML_PARSE_RECOVER; one bad programme title would then lose the whole
 * guide.  Each such byte becomes U+FFFD here, and the importer skips the
 * programmes whose text carries U+FFFD (reason bad_encoding).
 */
#include <string.h>

#include "xt_epg_rules.h"

static const unsigned char  xt_fffd[3] = { 0xef, 0xbf, 0xbd };


/* length of the well-formed sequence at p (n bytes available), 0 when
   it is not one, -1 when it may be one but is cut by the end of p */
static int
xt_seq(const unsigned char *p, size_t n)
{
    unsigned char  c = p[0], lo = 0x80, hi = 0xbf;
    int            need, i;

    if (c < 0x80) {
        return (c < 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) ? 0 : 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        need = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 3;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;       /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    for (i = 1; i < need; i++) {
        if ((size_t) i >= n) {
            return -1;
        }
        if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xbf)) {
            return 0;
        }
    }
    /* U+FFFE and U+FFFF are not XML characters */
    if (need == 3 && c == 0xef && p[1] == 0xbf && p[2] >= 0xbe) {
        return 0;
    }
    return need;
}


size_t
xt_epg_utf8_repair(xt_epg_utf8_repair_t *f, const unsigned char *in,
    size_t inlen, unsigned char *out, int eof)
{
    unsigned char  pend[4], w[4], c;
    unsigned       np = f->npend;
    size_t         total = np + inlen, j = 0, o = 0, avail, t;
    int            k;

    /* the carried bytes and the new ones are one virtual stream */
    memcpy(pend, f->pend, np);
    f->npend = 0;
    while (j < total) {
        if (j >= np) {
            c = in[j - np];
            if (c >= 0x20 && c < 0x80) {
                out[o++] = c;
                j++;
                continue;
            }
        }
        avail = total - j < 4 ? total - j : 4;
        for (t = 0; t < avail; t++) {
            w[t] = j + t < np ? pend[j + t] : in[j + t - np];
        }
        k = xt_seq(w, avail);
        if (k < 0 && !eof) {
            /* a sequence cut by the end of this input: carry it */
            memcpy(f->pend, w, avail);
            f->npend = (unsigned) avail;
            break;
        }
        if (k <= 0) {
            memcpy(out + o, xt_fffd, 3);
            o += 3;
            f->fixed++;
            j++;
        } else {
            memcpy(out + o, w, (size_t) k);
            o += (size_t) k;
            j += (size_t) k;
        }
    }
    return o;
}


int
xt_epg_sniff_utf8(const unsigned char *p, size_t n)
{
    const unsigned char  *e, *q;
    char                  enc[16];
    size_t                k;
    unsigned char         quote;

    if (n >= 2 && ((p[0] == 0xfe && p[1] == 0xff) || (p[0] == 0xff
                                                      && p[1] == 0xfe)))
    {
        return 0;                           /* UTF-16 BOM */
    }
    if (n >= 2 && ((p[0] == 0 && p[1] == '<') || (p[0] == '<' && p[1] == 0)))
    {
        return 0;                           /* UTF-16 without BOM */
    }
    if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
        p += 3;
        n -= 3;
    }
    if (n < 5 || memcmp(p, "<?xml", 5) != 0) {
        return 1;
    }
    e = memchr(p, '>', n);
    if (e == NULL) {
        e = p + n;
    }
    for (q = p; q + 9 <= e; q++) {
        if (memcmp(q, "encoding", 8) == 0) {
            break;
        }
    }
    if (q + 9 > e) {
        return 1;
    }
    q += 8;
    while (q < e && (*q == ' ' || *q == '=' || *q == '\t')) {
        q++;
    }
    if (q >= e || (*q != '"' && *q != '\'')) {
        return 1;
    }
    quote = *q++;
    for (k = 0; q < e && *q != quote && k < sizeof(enc) - 1; q++) {
        enc[k++] = (char) (*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
    }
    enc[k] = '\0';
    return strcmp(enc, "utf-8") == 0 || strcmp(enc, "utf8") == 0;
}
