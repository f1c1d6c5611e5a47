#include <stdio.h>
#include <string.h>

#include "xt_access.h"
#include "xt_json_gen.h"
#include "admin/xt_admin_fields.h"


yajl_val
xt_field_get(yajl_val obj, const char *key)
{
    size_t  i;

    if (obj == NULL || !YAJL_IS_OBJECT(obj)) {
        return NULL;
    }
    for (i = 0; i < obj->u.object.len; i++) {
        if (strcmp(obj->u.object.keys[i], key) == 0) {
            return obj->u.object.values[i];
        }
    }
    return NULL;
}


int
xt_fields_only(xt_admin_req_t *rq, yajl_val obj, const char *const *keys)
{
    size_t       i, j, k;
    const char  *key;

    for (i = 0; i < obj->u.object.len; i++) {
        key = obj->u.object.keys[i];
        for (k = 0; keys[k]; k++) {
            if (strcmp(keys[k], key) == 0) {
                break;
            }
        }
        if (keys[k] == NULL) {
            return xt_admin_err(rq, 400, "bad_field", key,
                                "%.64s: unknown field", key);
        }
        for (j = 0; j < i; j++) {
            if (strcmp(obj->u.object.keys[j], key) == 0) {
                return xt_admin_err(rq, 400, "bad_field", key,
                                    "%.64s: given twice", key);
            }
        }
    }
    return 0;
}


int
xt_text_ok(const char *s, size_t len, int multiline)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char) s[i];

        if (c == 0x7f || (c < 0x20 && !(multiline
                                         && (c == '\n' || c == '\t'
                                             || c == '\r'))))
        {
            return 0;
        }
    }
    return xt_utf8_valid(s, len);
}


int
xt_field_str(xt_admin_req_t *rq, yajl_val obj, const char *key, size_t min,
    size_t max, int required, const char **out)
{
    yajl_val  v = xt_field_get(obj, key);
    size_t    n;

    *out = NULL;
    if (v == NULL) {
        return required ? xt_admin_err(rq, 400, "bad_field", key,
                                       "%s: required", key) : 0;
    }
    if (!YAJL_IS_STRING(v)) {
        return xt_admin_err(rq, 400, "bad_field", key, "%s: must be a string",
                            key);
    }
    n = strlen(v->u.string);
    if (n < min || n > max) {
        return xt_admin_err(rq, 400, "bad_field", key,
                            "%s: must be %zu..%zu bytes long", key, min, max);
    }
    if (!xt_text_ok(v->u.string, n, 0)) {
        return xt_admin_err(rq, 400, "bad_field", key,
                            "%s: control characters are not allowed", key);
    }
    *out = v->u.string;
    return 0;
}


int
xt_field_int(xt_admin_req_t *rq, yajl_val obj, const char *key, long long lo,
    long long hi, int required, long long *out, int *present)
{
    yajl_val  v = xt_field_get(obj, key);

    *present = 0;
    if (v == NULL) {
        return required ? xt_admin_err(rq, 400, "bad_field", key,
                                       "%s: required", key) : 0;
    }
    if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < lo
        || YAJL_GET_INTEGER(v) > hi)
    {
        return xt_admin_err(rq, 400, "bad_field", key,
                            "%s: must be an integer %lld..%lld", key, lo, hi);
    }
    *out = YAJL_GET_INTEGER(v);
    *present = 1;
    return 0;
}


int
xt_field_ids(xt_admin_req_t *rq, yajl_val obj, const char *key, size_t max,
    long long *ids, size_t *n, int *present)
{
    yajl_val  v = xt_field_get(obj, key), it;
    size_t    i, j;
    char      f[160];

    *n = 0;
    *present = 0;
    if (v == NULL) {
        return 0;
    }
    if (!YAJL_IS_ARRAY(v)) {
        return xt_admin_err(rq, 400, "bad_field", key,
                            "%s: must be an array of ids", key);
    }
    if (v->u.array.len > max) {
        return xt_admin_err(rq, 400, "bad_field", key,
                            "%s: at most %zu items", key, max);
    }
    for (i = 0; i < v->u.array.len; i++) {
        it = v->u.array.values[i];
        snprintf(f, sizeof(f), "%s[%zu]", key, i);
        if (!YAJL_IS_INTEGER(it) || YAJL_GET_INTEGER(it) < 1
            || YAJL_GET_INTEGER(it) > 4294967295LL)
        {
            return xt_admin_err(rq, 400, "bad_field", f,
                                "%s: must be a positive integer id", f);
        }
        ids[i] = YAJL_GET_INTEGER(it);
        for (j = 0; j < i; j++) {
            if (ids[j] == ids[i]) {
                return xt_admin_err(rq, 400, "bad_field", f,
                                    "%s: repeats id %lld", f, ids[i]);
            }
        }
    }
    *n = v->u.array.len;
    *present = 1;
    return 0;
}


int
xt_check_relpath(const char *s, size_t len)
{
    const char  *p = s, *e = s + len, *c;
    size_t       n;

    if (len == 0) {
        return 1;       /* no file yet */
    }
    if (s[0] == '/') {
        return 0;
    }
    while (p < e) {
        c = memchr(p, '/', (size_t) (e - p));
        n = c ? (size_t) (c - p) : (size_t) (e - p);
        if (n == 0 || (n == 2 && p[0] == '.' && p[1] == '.')
            || (n == 1 && p[0] == '.'))
        {
            return 0;
        }
        p += n + (c != NULL);
        if (c && p == e) {
            return 0;   /* trailing slash */
        }
    }
    return memchr(s, '\\', len) == NULL;
}


int
xt_check_ext(const char *s, size_t len)
{
    size_t  i;

    if (len < 1 || len > 8) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9'))) {
            return 0;
        }
    }
    return 1;
}


int
xt_check_url(const char *s, size_t len)
{
    static const char *const  schemes[] = {
        "rtmp://", "rtmps://", "http://", "https://", "udp://", "rtp://",
        "srt://", "file:", NULL
    };
    size_t                    i, n;

    for (i = 0; i < len; i++) {
        if ((unsigned char) s[i] <= 0x20 || s[i] == 0x7f) {
            return 0;
        }
    }
    for (i = 0; schemes[i]; i++) {
        n = strlen(schemes[i]);
        if (len > n && strncmp(s, schemes[i], n) == 0) {
            return 1;
        }
    }
    return 0;
}


int
xt_check_host(const char *s, size_t len)
{
    size_t  i;

    if (len < 1 || len > 255) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':'
              || c == '[' || c == ']'))
        {
            return 0;
        }
    }
    return 1;
}


/* the module's own reading (xt_access.c): what is stored can match */
int
xt_check_ip_item(const char *s, size_t len)
{
    return xt_access_ip_entry_valid(s, len);
}


int
xt_check_setting_name(const char *s, size_t len)
{
    size_t  i;

    if (len < 1 || len > 64) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')
              || s[i] == '_'))
        {
            return 0;
        }
    }
    return 1;
}


int
xt_check_username(const char *s, size_t len)
{
    size_t  i;

    if (len < 1 || len > 64) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@'
              || c == '-'))
        {
            return 0;
        }
    }
    return 1;
}


void
xt_gen_tree(yajl_gen g, yajl_val v)
{
    size_t  i;

    if (v == NULL || YAJL_IS_NULL(v)) {
        yajl_gen_null(g);
    } else if (YAJL_IS_STRING(v)) {
        xt_gen_cstr(g, v->u.string);
    } else if (YAJL_IS_NUMBER(v)) {
        yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
    } else if (YAJL_IS_TRUE(v)) {
        yajl_gen_bool(g, 1);
    } else if (YAJL_IS_FALSE(v)) {
        yajl_gen_bool(g, 0);
    } else if (YAJL_IS_OBJECT(v)) {
        yajl_gen_map_open(g);
        for (i = 0; i < v->u.object.len; i++) {
            xt_gen_cstr(g, v->u.object.keys[i]);
            xt_gen_tree(g, v->u.object.values[i]);
        }
        yajl_gen_map_close(g);
    } else if (YAJL_IS_ARRAY(v)) {
        yajl_gen_array_open(g);
        for (i = 0; i < v->u.array.len; i++) {
            xt_gen_tree(g, v->u.array.values[i]);
        }
        yajl_gen_array_close(g);
    }
}
