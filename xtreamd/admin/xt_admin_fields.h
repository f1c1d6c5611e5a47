/*
 * Strict reading of request bodies: each helper checks one key of a JSON
 * object (type, bounds, characters) and on failure sets a 400 naming the
 * field.  Pure C over yajl trees: unit-tested in tests/test_admin.c.
 */
#ifndef XT_ADMIN_FIELDS_H
#define XT_ADMIN_FIELDS_H

#include <stddef.h>

#include "admin/xt_admin.h"

/* the value of key in obj, or NULL */
yajl_val xt_field_get(yajl_val obj, const char *key);

/* every key of obj is in keys (NULL-terminated) and none repeats */
int xt_fields_only(xt_admin_req_t *rq, yajl_val obj, const char *const *keys);

/* 1 when s[0..len) has no control character (tab/newline allowed when
   multiline) and is valid UTF-8 */
int xt_text_ok(const char *s, size_t len, int multiline);

/* a string of min..max bytes; absent: *out NULL (400 when required);
   single-line (no control characters) */
int xt_field_str(xt_admin_req_t *rq, yajl_val obj, const char *key,
    size_t min, size_t max, int required, const char **out);

/* an integer lo..hi; *present 0 when absent */
int xt_field_int(xt_admin_req_t *rq, yajl_val obj, const char *key,
    long long lo, long long hi, int required, long long *out, int *present);

/* an array of distinct ids (1..UINT32_MAX), at most max items; *n 0 and
   *present 0 when absent; ids must hold max entries */
int xt_field_ids(xt_admin_req_t *rq, yajl_val obj, const char *key,
    size_t max, long long *ids, size_t *n, int *present);

/* value checks shared by several resources */
int xt_check_relpath(const char *s, size_t len);    /* VOD path */
int xt_check_ext(const char *s, size_t len);        /* [a-z0-9]{1,8} */
int xt_check_url(const char *s, size_t len);        /* stream source */
int xt_check_host(const char *s, size_t len);       /* server host */
int xt_check_ip_item(const char *s, size_t len);    /* allowed_ips item */
int xt_check_setting_name(const char *s, size_t len);
int xt_check_username(const char *s, size_t len);   /* [A-Za-z0-9._@-]{1,64} */

/* emit a parsed tree into g (objects, arrays, strings, numbers...) */
void xt_gen_tree(yajl_gen g, yajl_val v);

#endif
