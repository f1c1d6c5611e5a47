/*
 * Strict parsing of one event datagram: a JSON object with known types
 * and bounded lengths; unknown keys are ignored, a known key with the
 * wrong type or out of bounds refuses the whole datagram.
 */
#include <string.h>

#include <yajl/yajl_tree.h>

#include "xt_events.h"


static int
xt_uint(yajl_val v, long long max, long long *out)
{
    if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0
        || YAJL_GET_INTEGER(v) > max)
    {
        return -1;
    }
    *out = YAJL_GET_INTEGER(v);
    return 0;
}


/* printable ASCII or UTF-8 bytes >= 0x80; no control characters */
static int
xt_text(yajl_val v, char *dst, size_t max)
{
    const char  *s;
    size_t       n, i;

    if (!YAJL_IS_STRING(v)) {
        return -1;
    }
    s = YAJL_GET_STRING(v);
    n = strlen(s);
    if (n > max) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f) {
            return -1;
        }
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}


/* an escaped NUL (\u0000): yajl hands strings back NUL-terminated, so it
   would cut a value short unseen.  Escapes are walked pairwise: in
   "\\u0000" the backslash is escaped and "u0000" is plain text (a user
   agent may say so; the module's datagram then carries it). */
static int
xt_has_escaped_nul(const char *s, size_t len)
{
    size_t  i;

    for (i = 0; i + 1 < len; i++) {
        if (s[i] != '\\') {
            continue;
        }
        if (s[i + 1] == 'u' && len - i >= 6
            && memcmp(s + i + 2, "0000", 4) == 0)
        {
            return 1;
        }
        i++;                            /* the escaped character */
    }
    return 0;
}


static const char *xt_kinds[] = { "live", "hls", "movie", "episode",
                                  "timeshift" };

#define F_EV      0x001
#define F_CONN    0x002
#define F_LINE    0x004
#define F_STREAM  0x008
#define F_KIND    0x010
#define F_IP      0x020
#define F_UA      0x040
#define F_TS      0x080
#define F_BYTES   0x100
#define F_SERVER  0x200


int
xt_event_parse(const char *buf, size_t len, xt_event_t *out,
    const char **why)
{
    char        text[XT_EVENT_MAX + 1], err[64];
    yajl_val    root, v;
    xt_event_t  e;
    size_t      i, k;
    unsigned    seen = 0, bit, need;
    long long   n;
    const char *key, *s;

    *why = "not a JSON object";
    if (len == 0 || len > XT_EVENT_MAX) {
        *why = len ? "datagram too large" : "empty datagram";
        return -1;
    }
    if (memchr(buf, '\0', len) != NULL) {
        *why = "NUL byte";
        return -1;
    }
    memcpy(text, buf, len);
    text[len] = '\0';
    if (xt_has_escaped_nul(text, len)) {
        *why = "escaped NUL";
        return -1;
    }
    root = yajl_tree_parse(text, err, sizeof(err));
    if (root == NULL) {
        return -1;
    }
    if (!YAJL_IS_OBJECT(root)) {
        goto bad;
    }
    memset(&e, 0, sizeof(e));

    for (i = 0; i < root->u.object.len; i++) {
        key = root->u.object.keys[i];
        v = root->u.object.values[i];
        bit = 0;

#define IS(k)  (strcmp(key, k) == 0)
        if (IS("ev")) {
            bit = F_EV;
            *why = "bad ev";
            if (!YAJL_IS_STRING(v)) {
                goto bad;
            }
            s = YAJL_GET_STRING(v);
            if (strcmp(s, "open") == 0) {
                e.type = XT_EV_OPEN;
            } else if (strcmp(s, "close") == 0) {
                e.type = XT_EV_CLOSE;
            } else if (strcmp(s, "start") == 0) {
                e.type = XT_EV_START;
            } else if (strcmp(s, "publish") == 0) {
                e.type = XT_EV_PUBLISH;
            } else if (strcmp(s, "unpublish") == 0) {
                e.type = XT_EV_UNPUBLISH;
            } else {
                goto bad;
            }
        } else if (IS("conn")) {
            bit = F_CONN;
            *why = "bad conn";
            if (xt_text(v, e.conn, 16) != 0 || strlen(e.conn) != 16) {
                goto bad;
            }
            for (k = 0; k < 16; k++) {
                if (!((e.conn[k] >= '0' && e.conn[k] <= '9')
                      || (e.conn[k] >= 'a' && e.conn[k] <= 'f')
                      || (e.conn[k] >= 'A' && e.conn[k] <= 'F')))
                {
                    goto bad;
                }
            }
        } else if (IS("line")) {
            bit = F_LINE;
            *why = "bad line";
            if (xt_uint(v, 4294967295LL, &n) != 0) {
                goto bad;
            }
            e.line = (uint32_t) n;
        } else if (IS("stream")) {
            bit = F_STREAM;
            *why = "bad stream";
            if (xt_uint(v, 4294967295LL, &n) != 0) {
                goto bad;
            }
            e.stream = (uint32_t) n;
        } else if (IS("kind")) {
            bit = F_KIND;
            *why = "bad kind";
            if (!YAJL_IS_STRING(v)) {
                goto bad;
            }
            s = YAJL_GET_STRING(v);
            for (k = 0; k < sizeof(xt_kinds) / sizeof(xt_kinds[0]); k++) {
                if (strcmp(s, xt_kinds[k]) == 0) {
                    strcpy(e.kind, xt_kinds[k]);
                }
            }
            if (e.kind[0] == '\0') {
                goto bad;
            }
        } else if (IS("ip")) {
            bit = F_IP;
            *why = "bad ip";
            if (xt_text(v, e.ip, XT_EVENT_IP_MAX) != 0) {
                goto bad;
            }
            for (k = 0; e.ip[k]; k++) {
                if (!((e.ip[k] >= '0' && e.ip[k] <= '9')
                      || (e.ip[k] >= 'a' && e.ip[k] <= 'f')
                      || (e.ip[k] >= 'A' && e.ip[k] <= 'F')
                      || e.ip[k] == '.' || e.ip[k] == ':'))
                {
                    goto bad;
                }
            }
        } else if (IS("ua")) {
            bit = F_UA;
            *why = "bad ua";
            if (xt_text(v, e.ua, XT_EVENT_UA_MAX) != 0) {
                goto bad;
            }
        } else if (IS("ts")) {
            bit = F_TS;
            *why = "bad ts";
            if (xt_uint(v, 253402300799LL, &n) != 0) {   /* year 9999 */
                goto bad;
            }
            e.ts = n;
        } else if (IS("bytes")) {
            bit = F_BYTES;
            *why = "bad bytes";
            if (xt_uint(v, 0x7fffffffffffffffLL, &n) != 0) {
                goto bad;
            }
            e.bytes = (uint64_t) n;
        } else if (IS("server")) {
            bit = F_SERVER;
            *why = "bad server";
            if (xt_uint(v, 4294967295LL, &n) != 0) {
                goto bad;
            }
            e.server = (uint32_t) n;
        }
#undef IS
        if (bit) {
            if (seen & bit) {
                *why = "duplicate key";
                goto bad;
            }
            seen |= bit;
        }
    }

    switch (e.type) {
    case XT_EV_OPEN:
        need = F_CONN | F_LINE | F_STREAM | F_KIND;
        break;
    case XT_EV_CLOSE:
        need = F_CONN | F_LINE | F_STREAM;
        break;
    case XT_EV_START:
    case XT_EV_PUBLISH:
    case XT_EV_UNPUBLISH:
        need = F_STREAM;
        break;
    default:
        *why = "no ev";
        goto bad;
    }
    if ((seen & need) != need) {
        *why = "missing key";
        goto bad;
    }
    if (e.kind[0] == '\0') {
        strcpy(e.kind, "live");
    }
    yajl_tree_free(root);
    *out = e;
    *why = NULL;
    return 0;

bad:
    yajl_tree_free(root);
    return -1;
}
