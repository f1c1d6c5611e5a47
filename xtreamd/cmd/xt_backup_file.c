/* The backup file's envelope (xt_backup_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/sha.h>
#include <zlib.h>

#include "xt_backup_file.h"


static void
xt_backup_sha(const char *doc, size_t len, char hex[2 * SHA256_DIGEST_LENGTH + 1])
{
    unsigned char  md[SHA256_DIGEST_LENGTH];
    int            i;

    SHA256((const unsigned char *) doc, len, md);
    for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    }
}


int
xt_backup_write(const char *path, const char *doc, size_t len, char *err,
    size_t errlen)
{
    char    tmp[4096], hex[2 * SHA256_DIGEST_LENGTH + 1], tail[100];
    gzFile  gz;
    size_t  off = 0;
    int     fd, ok = 1;

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || (gz = gzdopen(fd, "wb6")) == NULL) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    xt_backup_sha(doc, len, hex);
    snprintf(tail, sizeof(tail), "\nsha256 %s\n", hex);
    ok = gzputs(gz, XT_BACKUP_MAGIC) > 0;
    while (ok && off < len) {
        unsigned  n = len - off > (1u << 30) ? (1u << 30) : (unsigned) (len - off);
        ok = gzwrite(gz, doc + off, n) == (int) n;
        off += n;
    }
    ok = ok && gzputs(gz, tail) > 0;
    if (gzclose(gz) != Z_OK || !ok) {
        snprintf(err, errlen, "%s: write failed (disk full?)", tmp);
        unlink(tmp);
        return -1;
    }
    fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0 || rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        unlink(tmp);
        return -1;
    }
    close(fd);
    return 0;
}


int
xt_backup_read(const char *path, char **doc, size_t *len, char *err,
    size_t errlen)
{
    unsigned char  head[2];
    char          *buf = NULL, *nb, *tail, hex[2 * SHA256_DIGEST_LENGTH + 1];
    size_t         cap = 0, n = 0, mlen = strlen(XT_BACKUP_MAGIC), dlen;
    gzFile         gz;
    FILE          *f;
    int            r, zerr;

    *doc = NULL;
    f = fopen(path, "re");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    /* gzread passes a file that is not gzip through as it is: refuse it */
    if (fread(head, 1, 2, f) != 2 || head[0] != 0x1f || head[1] != 0x8b) {
        fclose(f);
        snprintf(err, errlen, "%s: not an xtream backup (not a gzip file)",
                 path);
        return -1;
    }
    fclose(f);
    gz = gzopen(path, "rb");
    if (gz == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    for ( ;; ) {
        if (cap - n < 65536) {
            if (cap >= XT_BACKUP_MAX) {
                snprintf(err, errlen, "%s: larger than 4 GiB decompressed",
                         path);
                goto fail;
            }
            cap = cap ? 2 * cap : 1 << 20;
            nb = realloc(buf, cap + 1);
            if (nb == NULL) {
                snprintf(err, errlen, "out of memory");
                goto fail;
            }
            buf = nb;
        }
        r = gzread(gz, buf + n, (unsigned) (cap - n));
        if (r < 0) {
            snprintf(err, errlen, "%s: truncated or damaged (%s)", path,
                     gzerror(gz, &zerr));
            goto fail;
        }
        if (r == 0) {
            break;
        }
        n += (size_t) r;
    }
    /* a gzip stream cut short reads as a clean end with an error set */
    (void) gzerror(gz, &zerr);
    if (zerr != Z_OK && zerr != Z_STREAM_END) {
        snprintf(err, errlen, "%s: truncated or damaged (%s)", path,
                 gzerror(gz, &zerr));
        goto fail;
    }
    gzclose(gz);
    gz = NULL;
    buf[n] = '\0';
    if (n < mlen || memcmp(buf, XT_BACKUP_MAGIC, mlen) != 0) {
        snprintf(err, errlen, "%s: not an xtream backup (no \"xtream-backup "
                 "1\" header)", path);
        goto fail;
    }
    /* the trailer: "\nsha256 " + 64 hex + "\n" */
    if (n < mlen + 73 || buf[n - 1] != '\n'
        || memcmp(buf + n - 73, "\nsha256 ", 8) != 0)
    {
        snprintf(err, errlen, "%s: truncated (no checksum line at the end)",
                 path);
        goto fail;
    }
    tail = buf + n - 73;
    dlen = (size_t) (tail - (buf + mlen));
    xt_backup_sha(buf + mlen, dlen, hex);
    if (memcmp(hex, tail + 8, 64) != 0) {
        snprintf(err, errlen, "%s: damaged (checksum mismatch)", path);
        goto fail;
    }
    memmove(buf, buf + mlen, dlen);
    buf[dlen] = '\0';
    *doc = buf;
    *len = dlen;
    return 0;

fail:
    if (gz) {
        gzclose(gz);
    }
    free(buf);
    return -1;
}
