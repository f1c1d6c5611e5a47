#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "xt_json_gen.h"


yajl_gen
xt_gen_new(void)
{
    yajl_gen  g = yajl_gen_alloc(NULL);

    if (g) {
        yajl_gen_config(g, yajl_gen_validate_utf8, 1);
    }
    return g;
}


void
xt_gen_restart(yajl_gen g)
{
    yajl_gen_reset(g, NULL);
    yajl_gen_clear(g);
}


yajl_gen_status
xt_gen_key(yajl_gen g, const char *k)
{
    return yajl_gen_string(g, (const unsigned char *) k, strlen(k));
}


yajl_gen_status
xt_gen_strn(yajl_gen g, const char *s, size_t len)
{
    return yajl_gen_string(g, (const unsigned char *) s, len);
}


yajl_gen_status
xt_gen_cstr(yajl_gen g, const char *s)
{
    return xt_gen_strn(g, s, strlen(s));
}


yajl_gen_status
xt_gen_ullong(yajl_gen g, unsigned long long v)
{
    char  buf[24];
    int   n = snprintf(buf, sizeof(buf), "%llu", v);

    return yajl_gen_number(g, buf, (size_t) n);
}


yajl_gen_status
xt_gen_digits(yajl_gen g, long long v)
{
    char  buf[24];
    int   n = snprintf(buf, sizeof(buf), "%lld", v);

    return xt_gen_strn(g, buf, (size_t) n);
}


yajl_gen_status
xt_gen_digits_or_empty(yajl_gen g, long long v)
{
    return v ? xt_gen_digits(g, v) : xt_gen_strn(g, "", 0);
}


unsigned
xt_rating5_tenths(const char *s, size_t len)
{
    unsigned long  hundredths = 0;
    size_t         i = 0, frac = 0;
    int            digits = 0;

    /* integer part, then up to two decimals (more are ignored) */
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        if (hundredths < 100000) {
            hundredths = hundredths * 10 + (unsigned) (s[i] - '0');
        }
        i++;
        digits++;
    }
    hundredths *= 100;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (frac < 2) {
                hundredths += (unsigned) (s[i] - '0') * (frac ? 1 : 10);
            }
            frac++;
            i++;
            digits++;
        }
    }
    if (i != len || digits == 0) {
        return 0;
    }
    if (hundredths > 1000) {
        hundredths = 1000;
    }
    /* (rating / 2) in tenths, half up: hundredths / 20 */
    return (unsigned) ((hundredths + 10) / 20);
}


yajl_gen_status
xt_gen_rating5(yajl_gen g, const char *rating, size_t len)
{
    char      buf[16];
    unsigned  t = xt_rating5_tenths(rating, len);
    int       n = snprintf(buf, sizeof(buf), "%u.%u", t / 10, t % 10);

    return yajl_gen_number(g, buf, (size_t) n);
}


yajl_gen_status
xt_gen_duration(yajl_gen g, uint32_t secs)
{
    char  buf[24];
    int   n = snprintf(buf, sizeof(buf), "%02u:%02u:%02u", secs / 3600,
                       secs / 60 % 60, secs % 60);

    return xt_gen_strn(g, buf, (size_t) n);
}


yajl_gen_status
xt_gen_year(yajl_gen g, const char *date, size_t len)
{
    size_t  i;

    if (len < 4) {
        return xt_gen_strn(g, "", 0);
    }
    for (i = 0; i < 4; i++) {
        if (date[i] < '0' || date[i] > '9') {
            return xt_gen_strn(g, "", 0);
        }
    }
    return xt_gen_strn(g, date, 4);
}


yajl_gen_status
xt_gen_backdrop(yajl_gen g, const char *json, size_t len)
{
    yajl_gen_status  st;
    yajl_val         v = NULL, it;
    char            *text;
    size_t           i;

    if ((st = yajl_gen_array_open(g)) != yajl_gen_status_ok) {
        return st;
    }
    if (len && json[0] == '[') {
        text = malloc(len + 1);
        if (text == NULL) {
            return yajl_gen_generation_complete;    /* any error */
        }
        memcpy(text, json, len);
        text[len] = '\0';
        v = yajl_tree_parse(text, NULL, 0);
        free(text);
        if (YAJL_IS_ARRAY(v)) {
            for (i = 0; i < v->u.array.len; i++) {
                it = v->u.array.values[i];
                if (YAJL_IS_STRING(it)
                    && (st = xt_gen_cstr(g, it->u.string))
                       != yajl_gen_status_ok)
                {
                    yajl_tree_free(v);
                    return st;
                }
            }
        }
        yajl_tree_free(v);
    } else if (len && json[0] != '"' && json[0] != '{') {
        /* a bare URL */
        if ((st = xt_gen_strn(g, json, len)) != yajl_gen_status_ok) {
            return st;
        }
    }
    return yajl_gen_array_close(g);
}


int
xt_utf8_valid(const char *s, size_t len)
{
    const unsigned char  *p = (const unsigned char *) s, *e = p + len;
    unsigned              c, n, min;

    while (p < e) {
        c = *p++;
        if (c < 0x80) {
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1; c &= 0x1f; min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2; c &= 0x0f; min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3; c &= 0x07; min = 0x10000;
        } else {
            return 0;
        }
        if ((size_t) (e - p) < n) {
            return 0;
        }
        while (n--) {
            if ((*p & 0xc0) != 0x80) {
                return 0;
            }
            c = (c << 6) | (*p++ & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
            return 0;
        }
    }
    return 1;
}
