/*
 * Snapshot writer (see xt_snap_writer.h).  Only libc and zlib here: the
 * module's tests build it to make fixtures.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "xt_snap_writer.h"


typedef struct {
    unsigned char  *p;
    size_t          len;
    size_t          cap;
} xt_buf_t;

typedef struct {
    uint32_t        id;
    uint32_t        count;
    xt_buf_t        data;
} xt_sec_t;

struct xt_snap_writer_s {
    uint32_t        kind;
    uint64_t        generation;
    xt_buf_t        strings;
    xt_buf_t        u32;
    xt_sec_t        secs[XT_SNAP_MAX_SECTIONS];
    uint32_t        nsecs;
    int             failed;
    char            err[4400];
};

#define XT_ALIGN8(n)  (((n) + 7) & ~(uint64_t) 7)


static int
xt_buf_add(xt_buf_t *b, const void *p, size_t n)
{
    size_t          cap;
    unsigned char  *np;

    if (n > SIZE_MAX - b->len) {
        return -1;
    }

    if (b->len + n > b->cap) {
        cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) {
            cap *= 2;
        }
        np = realloc(b->p, cap);
        if (np == NULL) {
            return -1;
        }
        b->p = np;
        b->cap = cap;
    }

    if (n) {
        memcpy(b->p + b->len, p, n);
    }
    b->len += n;
    return 0;
}


static void
xt_fail_errno(xt_snap_writer_t *w, const char *what, const char *path)
{
    if (!w->failed) {
        snprintf(w->err, sizeof(w->err), "%s %s: %s", what, path,
                 strerror(errno));
        w->failed = 1;
    }
}


static void
xt_fail(xt_snap_writer_t *w, const char *fmt, const char *arg)
{
    if (!w->failed) {
        snprintf(w->err, sizeof(w->err), fmt, arg ? arg : "");
        w->failed = 1;
    }
}


xt_snap_writer_t *
xt_snap_writer_new(uint32_t kind, uint64_t generation)
{
    xt_snap_writer_t  *w;

    w = calloc(1, sizeof(*w));
    if (w == NULL) {
        return NULL;
    }
    w->kind = kind;
    w->generation = generation;
    return w;
}


xt_snap_str_t
xt_snap_writer_str(xt_snap_writer_t *w, const char *p, size_t len)
{
    xt_snap_str_t  s = { 0, 0 };

    if (w->failed) {
        return s;
    }
    /* offsets are 32-bit: the STRINGS section must stay under 4 GiB */
    if (len > UINT32_MAX || w->strings.len + len > UINT32_MAX) {
        xt_fail(w, "STRINGS section over 4 GiB%s", NULL);
        return s;
    }
    s.off = (uint32_t) w->strings.len;
    s.len = (uint32_t) len;
    if (xt_buf_add(&w->strings, p, len) != 0) {
        xt_fail(w, "out of memory in STRINGS%s", NULL);
        s.off = s.len = 0;
    }
    return s;
}


uint32_t
xt_snap_writer_u32(xt_snap_writer_t *w, const uint32_t *v, size_t n)
{
    size_t  idx;

    if (w->failed) {
        return 0;
    }
    idx = w->u32.len / sizeof(uint32_t);
    if (n > UINT32_MAX || idx + n > UINT32_MAX) {
        xt_fail(w, "U32 pool over 2^32 entries%s", NULL);
        return 0;
    }
    if (xt_buf_add(&w->u32, v, n * sizeof(uint32_t)) != 0) {
        xt_fail(w, "out of memory in U32%s", NULL);
        return 0;
    }
    return (uint32_t) idx;
}


int
xt_snap_writer_section(xt_snap_writer_t *w, uint32_t id, uint32_t count,
    const void *data, size_t size)
{
    uint32_t  i;
    xt_sec_t *s;

    if (w->failed) {
        return -1;
    }
    if (id == XT_SEC_STRINGS || id == XT_SEC_U32) {
        xt_fail(w, "STRINGS and U32 are added by finish%s", NULL);
        return -1;
    }
    /* two slots stay free for STRINGS and U32 */
    if (w->nsecs >= XT_SNAP_MAX_SECTIONS - 2) {
        xt_fail(w, "too many sections%s", NULL);
        return -1;
    }
    for (i = 0; i < w->nsecs; i++) {
        if (w->secs[i].id == id) {
            xt_fail(w, "duplicate section id%s", NULL);
            return -1;
        }
    }
    s = &w->secs[w->nsecs];
    memset(s, 0, sizeof(*s));
    s->id = id;
    s->count = count;
    if (xt_buf_add(&s->data, data, size) != 0) {
        free(s->data.p);
        xt_fail(w, "out of memory in a section%s", NULL);
        return -1;
    }
    w->nsecs++;
    return 0;
}


static void
xt_place(xt_snap_header_t *h, uint64_t *off, uint32_t id, uint32_t count,
    size_t size)
{
    xt_snap_section_t  *s = &h->sections[h->nsections++];

    s->id = id;
    s->count = count;
    s->offset = *off;
    s->size = size;
    *off = XT_ALIGN8(*off + size);
}


int
xt_snap_writer_finish(xt_snap_writer_t *w, void **buf, size_t *len)
{
    uint32_t           i;
    uint64_t           off;
    unsigned char     *p;
    xt_snap_header_t   h;
    const xt_buf_t    *src[XT_SNAP_MAX_SECTIONS];

    if (w->failed) {
        return -1;
    }

    memset(&h, 0, sizeof(h));
    memcpy(h.magic, XT_SNAP_MAGIC, XT_SNAP_MAGIC_LEN);
    h.version = XT_SNAP_VERSION;
    h.kind = w->kind;
    h.generation = w->generation;
    h.created = (int64_t) time(NULL);

    off = XT_ALIGN8(sizeof(xt_snap_header_t));
    xt_place(&h, &off, XT_SEC_STRINGS, (uint32_t) w->strings.len,
             w->strings.len);
    src[0] = &w->strings;
    xt_place(&h, &off, XT_SEC_U32,
             (uint32_t) (w->u32.len / sizeof(uint32_t)), w->u32.len);
    src[1] = &w->u32;
    for (i = 0; i < w->nsecs; i++) {
        src[h.nsections] = &w->secs[i].data;
        xt_place(&h, &off, w->secs[i].id, w->secs[i].count,
                 w->secs[i].data.len);
    }
    h.file_size = off;

    if (off > SIZE_MAX) {
        xt_fail(w, "snapshot too large%s", NULL);
        return -1;
    }

    /* calloc: the alignment padding is zero, so the checksum is stable */
    p = calloc(1, (size_t) off);
    if (p == NULL) {
        xt_fail(w, "out of memory for the file%s", NULL);
        return -1;
    }
    for (i = 0; i < h.nsections; i++) {
        if (src[i]->len) {
            memcpy(p + h.sections[i].offset, src[i]->p, src[i]->len);
        }
    }

    /* zlib's crc32 takes uInt lengths: feed it in chunks */
    {
        uLong   crc = crc32(0L, Z_NULL, 0);
        size_t  pos = sizeof(xt_snap_header_t), n;

        while (pos < off) {
            n = off - pos;
            if (n > (1u << 30)) {
                n = 1u << 30;
            }
            crc = crc32(crc, p + pos, (uInt) n);
            pos += n;
        }
        h.checksum = (uint32_t) crc;
    }

    memcpy(p, &h, sizeof(h));
    *buf = p;
    *len = (size_t) off;
    return 0;
}


static int
xt_write_all(int fd, const unsigned char *p, size_t n)
{
    ssize_t  r;

    while (n) {
        r = write(fd, p, n);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += r;
        n -= (size_t) r;
    }
    return 0;
}


int
xt_snap_writer_write(xt_snap_writer_t *w, const char *dir, const char *name)
{
    int     fd, dfd, rc = -1;
    char    tmp[4096], dst[4096];
    void   *buf;
    size_t  len;

    if (strchr(name, '/') != NULL || name[0] == '\0' || name[0] == '.') {
        xt_fail(w, "bad snapshot file name \"%s\"", name);
        return -1;
    }
    if ((size_t) snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name)
            >= sizeof(tmp)
        || (size_t) snprintf(dst, sizeof(dst), "%s/%s", dir, name)
            >= sizeof(dst))
    {
        xt_fail(w, "snapshot path too long: %s", dir);
        return -1;
    }

    if (xt_snap_writer_finish(w, &buf, &len) != 0) {
        return -1;
    }

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        xt_fail_errno(w, "open", tmp);
        goto out;
    }
    if (xt_write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
        xt_fail_errno(w, "write", tmp);
        close(fd);
        unlink(tmp);
        goto out;
    }
    if (close(fd) != 0) {
        xt_fail_errno(w, "close", tmp);
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, dst) != 0) {
        xt_fail_errno(w, "rename to", dst);
        unlink(tmp);
        goto out;
    }
    /* make the rename itself durable */
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void) fsync(dfd);
        close(dfd);
    }
    rc = 0;

out:
    free(buf);
    return rc;
}


uint64_t
xt_snap_next_generation(const char *dir, const char *name, uint32_t kind)
{
    int               fd;
    char              path[4096];
    ssize_t           n;
    xt_snap_header_t  h;

    if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir, name)
        >= sizeof(path))
    {
        return 1;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 1;
    }
    n = read(fd, &h, sizeof(h));
    close(fd);
    if (n != (ssize_t) sizeof(h)
        || memcmp(h.magic, XT_SNAP_MAGIC, XT_SNAP_MAGIC_LEN) != 0
        || h.version != XT_SNAP_VERSION || h.kind != kind
        || h.generation == UINT64_MAX)
    {
        return 1;
    }
    return h.generation + 1;
}


const char *
xt_snap_writer_error(xt_snap_writer_t *w)
{
    return w->failed ? w->err : "no error";
}


void
xt_snap_writer_free(xt_snap_writer_t *w)
{
    uint32_t  i;

    if (w == NULL) {
        return;
    }
    for (i = 0; i < w->nsecs; i++) {
        free(w->secs[i].data.p);
    }
    free(w->strings.p);
    free(w->u32.p);
    free(w);
}
