#include "hlskey.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEG_FILE_MAX (512 * 1024 * 1024) /* far above any segment */

int hlskey_derive(const struct hlskey *k, uint64_t index, uint8_t key[16])
{
    uint8_t msg[10 + 4 + 8], mac[32];
    unsigned int maclen = 0;
    memcpy(msg, "xtream-key", 10);
    for (int i = 0; i < 4; i++)
        msg[10 + i] = (uint8_t)(k->stream_id >> (24 - 8 * i));
    for (int i = 0; i < 8; i++)
        msg[14 + i] = (uint8_t)(index >> (56 - 8 * i));
    if (!HMAC(EVP_sha256(), k->secret, (int)k->secret_len, msg, sizeof msg, mac, &maclen) || maclen != 32)
        return -1;
    memcpy(key, mac, 16);
    return 0;
}

void hlskey_iv(int64_t seq, uint8_t iv[16])
{
    memset(iv, 0, 16);
    for (int i = 0; i < 8; i++)
        iv[8 + i] = (uint8_t)((uint64_t)seq >> (56 - 8 * i));
}

static int read_all(const char *path, uint8_t **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 1 << 20, n = 0;
    uint8_t *b = malloc(cap);
    while (b) {
        if (n == cap) {
            uint8_t *nb = cap < SEG_FILE_MAX ? realloc(b, cap * 2) : NULL;
            if (!nb) {
                free(b);
                b = NULL;
                errno = EFBIG;
                break;
            }
            b = nb;
            cap *= 2;
        }
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    int bad = !b || ferror(f);
    fclose(f);
    if (bad) {
        free(b);
        return -1;
    }
    *buf = b;
    *len = n;
    return 0;
}

int hlskey_encrypt_file(const struct hlskey *k, const char *path, int64_t seq)
{
    uint8_t key[16], iv[16], *in = NULL, *out = NULL;
    size_t len;
    int olen = 0, flen = 0, rc = -1;
    EVP_CIPHER_CTX *c = NULL;
    if (hlskey_derive(k, (uint64_t)seq / (uint64_t)k->rotation, key) || read_all(path, &in, &len))
        return -1;
    hlskey_iv(seq, iv);
    if (len > (size_t)SEG_FILE_MAX || !(out = malloc(len + 16)) || !(c = EVP_CIPHER_CTX_new()) ||
        EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, key, iv) != 1 || /* PKCS#7 padding is the default */
        EVP_EncryptUpdate(c, out, &olen, in, (int)len) != 1 || EVP_EncryptFinal_ex(c, out + olen, &flen) != 1)
        goto done;
    FILE *f = fopen(path, "wb");
    if (!f)
        goto done;
    size_t total = (size_t)olen + (size_t)flen;
    rc = fwrite(out, 1, total, f) == total ? 0 : -1;
    if (fclose(f))
        rc = -1;
done:
    EVP_CIPHER_CTX_free(c);
    memset(key, 0, sizeof key);
    free(in);
    free(out);
    return rc;
}

int hlskey_read_secret(struct hlskey *k, int fd, char *err, size_t errlen)
{
    size_t n = 0;
    ssize_t r;
    uint8_t extra;
    while (n < sizeof k->secret && (r = read(fd, k->secret + n, sizeof k->secret - n)) != 0) {
        if (r < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "--encrypt-secret-fd: %s", strerror(errno));
            close(fd);
            return -1;
        }
        n += (size_t)r;
    }
    int more = n == sizeof k->secret && read(fd, &extra, 1) > 0;
    close(fd);
    if (n && k->secret[n - 1] == '\n')
        n--;
    if (more || n < HLSKEY_SECRET_MIN) {
        snprintf(err, errlen, "--encrypt-secret-fd: the secret must be %d..%d bytes", HLSKEY_SECRET_MIN,
                 HLSKEY_SECRET_MAX);
        return -1;
    }
    k->secret_len = n;
    return 0;
}
