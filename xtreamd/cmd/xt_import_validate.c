/*
 * Import, step 1: parse the document and check every key, type and limit
 * against the entity tables.  No database here, so the unit tests run it
 * on bad documents and compare the exact error path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xt_access.h"
#include "xt_import.h"
#include "xt_secret.h"
#include "xt_settings.h"

typedef struct {
    char    *err;
    size_t   errlen;
    char     path[512];
} xt_vctx_t;


static int
xt_verr(xt_vctx_t *c, const char *why)
{
    snprintf(c->err, c->errlen, "%s: %s", c->path[0] ? c->path : "(document)",
             why);
    return -1;
}


/* append ".key" or "[i]" to the path; returns the old length */
static size_t
xt_path_key(xt_vctx_t *c, const char *key)
{
    size_t  l = strlen(c->path);

    snprintf(c->path + l, sizeof(c->path) - l, "%s%.64s", l ? "." : "", key);
    return l;
}


static size_t
xt_path_idx(xt_vctx_t *c, size_t i)
{
    size_t  l = strlen(c->path);

    snprintf(c->path + l, sizeof(c->path) - l, "[%zu]", i);
    return l;
}


/* every key of obj must be in keys (NULL-ended) and appear once */
static int
xt_check_keys(xt_vctx_t *c, yajl_val obj, const char *const *keys,
    const xt_entity_t *e)
{
    size_t       i, j, l;
    const char  *k;
    int          known;

    for (i = 0; i < obj->u.object.len; i++) {
        k = obj->u.object.keys[i];
        known = 0;
        if (keys) {
            for (j = 0; keys[j]; j++) {
                known |= strcmp(keys[j], k) == 0;
            }
        } else {
            for (j = 0; j < e->nfields; j++) {
                known |= strcmp(e->fields[j].key, k) == 0;
            }
        }
        if (!known || strlen(k) > 64) {
            l = xt_path_key(c, k);
            xt_verr(c, "unknown key");
            c->path[l] = '\0';
            return -1;
        }
        for (j = 0; j < i; j++) {
            if (strcmp(obj->u.object.keys[j], k) == 0) {
                xt_path_key(c, k);
                return xt_verr(c, "duplicate key");
            }
        }
    }
    return 0;
}


static int
xt_int_range(xt_vctx_t *c, yajl_val v, long long lo, long long hi,
    long long *out)
{
    char  why[96];

    if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < lo
        || YAJL_GET_INTEGER(v) > hi)
    {
        if (hi == 9223372036854775807LL) {
            snprintf(why, sizeof(why), "must be an integer >= %lld", lo);
        } else {
            snprintf(why, sizeof(why), "must be an integer %lld..%lld", lo,
                     hi);
        }
        return xt_verr(c, why);
    }
    *out = YAJL_GET_INTEGER(v);
    return 0;
}


/* columns whose strings follow a rule of their own, the same as the
   admin API's (admin/xt_admin_fields.c) */
static const struct {
    const char  *col;
    int        (*ok)(const char *s, size_t len);
    const char  *why;
} xt_str_rules[] = {
    { "allowed_ips", xt_access_ip_entry_valid,
      "must be an IPv4/IPv6 address or CIDR (a.b.c.d[/0..32], x::y[/0..128])" },
    { NULL, NULL, NULL }
};


static int
xt_str_rule(xt_vctx_t *c, const xt_field_t *f, const char *s, size_t len)
{
    int  i;

    for (i = 0; f->col && xt_str_rules[i].col; i++) {
        if (strcmp(f->col, xt_str_rules[i].col) == 0
            && !xt_str_rules[i].ok(s, len))
        {
            return xt_verr(c, xt_str_rules[i].why);
        }
    }
    return 0;
}


static int
xt_str_check(xt_vctx_t *c, yajl_val v, const xt_field_t *f, const char **s,
    size_t *len)
{
    char  why[96];
    int   i;

    if (!YAJL_IS_STRING(v)) {
        goto bad;
    }
    *s = YAJL_GET_STRING(v);
    *len = strlen(*s);
    if (f->enums) {
        for (i = 0; f->enums[i]; i++) {
            if (strcmp(f->enums[i], *s) == 0) {
                return 0;
            }
        }
        goto bad;
    }
    if (f->type == XT_F_CRED) {
        if (!xt_credential_valid(*s, *len)) {
            return xt_verr(c, "must be 1..64 characters of [A-Za-z0-9._@-]");
        }
        return 0;
    }
    if ((long long) *len > f->max || (long long) *len < f->min) {
        goto bad;
    }
    if ((f->flags & XT_NOCOMMA) && strchr(*s, ',') != NULL) {
        return xt_verr(c, "must not contain \",\"");
    }
    return xt_str_rule(c, f, *s, *len);

bad:
    if (f->enums) {
        size_t  n = (size_t) snprintf(why, sizeof(why), "must be one of");
        for (i = 0; f->enums[i]; i++) {
            n += (size_t) snprintf(why + n, sizeof(why) - n, "%s %s",
                                   i ? "," : "", f->enums[i]);
        }
    } else if (f->min > 0) {
        snprintf(why, sizeof(why), "must be a string of %lld..%lld bytes",
                 f->min, f->max);
    } else {
        snprintf(why, sizeof(why), "must be a string of at most %lld bytes",
                 f->max);
    }
    return xt_verr(c, why);
}


static int xt_validate_list(xt_vctx_t *c, yajl_val arr, const xt_entity_t *e,
    long long now, xt_recs_t **out);


static int
xt_validate_field(xt_vctx_t *c, const xt_field_t *f, yajl_val v,
    xt_val_t *out, long long now)
{
    size_t  i, l;
    long long  x;

    out->set = 1;
    if (YAJL_IS_NULL(v)) {
        if (!(f->flags & XT_NULLABLE)) {
            return xt_verr(c, "must not be null");
        }
        out->null = 1;
        return 0;
    }

    switch (f->type) {
    case XT_F_ID:
    case XT_F_UINT:
        return xt_int_range(c, v, f->type == XT_F_ID ? 1 : f->min,
                            f->max, &out->i);
    case XT_F_INT:
        return xt_int_range(c, v, f->min, f->max, &out->i);
    case XT_F_TIME:
    case XT_F_EXP:
        return xt_int_range(c, v, 0, 9223372036854775807LL, &out->i);
    case XT_F_BOOL:
        if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v)) {
            return xt_verr(c, "must be true or false");
        }
        out->i = YAJL_IS_TRUE(v);
        return 0;
    case XT_F_STR:
    case XT_F_ENUM:
    case XT_F_CRED:
        return xt_str_check(c, v, f, &out->s, &out->len);
    case XT_F_IDS:
    case XT_F_STRS:
        if (!YAJL_IS_ARRAY(v)) {
            return xt_verr(c, f->type == XT_F_IDS
                           ? "must be an array of integers >= 1"
                           : "must be an array of strings");
        }
        if (v->u.array.len > 100000) {
            return xt_verr(c, "must have at most 100000 elements");
        }
        for (i = 0; i < v->u.array.len; i++) {
            l = xt_path_idx(c, i);
            if (f->type == XT_F_IDS) {
                if (xt_int_range(c, v->u.array.values[i], 1, 4294967295LL,
                                 &x) != 0)
                {
                    return -1;
                }
            } else {
                const char  *s;
                size_t       n;
                if (xt_str_check(c, v->u.array.values[i], f, &s, &n) != 0) {
                    return -1;
                }
            }
            c->path[l] = '\0';
        }
        out->arr = v;
        return 0;
    case XT_F_OBJS:
        if (!YAJL_IS_ARRAY(v)) {
            return xt_verr(c, "must be an array of objects");
        }
        if ((long long) v->u.array.len > f->max) {
            char  why[64];
            snprintf(why, sizeof(why), "must have at most %lld elements",
                     f->max);
            return xt_verr(c, why);
        }
        return xt_validate_list(c, v, f->sub, now, &out->sub);
    }
    return xt_verr(c, "internal: unknown field type");
}


static int
xt_validate_record(xt_vctx_t *c, yajl_val obj, const xt_entity_t *e,
    xt_val_t *vals, long long now)
{
    unsigned            i;
    size_t              l;
    yajl_val            v;
    const xt_field_t   *f;
    const char         *path[2] = { NULL, NULL };

    if (!YAJL_IS_OBJECT(obj)) {
        return xt_verr(c, "must be an object");
    }
    if (xt_check_keys(c, obj, NULL, e) != 0) {
        return -1;
    }
    for (i = 0; i < e->nfields; i++) {
        f = &e->fields[i];
        path[0] = f->key;
        v = yajl_tree_get(obj, path, yajl_t_any);
        l = xt_path_key(c, f->key);
        if (v == NULL) {
            if (f->flags & XT_REQ) {
                return xt_verr(c, "is required");
            }
        } else if (xt_validate_field(c, f, v, &vals[i], now) != 0) {
            return -1;
        }
        c->path[l] = '\0';
    }

    /* rules across fields */
    if (e->fields == xt_import_entities[XT_E_EPG_PROGRAMMES]->fields
        && vals[2].i <= vals[1].i)
    {
        xt_path_key(c, "stop");
        return xt_verr(c, "must be after start");
    }
    return 0;
}


static int
xt_validate_list(xt_vctx_t *c, yajl_val arr, const xt_entity_t *e,
    long long now, xt_recs_t **out)
{
    xt_recs_t  *recs;
    size_t      i, l;

    if (!YAJL_IS_ARRAY(arr)) {
        return xt_verr(c, "must be an array of objects");
    }
    recs = calloc(1, sizeof(*recs));
    if (recs == NULL) {
        return xt_verr(c, "out of memory");
    }
    *out = recs;
    recs->e = e;
    recs->n = arr->u.array.len;
    recs->v = calloc(recs->n ? recs->n * e->nfields : 1, sizeof(xt_val_t));
    if (recs->v == NULL) {
        recs->n = 0;
        return xt_verr(c, "out of memory");
    }
    for (i = 0; i < recs->n; i++) {
        l = xt_path_idx(c, i);
        if (xt_validate_record(c, arr->u.array.values[i], e,
                               &recs->v[i * e->nfields], now) != 0)
        {
            return -1;
        }
        c->path[l] = '\0';
    }
    return 0;
}


/* 1 when no array or object of text[0..len) nests deeper than max
   (brackets inside strings do not count).  yajl parses any depth (its
   stacks are on the heap), but yajl_tree_free() recurses once per level:
   a document of a million "[" overflowed the C stack when freed. */
static int
xt_json_depth_ok(const char *text, size_t len, unsigned max)
{
    size_t    i;
    unsigned  depth = 0;
    int       in_string = 0;

    for (i = 0; i < len; i++) {
        char  c = text[i];

        if (in_string) {
            if (c == '\\') {
                i++;                    /* the escaped character */
            } else if (c == '"') {
                in_string = 0;
            }
            continue;
        }
        if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max) {
                return 0;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return 1;
}


static const char *const  xt_top_keys[] = { "settings", "servers",
    "categories", "transcode_profiles", "streams", "movies", "series",
    "bouquets", "lines", "epg", NULL };
static const char *const  xt_epg_keys[] = { "channels", "programmes", NULL };


int
xt_import_validate(xt_import_t *im, const char *text, char *err,
    size_t errlen)
{
    xt_vctx_t    c;
    char         perr[256], why[160];
    yajl_val     v, epg = NULL;
    size_t       i, l, l2;
    unsigned     k;
    const char  *path[2] = { NULL, NULL };

    memset(im, 0, sizeof(*im));
    memset(&c, 0, sizeof(c));
    c.err = err;
    c.errlen = errlen;
    im->now = (long long) time(NULL);

    /* yajl frees a tree recursively: a deep one would overflow the stack */
    if (!xt_json_depth_ok(text, strlen(text), XT_IMPORT_MAX_DEPTH)) {
        snprintf(err, errlen, "invalid JSON: nested deeper than %d levels",
                 XT_IMPORT_MAX_DEPTH);
        return -1;
    }

    perr[0] = '\0';
    im->root = yajl_tree_parse(text, perr, sizeof(perr));
    if (im->root == NULL) {
        char  *nl;
        /* yajl's message spans lines; keep the first */
        if ((nl = strchr(perr, '\n')) != NULL) {
            *nl = '\0';
        }
        snprintf(err, errlen, "invalid JSON: %s", perr[0] ? perr : "?");
        return -1;
    }
    if (!YAJL_IS_OBJECT(im->root)) {
        return xt_verr(&c, "must be an object");
    }
    if (xt_check_keys(&c, im->root, xt_top_keys, NULL) != 0) {
        return -1;
    }

    path[0] = "settings";
    v = yajl_tree_get(im->root, path, yajl_t_any);
    if (v) {
        l = xt_path_key(&c, "settings");
        l2 = strlen(c.path);
        if (!YAJL_IS_OBJECT(v)) {
            return xt_verr(&c, "must be an object of strings");
        }
        for (i = 0; i < v->u.object.len; i++) {
            const char  *key = v->u.object.keys[i];
            yajl_val     s = v->u.object.values[i];
            size_t       kl = strlen(key), j;

            xt_path_key(&c, key);
            if (kl == 0 || kl > 64) {
                return xt_verr(&c, "key must be 1..64 bytes");
            }
            for (j = 0; j < i; j++) {
                if (strcmp(v->u.object.keys[j], key) == 0) {
                    return xt_verr(&c, "duplicate key");
                }
            }
            if (!YAJL_IS_STRING(s) || strlen(s->u.string) > 1024) {
                return xt_verr(&c, "must be a string of at most 1024 bytes");
            }
            /* the admin API's rules (xt_settings.c, docs/SETTINGS.md) */
            if (xt_setting_check(key, s->u.string, strlen(s->u.string), why,
                                 sizeof(why)) != 0)
            {
                return xt_verr(&c, why);
            }
            c.path[l2] = '\0';
        }
        c.path[l] = '\0';
        im->settings = v;
    }

    for (k = 0; k < XT_E_COUNT; k++) {
        const xt_entity_t  *e = xt_import_entities[k];

        if (k == XT_E_EPG_CHANNELS) {
            path[0] = "epg";
            epg = yajl_tree_get(im->root, path, yajl_t_any);
            if (epg == NULL) {
                break;
            }
            l = xt_path_key(&c, "epg");
            if (!YAJL_IS_OBJECT(epg)) {
                return xt_verr(&c, "must be an object");
            }
            if (xt_check_keys(&c, epg, xt_epg_keys, NULL) != 0) {
                return -1;
            }
            c.path[l] = '\0';
        }
        path[0] = e->name;
        v = yajl_tree_get(k >= XT_E_EPG_CHANNELS ? epg : im->root, path,
                          yajl_t_any);
        if (v == NULL) {
            continue;
        }
        if (k >= XT_E_EPG_CHANNELS) {
            xt_path_key(&c, "epg");
        }
        l = xt_path_key(&c, e->name);
        if (xt_validate_list(&c, v, e, im->now, &im->lists[k]) != 0) {
            return -1;
        }
        c.path[0] = '\0';
        (void) l;
    }
    return 0;
}


static void
xt_recs_free(xt_recs_t *r)
{
    size_t    i;
    unsigned  j;

    if (r == NULL) {
        return;
    }
    for (i = 0; i < r->n; i++) {
        for (j = 0; j < r->e->nfields; j++) {
            xt_recs_free(XT_VAL(r, i, j)->sub);
        }
    }
    free(r->v);
    free(r);
}


void
xt_import_free(xt_import_t *im)
{
    unsigned  k;

    for (k = 0; k < XT_E_COUNT; k++) {
        xt_recs_free(im->lists[k]);
        im->lists[k] = NULL;
    }
    if (im->root) {
        yajl_tree_free(im->root);
        im->root = NULL;
    }
}
