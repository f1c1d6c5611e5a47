/*
 * Playlist rewriting and inspection (see xt_m3u8.h).
 */

#include <string.h>

#include "xt_m3u8.h"


#define XT_TOKEN_BUF  128


/* Decimal without sign or leading zero, into *v; returns digits used. */
static size_t
xt_m3u8_uint(const char *p, size_t len, uint64_t *v)
{
    size_t    i;
    uint64_t  n = 0;

    for (i = 0; i < len && i < 19 && p[i] >= '0' && p[i] <= '9'; i++) {
        n = n * 10 + (uint64_t) (p[i] - '0');
    }

    if (i == 0 || (i > 1 && p[0] == '0')) {
        return 0;
    }

    *v = n;
    return i;
}


/* "SEQ.ts" exactly */
static int
xt_m3u8_segment_uri(const char *p, size_t len, uint64_t *seq)
{
    size_t  n = xt_m3u8_uint(p, len, seq);

    return (n > 0 && len == n + 3 && memcmp(p + n, ".ts", 3) == 0) ? 0 : -1;
}


/* Calls fn for each line (without its end of line); a final line without
 * "\n" counts.  Lines longer than 4 KiB or holding a NUL are refused. */
typedef int (*xt_m3u8_line_pt)(void *ctx, const char *line, size_t len);

static int
xt_m3u8_lines(const char *pl, size_t len, xt_m3u8_line_pt fn, void *ctx)
{
    size_t       n;
    const char  *p, *end, *nl;

    p = pl;
    end = pl + len;

    if (len < 7 || memcmp(pl, "#EXTM3U", 7) != 0) {
        return -1;
    }

    while (p < end) {
        nl = memchr(p, '\n', (size_t) (end - p));
        n = (nl ? nl : end) - p;

        if (n > 4096 || memchr(p, '\0', n) != NULL) {
            return -1;
        }

        if (n > 0 && p[n - 1] == '\r') {
            n--;
        }

        if (fn(ctx, p, n) != 0) {
            return -1;
        }

        p = nl ? nl + 1 : end;
    }

    return 0;
}


typedef struct {
    const char       *prefix;
    size_t            prefix_len;
    const char       *token;
    size_t            token_len;
    xt_m3u8_token_pt  token_fn;
    void             *token_ctx;
    xt_m3u8_sink_pt   sink;
    void             *ctx;
} xt_m3u8_rw_t;


static int
xt_m3u8_emit_uri(xt_m3u8_rw_t *rw, const char *uri, size_t len,
    const char *token, size_t token_len)
{
    if (rw->sink(rw->ctx, rw->prefix, rw->prefix_len) != 0
        || rw->sink(rw->ctx, uri, len) != 0
        || rw->sink(rw->ctx, "?t=", 3) != 0
        || rw->sink(rw->ctx, token, token_len) != 0
        || rw->sink(rw->ctx, "\n", 1) != 0)
    {
        return -1;
    }

    return 0;
}


/* #EXT-X-KEY:METHOD=AES-128,URI="INDEX.key",IV=0x...: the key URI gets
   the prefix and the segment's token (the key is gated like a segment) */
static int
xt_m3u8_key_line(xt_m3u8_rw_t *rw, const char *line, size_t len)
{
    static const char  tag[] = "#EXT-X-KEY:METHOD=AES-128,URI=\"";
    size_t             t = sizeof(tag) - 1, n;
    uint64_t           idx;

    /* only the form xtream-worker writes; anything else stops the rewrite */
    if (len <= t || memcmp(line, tag, t) != 0) {
        return -1;
    }

    n = xt_m3u8_uint(line + t, len - t, &idx);
    if (n == 0 || len < t + n + 5 || memcmp(line + t + n, ".key\"", 5) != 0) {
        return -1;
    }

    return (rw->sink(rw->ctx, line, t) != 0
            || rw->sink(rw->ctx, rw->prefix, rw->prefix_len) != 0
            || rw->sink(rw->ctx, line + t, n + 4) != 0
            || rw->sink(rw->ctx, "?t=", 3) != 0
            || rw->sink(rw->ctx, rw->token, rw->token_len) != 0
            || rw->sink(rw->ctx, line + t + n + 4, len - t - n - 4) != 0
            || rw->sink(rw->ctx, "\n", 1) != 0) ? -1 : 0;
}


static int
xt_m3u8_media_line(void *ctx, const char *line, size_t len)
{
    uint64_t       seq;
    xt_m3u8_rw_t  *rw = ctx;

    if (len > 11 && memcmp(line, "#EXT-X-KEY:", 11) == 0) {
        return xt_m3u8_key_line(rw, line, len);
    }

    if (len == 0 || line[0] == '#') {
        return (rw->sink(rw->ctx, line, len) != 0
                || rw->sink(rw->ctx, "\n", 1) != 0) ? -1 : 0;
    }

    if (xt_m3u8_segment_uri(line, len, &seq) != 0) {
        return -1;
    }

    return xt_m3u8_emit_uri(rw, line, len, rw->token, rw->token_len);
}


int
xt_m3u8_rewrite_media(const char *pl, size_t len, const char *prefix,
    size_t prefix_len, const char *token, size_t token_len,
    xt_m3u8_sink_pt sink, void *ctx)
{
    xt_m3u8_rw_t  rw;

    memset(&rw, 0, sizeof(rw));
    rw.prefix = prefix;
    rw.prefix_len = prefix_len;
    rw.token = token;
    rw.token_len = token_len;
    rw.sink = sink;
    rw.ctx = ctx;

    return xt_m3u8_lines(pl, len, xt_m3u8_media_line, &rw);
}


static int
xt_m3u8_master_line(void *ctx, const char *line, size_t len)
{
    size_t         n, tlen;
    uint64_t       v;
    xt_m3u8_rw_t  *rw = ctx;
    char           token[XT_TOKEN_BUF];

    if (len == 0 || line[0] == '#') {
        return (rw->sink(rw->ctx, line, len) != 0
                || rw->sink(rw->ctx, "\n", 1) != 0) ? -1 : 0;
    }

    /* "V/index.m3u8" */
    n = xt_m3u8_uint(line, len, &v);
    if (n == 0 || v >= XT_M3U8_MAX_VARIANTS
        || len != n + sizeof("/index.m3u8") - 1
        || memcmp(line + n, "/index.m3u8", len - n) != 0)
    {
        return -1;
    }

    tlen = rw->token_fn(rw->token_ctx, (uint32_t) v, token, sizeof(token));
    if (tlen == 0) {
        return -1;
    }

    return xt_m3u8_emit_uri(rw, line, len, token, tlen);
}


int
xt_m3u8_rewrite_master(const char *pl, size_t len, const char *prefix,
    size_t prefix_len, xt_m3u8_token_pt token, void *token_ctx,
    xt_m3u8_sink_pt sink, void *ctx)
{
    xt_m3u8_rw_t  rw;

    memset(&rw, 0, sizeof(rw));
    rw.prefix = prefix;
    rw.prefix_len = prefix_len;
    rw.token_fn = token;
    rw.token_ctx = token_ctx;
    rw.sink = sink;
    rw.ctx = ctx;

    return xt_m3u8_lines(pl, len, xt_m3u8_master_line, &rw);
}


static int
xt_m3u8_info_line(void *ctx, const char *line, size_t len)
{
    size_t           n;
    uint64_t         v;
    xt_m3u8_info_t  *info = ctx;

    static const char  ms[] = "#EXT-X-MEDIA-SEQUENCE:";

    if (len >= sizeof(ms) - 1 && memcmp(line, ms, sizeof(ms) - 1) == 0) {
        n = xt_m3u8_uint(line + sizeof(ms) - 1, len - (sizeof(ms) - 1), &v);
        if (n == 0 || n != len - (sizeof(ms) - 1)) {
            return -1;
        }
        info->first_seq = v;
        return 0;
    }

    if (len == 14 && memcmp(line, "#EXT-X-ENDLIST", 14) == 0) {
        info->ended = 1;
        return 0;
    }

    if (len == 0 || line[0] == '#') {
        return 0;
    }

    if (xt_m3u8_segment_uri(line, len, &v) != 0) {
        return -1;
    }

    info->last_seq = v;
    info->nsegments++;

    return 0;
}


int
xt_m3u8_media_info(const char *pl, size_t len, xt_m3u8_info_t *info)
{
    memset(info, 0, sizeof(*info));

    if (xt_m3u8_lines(pl, len, xt_m3u8_info_line, info) != 0
        || info->nsegments == 0)
    {
        return -1;
    }

    return 0;
}
