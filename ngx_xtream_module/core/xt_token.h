/*
 * Signed HLS tokens: a playlist answer carries, in every segment and variant
 * URL, a short-lived token so that segment requests are checked without the
 * password and cannot be shared across streams.
 *
 * token = "<expires>_<line>_<session>_<variant>_<mac>"
 *   expires  unix seconds, decimal
 *   line     line id, decimal
 *   session  16 lower-case hex digits (64-bit session id)
 *   variant  variant index, decimal
 *   mac      32 lower-case hex digits: the first 128 bits of
 *            HMAC-SHA256(secret, "xt1|expires|line|session|stream|variant")
 *
 * The stream id is not in the token: it comes from the URL, so a token
 * moved to another stream's URL fails the MAC.
 */

#ifndef XT_TOKEN_H
#define XT_TOKEN_H

#include <stddef.h>
#include <stdint.h>


#define XT_TOKEN_MAX_LEN   96
#define XT_SECRET_MIN_LEN  16

typedef struct {
    int64_t   expires;
    uint32_t  line_id;
    uint32_t  stream_id;
    uint32_t  variant;
    uint64_t  session;
} xt_token_t;

typedef enum {
    XT_TOKEN_OK = 0,
    XT_TOKEN_MALFORMED,
    XT_TOKEN_BAD_MAC,
    XT_TOKEN_EXPIRED
} xt_token_rc_e;


/*
 * A prepared key: HMAC-SHA256 keyed once (algorithm fetched, inner and outer
 * pads hashed), so a token check costs two SHA-256 blocks instead of an
 * EVP_Q_mac (fetch + context + key schedule) per call.  Made per nginx
 * cycle; not for concurrent use from several threads.  The functions below
 * taking (secret, secret_len) make a key per call (tests, tools).
 */
typedef struct xt_token_key_s  xt_token_key_t;

xt_token_key_t *xt_token_key_new(const unsigned char *secret,
    size_t secret_len);
void xt_token_key_free(xt_token_key_t *key);

size_t xt_token_sign_key(xt_token_key_t *key, const xt_token_t *t,
    char *out, size_t out_size);
xt_token_rc_e xt_token_verify_key(xt_token_key_t *key, const char *s,
    size_t len, int64_t now, xt_token_t *t);
uint64_t xt_token_session_key(xt_token_key_t *key, uint32_t line_id,
    const char *addr, size_t addr_len, uint32_t kick, uint32_t stream_id);

/* HMAC-SHA256(secret, msg) with a prepared key, for other token formats
   keyed the same way (xt_handoff.c): 0, or -1 */
/* "%llu" into p (no NUL); returns the end */
char *xt_token_put_u64(char *p, uint64_t v);

#define XT_TOKEN_MAC_SIZE  32
int xt_token_mac_raw(xt_token_key_t *key, const char *msg, size_t len,
    unsigned char mac[XT_TOKEN_MAC_SIZE]);


/* Writes the token (no NUL) into out; returns its length, 0 on error. */
size_t xt_token_sign(const unsigned char *secret, size_t secret_len,
    const xt_token_t *t, char *out, size_t out_size);

/* Parses and checks s; t->stream_id must be set by the caller from the
 * URL.  On XT_TOKEN_OK and XT_TOKEN_EXPIRED the other fields are filled. */
xt_token_rc_e xt_token_verify(const unsigned char *secret, size_t secret_len,
    const char *s, size_t len, int64_t now, xt_token_t *t);

/*
 * The HLS session of one viewer: the first 64 bits of
 * HMAC-SHA256(secret, "xs2|line|len:addr|kick|stream") (length-prefixed
 * so no field can shift into another).  Only what a client cannot vary
 * freely within a session goes in: the line, its address (fixed by its TCP
 * connection), the stream, and the line's kick generation (an admin kill
 * moves it, so every token issued before the kill stops matching).  The
 * User-Agent is left out on purpose: rotating it would make a new session
 * per request (docs/SECURITY.md).  Never 0.  Returns 0 on an internal error.
 */
uint64_t xt_token_session(const unsigned char *secret, size_t secret_len,
    uint32_t line_id, const char *addr, size_t addr_len, uint32_t kick,
    uint32_t stream_id);

#endif /* XT_TOKEN_H */
