/*
 * Hand-off tokens (issue 11): the main server authenticates a player and
 * answers 302 to a streaming node with a token in the URL instead of the
 * credentials, so the node never sees the password:
 *
 *   /live/_h/TOKEN/ID.ts   /live/_h/TOKEN/ID.m3u8
 *   /movie/_h/TOKEN/ID.EXT /series/_h/TOKEN/EPISODE_ID.EXT
 *
 * TOKEN = "<server>-<line>-<expires>-<mac>"
 *   server   id of the node it was issued for (a node refuses others')
 *   line     line id
 *   expires  unix seconds
 *   mac      32 lower-case hex digits: the first 128 bits of
 *            HMAC-SHA256(cluster secret,
 *              "xh1|server|line|kind|stream|expires|<len>:<client addr>")
 *
 * kind is l (live TS), h (live HLS), m (movie), e (episode).  The kind,
 * the stream id and the client address are not in the token: they come
 * from the URL and the connection, so a token moved to another stream,
 * another kind or used from another address fails the MAC.  Pure C over OpenSSL, no
 * nginx; unit-tested in tests/test_handoff.c.
 */

#ifndef XT_HANDOFF_H
#define XT_HANDOFF_H

#include <stddef.h>
#include <stdint.h>

#include "xt_token.h"


#define XT_HANDOFF_MAX_LEN    96
#define XT_HANDOFF_ADDR_MAX   64
#define XT_HANDOFF_SECRET_MIN 16

typedef enum {
    XT_HO_LIVE_TS = 'l',
    XT_HO_LIVE_HLS = 'h',
    XT_HO_MOVIE = 'm',
    XT_HO_EPISODE = 'e'
} xt_ho_kind_e;

typedef struct {
    uint32_t      server_id;
    uint32_t      line_id;
    uint32_t      stream_id;        /* from the URL, never the token */
    xt_ho_kind_e  kind;             /* from the URL, never the token */
    int64_t       expires;
} xt_handoff_t;

typedef enum {
    XT_HO_OK = 0,
    XT_HO_MALFORMED,
    XT_HO_BAD_MAC,                  /* forged, other stream or address */
    XT_HO_EXPIRED,
    XT_HO_OTHER_SERVER,
    XT_HO_ERROR                     /* internal (HMAC) */
} xt_ho_rc_e;

/* the cluster secret, prepared once (xt_token.h's key, a secret of at
   least XT_HANDOFF_SECRET_MIN bytes) */
typedef xt_token_key_t  xt_ho_key_t;

xt_ho_key_t *xt_ho_key_new(const unsigned char *secret, size_t len);
void xt_ho_key_free(xt_ho_key_t *key);

/* the token (no NUL) into out; its length, 0 on error */
size_t xt_handoff_sign(xt_ho_key_t *key, const xt_handoff_t *h,
    const char *addr, size_t addr_len, char *out, size_t out_size);

/*
 * Checks s for h->stream_id and h->kind (set by the caller from the URL),
 * the client address and this node's server id; fills h.  The MAC is
 * compared in constant time before anything else is judged, so a forged
 * token says nothing about which field was wrong.
 */
xt_ho_rc_e xt_handoff_verify(xt_ho_key_t *key, const char *s, size_t len,
    const char *addr, size_t addr_len, uint32_t my_server_id, int64_t now,
    xt_handoff_t *h);

const char *xt_handoff_rc_text(xt_ho_rc_e rc);


/* node-side URL: 1 when path is a hand-off form (then u is filled or the
   form is bad: u->bad = 1), 0 when it is not one */
typedef struct {
    xt_ho_kind_e  kind;             /* from the prefix and extension */
    const char   *token;
    size_t        token_len;
    uint32_t      id;
    const char   *ext;              /* without the dot */
    size_t        ext_len;
    int           bad;
} xt_handoff_url_t;

int xt_handoff_url(const char *path, size_t len, xt_handoff_url_t *u);

#endif /* XT_HANDOFF_H */
