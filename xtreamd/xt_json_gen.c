#include <stdio.h>
#include <string.h>

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
