/*
 * The worker's health line (worker/README.md "Status line"): one JSON
 * object per line, parsed strictly enough that a garbled line is refused
 * as a whole and never half-applied.
 */
#include <string.h>

#include <yajl/yajl_tree.h>

#include "xt_supervisor_int.h"

static const char *xt_wstate_names[] = {
    "unknown", "starting", "connecting", "running", "reconnecting",
    "failed", "stopped"
};


const char *
xt_wstate_name(xt_wstate_e s)
{
    return (unsigned) s < sizeof(xt_wstate_names) / sizeof(char *)
           ? xt_wstate_names[s] : "unknown";
}


static int
xt_num(yajl_val v, double lo, double hi, double *out)
{
    if (v == NULL || !YAJL_IS_NUMBER(v)) {
        return -1;
    }
    *out = YAJL_IS_INTEGER(v) ? (double) YAJL_GET_INTEGER(v)
                              : YAJL_GET_DOUBLE(v);
    if (!(*out >= lo && *out <= hi)) {      /* also refuses NaN */
        return -1;
    }
    return 0;
}


static int
xt_str(yajl_val v, char *dst, size_t cap)
{
    const char  *s;
    size_t       n, i;

    if (v == NULL || !YAJL_IS_STRING(v)) {
        return -1;
    }
    s = YAJL_GET_STRING(v);
    n = strlen(s);
    if (n >= cap) {
        n = cap - 1;                        /* error text: truncate */
    }
    for (i = 0; i < n; i++) {
        dst[i] = ((unsigned char) s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    }
    dst[n] = '\0';
    return 0;
}


int
xt_health_parse(const char *line, size_t len, xt_health_t *out)
{
    char          buf[XT_HEALTH_LINE_MAX + 1], err[64];
    yajl_val      root, v;
    xt_health_t   h;
    double        d;
    unsigned      i;
    const char   *st;
    const char   *path[2] = { NULL, NULL };

    while (len && (line[len - 1] == '\r' || line[len - 1] == ' ')) {
        len--;
    }
    if (len == 0 || len > XT_HEALTH_LINE_MAX || memchr(line, '\0', len)) {
        return -1;
    }
    memcpy(buf, line, len);
    buf[len] = '\0';
    root = yajl_tree_parse(buf, err, sizeof(err));
    if (root == NULL) {
        return -1;
    }
    if (!YAJL_IS_OBJECT(root)) {
        goto bad;
    }

    memset(&h, 0, sizeof(h));
    path[0] = "state";
    v = yajl_tree_get(root, path, yajl_t_string);
    if (v == NULL) {
        goto bad;
    }
    st = YAJL_GET_STRING(v);
    for (i = 1; i < sizeof(xt_wstate_names) / sizeof(char *); i++) {
        if (strcmp(st, xt_wstate_names[i]) == 0) {
            h.state = (xt_wstate_e) i;
        }
    }
    if (h.state == XT_WS_UNKNOWN) {
        goto bad;
    }

#define NUM(key, lo, hi, dst)                                              \
    path[0] = key;                                                         \
    v = yajl_tree_get(root, path, yajl_t_any);                             \
    if (v != NULL) {                                                       \
        if (xt_num(v, lo, hi, &d) != 0) {                                  \
            goto bad;                                                      \
        }                                                                  \
        dst;                                                               \
    }

    NUM("fps", 0, 10000, h.fps = d);
    NUM("speed", 0, 10000, h.speed = d);
    NUM("bitrate_kbps", 0, 10000000, h.bitrate_kbps = (unsigned) d);
    NUM("width", 0, 65535, h.width = (unsigned) d);
    NUM("height", 0, 65535, h.height = (unsigned) d);
    NUM("segments", 0, 4294967295.0, h.segments = (unsigned) d);
#undef NUM

#define STR(key, dst)                                                      \
    path[0] = key;                                                         \
    v = yajl_tree_get(root, path, yajl_t_any);                             \
    if (v != NULL && xt_str(v, dst, sizeof(dst)) != 0) {                   \
        goto bad;                                                          \
    }

    STR("video_codec", h.video_codec);
    STR("audio_codec", h.audio_codec);
    STR("last_error", h.last_error);
#undef STR

    yajl_tree_free(root);
    *out = h;
    return 0;

bad:
    yajl_tree_free(root);
    return -1;
}
