/* Small yajl_gen helpers for the pre-rendered snapshot JSON. */
#ifndef XT_JSON_GEN_H
#define XT_JSON_GEN_H

#include <stddef.h>
#include <stdint.h>
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
/* the digit string, or "" when v is 0 */
yajl_gen_status xt_gen_digits_or_empty(yajl_gen g, long long v);

/* rating_5based: the 0..10 decimal rating text halved and rounded to one
   decimal, always printed "D.D" (a JSON number); anything that is not a
   plain decimal gives 0.0 */
yajl_gen_status xt_gen_rating5(yajl_gen g, const char *rating, size_t len);
/* the rating text as tenths of a 5-based rating (exposed for tests) */
unsigned xt_rating5_tenths(const char *rating, size_t len);

/* "HH:MM:SS" (hours may exceed 99) */
yajl_gen_status xt_gen_duration(yajl_gen g, uint32_t secs);

/* the first four characters of a date when they are digits, else "" */
yajl_gen_status xt_gen_year(yajl_gen g, const char *date, size_t len);

/* backdrop_path: always a JSON array of strings.  json is the stored
   backdrop_json text: an array of strings (non-strings are dropped), a
   single string, or empty/invalid (gives []) */
yajl_gen_status xt_gen_backdrop(yajl_gen g, const char *json, size_t len);

/* 1 when p[0..len) is valid UTF-8 (no overlongs, no surrogates) */
int xt_utf8_valid(const char *p, size_t len);

#endif
