/*
 * HLS playlists written by xtream-worker, read back for players:
 *   master.m3u8            variant URI lines "V/index.m3u8"
 *   V/index.m3u8           segment URI lines "SEQ.ts"
 * The rewriters turn those relative URIs into token-carrying ones under
 * /hls/STREAM/...; anything else on a URI line is refused (the playlist is
 * ours, but a file on disk is still input).  Pure C, no nginx.
 */

#ifndef XT_M3U8_H
#define XT_M3U8_H

#include <stddef.h>
#include <stdint.h>


#define XT_M3U8_MAX_VARIANTS  16

/* returns 0 to go on, -1 to stop with an error */
typedef int (*xt_m3u8_sink_pt)(void *ctx, const char *p, size_t len);

/* Gives the token for a variant, writing it into buf; returns its length,
 * 0 on error. */
typedef size_t (*xt_m3u8_token_pt)(void *ctx, uint32_t variant, char *buf,
    size_t size);

typedef struct {
    uint64_t  first_seq;        /* EXT-X-MEDIA-SEQUENCE */
    uint64_t  last_seq;         /* the newest listed segment */
    uint32_t  nsegments;
    uint32_t  ended;            /* EXT-X-ENDLIST seen */
} xt_m3u8_info_t;

/* Media playlist: "SEQ.ts" -> "<prefix>SEQ.ts?t=<token>". */
int xt_m3u8_rewrite_media(const char *pl, size_t len, const char *prefix,
    size_t prefix_len, const char *token, size_t token_len,
    xt_m3u8_sink_pt sink, void *ctx);

/* Master playlist: "V/index.m3u8" -> "<prefix>V/index.m3u8?t=<token(V)>". */
int xt_m3u8_rewrite_master(const char *pl, size_t len, const char *prefix,
    size_t prefix_len, xt_m3u8_token_pt token, void *token_ctx,
    xt_m3u8_sink_pt sink, void *ctx);

/* Sequence numbers of a media playlist, for the continuous-TS live edge. */
int xt_m3u8_media_info(const char *pl, size_t len, xt_m3u8_info_t *info);

#endif /* XT_M3U8_H */
