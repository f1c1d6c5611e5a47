/* Small yajl_gen helpers for the pre-rendered snapshot JSON. */
#ifndef XT_JSON_GEN_H
#define XT_JSON_GEN_H

#include <stddef.h>
#include <yajl/yajl_gen.h>

/* a generator that validates UTF-8 and beautifies nothing */
yajl_gen xt_gen_new(void);
/* start a new document in g (drops the previous output) */
void xt_gen_restart(yajl_gen g);

/* each returns yajl_gen_status_ok or the first error */
yajl_gen_status xt_gen_key(yajl_gen g, const char *k);
yajl_gen_status xt_gen_strn(yajl_gen g, const char *s, size_t len);
yajl_gen_status xt_gen_cstr(yajl_gen g, const char *s);
yajl_gen_status xt_gen_ullong(yajl_gen g, unsigned long long v);
/* a number as a JSON string of digits, the way mysqli-based panels send */
yajl_gen_status xt_gen_digits(yajl_gen g, long long v);

#endif
