/*
 * Query and form parsing.  Values come straight from the network: every
 * length is bounded before copying, decoding is strict, and credentials are
 * limited to the character set players keep intact in URLs.
 */

#include <string.h>

#include "xt_args.h"
#include "xt_hex.h"


typedef enum {
    XT_ARG_CRED,
    XT_ARG_ACTION,
    XT_ARG_WORDS,               /* action characters and commas */
    XT_ARG_ID,
    XT_ARG_IDLIST
} xt_arg_kind_e;

typedef struct {
    const char     *name;
    xt_arg_kind_e   kind;
    size_t          offset;     /* of the destination in xt_args_t */
    const char     *too_long;
    const char     *invalid;
    size_t          has;        /* of the "present" flag (ids) */
} xt_arg_def_t;

#define XT_ID(name, field)                                                   \
    { name, XT_ARG_ID, offsetof(xt_args_t, field), name " too long",         \
      "invalid " name, offsetof(xt_args_t, has_##field) }


/* the keys the API understands; later actions add their ids here */
static const xt_arg_def_t  xt_arg_defs[] = {
    { "username", XT_ARG_CRED, offsetof(xt_args_t, username),
      "username too long", "invalid username", 0 },
    { "password", XT_ARG_CRED, offsetof(xt_args_t, password),
      "password too long", "invalid password", 0 },
    { "action", XT_ARG_ACTION, offsetof(xt_args_t, action),
      "action too long", "invalid action", 0 },
    { "type", XT_ARG_ACTION, offsetof(xt_args_t, type),
      "type too long", "invalid type", 0 },
    { "output", XT_ARG_ACTION, offsetof(xt_args_t, output),
      "output too long", "invalid output", 0 },
    { "key", XT_ARG_WORDS, offsetof(xt_args_t, key),
      "key too long", "invalid key", 0 },
    XT_ID("cat_id", cat_id),
    XT_ID("scat_id", scat_id),
    XT_ID("season", season),
    XT_ID("category_id", category_id),
    XT_ID("vod_id", vod_id),
    XT_ID("series_id", series_id),
    XT_ID("limit", limit),
    XT_ID("prev_days", prev_days),
    XT_ID("next_days", next_days),
    { "params[offset]", XT_ARG_ID, offsetof(xt_args_t, offset),
      "offset too long", "invalid offset", offsetof(xt_args_t, has_offset) },
    { "params[items_per_page]", XT_ARG_ID,
      offsetof(xt_args_t, items_per_page), "items_per_page too long",
      "invalid items_per_page", offsetof(xt_args_t, has_items_per_page) },
    { "stream_id", XT_ARG_IDLIST, 0, "too many stream_id values",
      "invalid stream_id", 0 },
    { NULL, XT_ARG_CRED, 0, NULL, NULL, 0 }
};


long
xt_url_decode(unsigned char *dst, size_t cap, const unsigned char *src,
    size_t len)
{
    int            hi, lo;
    size_t         i, n;
    unsigned char  c;

    n = 0;

    for (i = 0; i < len; i++) {
        c = src[i];

        if (c == '+') {
            c = ' ';

        } else if (c == '%') {
            if (len - i < 3) {
                return -1;
            }

            hi = xt_hex_digit(src[i + 1]);
            lo = xt_hex_digit(src[i + 2]);
            if (hi < 0 || lo < 0) {
                return -1;
            }

            c = (unsigned char) (hi << 4 | lo);
            i += 2;
        }

        if (c < 0x20 || c == 0x7f) {
            return -1;
        }

        if (n == cap) {
            return -1;
        }

        dst[n++] = c;
    }

    return (long) n;
}


int
xt_parse_u32(const unsigned char *p, size_t len, uint32_t *out)
{
    size_t    i;
    uint64_t  v;

    if (len == 0 || len > XT_ARG_ID_DIGITS) {
        return -1;
    }

    v = 0;

    for (i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return -1;
        }
        v = v * 10 + (uint64_t) (p[i] - '0');
    }

    if (v > UINT32_MAX) {
        return -1;
    }

    *out = (uint32_t) v;

    return 0;
}


static int
xt_cred_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@'
           || c == '-';
}


static int
xt_action_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9') || c == '_';
}


static int
xt_arg_store(xt_args_t *a, const xt_arg_def_t *def, const unsigned char *v,
    size_t vlen, const char **err)
{
    long            n;
    size_t          i, max, j;
    uint32_t       *id, *has;
    xt_arg_str_t   *s;
    unsigned char   buf[3 * XT_ARG_IDLIST_MAX];

    max = def->kind == XT_ARG_ID ? XT_ARG_ID_DIGITS
          : def->kind == XT_ARG_IDLIST ? XT_ARG_IDLIST_MAX
          : def->kind == XT_ARG_CRED ? XT_ARG_CRED_MAX : XT_ARG_ACTION_MAX;

    /* encoded input can be 3x the decoded bound; refuse anything longer */
    if (vlen > 3 * max) {
        *err = def->too_long;
        return -1;
    }

    /* buf holds any decoding of vlen bytes: a failure is bad encoding */
    n = xt_url_decode(buf, sizeof(buf), v, vlen);
    if (n < 0) {
        *err = def->invalid;
        return -1;
    }

    if ((size_t) n > max) {
        *err = def->too_long;
        return -1;
    }

    if (def->kind == XT_ARG_ID) {
        id = (uint32_t *) ((char *) a + def->offset);
        has = (uint32_t *) ((char *) a + def->has);

        if (n == 0) {
            /* "category_id=" means all, as if absent */
            *has = 0;
            return 0;
        }

        if (xt_parse_u32(buf, (size_t) n, id) != 0) {
            *err = def->invalid;
            return -1;
        }

        *has = 1;
        return 0;
    }

    if (def->kind == XT_ARG_IDLIST) {
        /* "1,2,3": each a strict id; a repeated key replaces the list */
        a->nstream_ids = 0;
        a->stream_id_multi = 0;

        for (i = 0; i < (size_t) n; i = j + 1) {
            for (j = i; j < (size_t) n && buf[j] != ','; j++) { /* void */ }

            if (j < (size_t) n) {
                a->stream_id_multi = 1;
            }

            if (a->nstream_ids == XT_ARG_IDS_MAX) {
                *err = def->too_long;
                return -1;
            }

            if (xt_parse_u32(buf + i, j - i, &a->stream_ids[a->nstream_ids])
                != 0)
            {
                if (n == 0) {
                    break;
                }
                *err = def->invalid;
                a->nstream_ids = 0;
                return -1;
            }

            a->nstream_ids++;
        }

        return 0;
    }

    for (i = 0; i < (size_t) n; i++) {
        if (def->kind == XT_ARG_CRED ? !xt_cred_char(buf[i])
                                     : !xt_action_char(buf[i])
                                       && !(def->kind == XT_ARG_WORDS
                                            && buf[i] == ','))
        {
            *err = def->invalid;
            return -1;
        }
    }

    s = (xt_arg_str_t *) ((char *) a + def->offset);
    memcpy(s->data, buf, (size_t) n);
    s->data[n] = '\0';
    s->len = (uint32_t) n;
    s->set = 1;

    return 0;
}


static int
xt_args_scan(xt_args_t *a, const unsigned char *p, size_t len,
    const char **err)
{
    long                 kn;
    size_t               i, klen, vlen;
    const unsigned char *key, *val, *end, *amp, *eq;
    const xt_arg_def_t  *def;
    unsigned char        kbuf[XT_ARG_KEY_MAX];

    if (p == NULL) {
        return 0;
    }

    end = p + len;

    while (p < end) {
        amp = memchr(p, '&', (size_t) (end - p));
        if (amp == NULL) {
            amp = end;
        }

        key = p;
        eq = memchr(p, '=', (size_t) (amp - p));
        if (eq == NULL) {
            klen = (size_t) (amp - key);
            val = amp;
            vlen = 0;

        } else {
            klen = (size_t) (eq - key);
            val = eq + 1;
            vlen = (size_t) (amp - val);
        }

        p = (amp == end) ? end : amp + 1;

        if (klen == 0 || klen > 3 * XT_ARG_KEY_MAX) {
            continue;
        }

        kn = xt_url_decode(kbuf, sizeof(kbuf), key, klen);
        if (kn < 0) {
            if (klen <= XT_ARG_KEY_MAX) {
                *err = "invalid parameter name";
                return -1;
            }
            continue;       /* long unknown key */
        }

        for (def = xt_arg_defs; def->name; def++) {
            i = strlen(def->name);
            if ((size_t) kn == i && memcmp(kbuf, def->name, i) == 0) {
                break;
            }
        }

        if (def->name == NULL) {
            continue;
        }

        if (xt_arg_store(a, def, val, vlen, err) != 0) {
            return -1;
        }
    }

    return 0;
}


int
xt_args_parse(xt_args_t *a, const unsigned char *query, size_t qlen,
    const unsigned char *body, size_t blen, const char **err)
{
    memset(a, 0, sizeof(xt_args_t));

    if (xt_args_scan(a, query, qlen, err) != 0) {
        return -1;
    }

    return xt_args_scan(a, body, blen, err);
}
