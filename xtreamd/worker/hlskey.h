/* Encrypted HLS (AES-128): key derivation, per-segment IV, whole-file
 * AES-128-CBC with PKCS#7 padding. The module derives the same keys from its
 * own copy of the secret, so no key is ever stored where nginx serves files. */
#ifndef XTW_HLSKEY_H
#define XTW_HLSKEY_H

#include <stddef.h>
#include <stdint.h>

#define HLSKEY_SECRET_MIN 16
#define HLSKEY_SECRET_MAX 1024

struct hlskey {
    uint8_t secret[HLSKEY_SECRET_MAX];
    size_t secret_len;
    uint32_t stream_id;
    int rotation;        /* segments per key */
};

/* key = first 16 bytes of HMAC-SHA256(secret, "xtream-key" || stream id as
 * 4 bytes big-endian || key index as 8 bytes big-endian). 0 or -1. */
int hlskey_derive(const struct hlskey *k, uint64_t index, uint8_t key[16]);
/* IV = the segment's sequence number as a 128-bit big-endian integer. */
void hlskey_iv(int64_t seq, uint8_t iv[16]);
/* Encrypts the file at path in place for segment seq. 0 or -1 (errno set). */
int hlskey_encrypt_file(const struct hlskey *k, const char *path, int64_t seq);
/* Reads the secret from fd (then closed): 16..1024 bytes, a trailing
 * newline dropped. 0 or -1 with a message in err. */
int hlskey_read_secret(struct hlskey *k, int fd, char *err, size_t errlen);

#endif
