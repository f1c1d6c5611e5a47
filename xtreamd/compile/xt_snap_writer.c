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

#include "xt_grow.h"
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

/*
 * String interning: an open-addressing table (linear probing, load at most
 * 1/2) of the distinct strings already in STRINGS, so identical bytes are
 * stored once and share an offset.  A slot holds where a string starts and
 * the hash of its bytes; hash == 0 marks a free slot.  No length: a match
 * is "the len bytes at off equal the new bytes", which is all a reference
 * needs.  The table stops growing at XT_INTERN_MAX_SLOTS (8 bytes a slot:
 * 32 MiB, 2M distinct strings); past that, new distinct strings are
 * appended without being remembered (strings already remembered are still
 * shared), so memory stays bounded and correctness never depends on the
 * table.
 */
typedef struct {
    uint32_t        off;
    uint32_t        hash;
} xt_intern_t;

#define XT_INTERN_MIN_SLOTS  4096u
#define XT_INTERN_MAX_SLOTS  (1u << 22)

struct xt_snap_writer_s {
    uint32_t        kind;
    uint64_t        generation;
    xt_buf_t        strings;
    xt_intern_t    *itab;
    uint32_t        islots;         /* 0 or a power of two */
    uint32_t        iused;
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
    if (n > SIZE_MAX - b->len
        || xt_reserve((void **) &b->p, &b->cap, b->len + n, 1) != 0)
    {
        return -1;
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


static uint64_t
xt_rd64(const unsigned char *p)
{
    uint64_t  v;

    memcpy(&v, p, 8);
    return v;
}


static uint64_t
xt_rd32(const unsigned char *p)
{
    uint32_t  v;

    memcpy(&v, p, 4);
    return v;
}


/* 64x64 -> 128 multiply, folded: the mixing step of wyhash-style hashes */
static uint64_t
xt_mum(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
    __uint128_t  r = (__uint128_t) a * b;

    return (uint64_t) r ^ (uint64_t) (r >> 64);
#else
    uint64_t  r = a * b;

    return r ^ (r >> 29) ^ ((a ^ b) >> 31);
#endif
}


/*
 * A fast non-cryptographic hash of the bytes (16 bytes per multiply, two
 * lanes); the table compares bytes on every hash match, so quality only
 * affects speed.
 * Never returns 0 (the free-slot mark).
 */
static uint32_t
xt_str_hash(const unsigned char *p, size_t len)
{
    const uint64_t  k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL;
    uint64_t        s = k0 ^ (uint64_t) len, a, b;
    uint32_t        h;

    /* two independent lanes, so the multiplies overlap */
    if (len > 32) {
        uint64_t  t = s ^ k1;

        do {
            s = xt_mum(xt_rd64(p) ^ k1, xt_rd64(p + 8) ^ s);
            t = xt_mum(xt_rd64(p + 16) ^ k0, xt_rd64(p + 24) ^ t);
            p += 32;
            len -= 32;
        } while (len > 32);
        s ^= t;
    }
    while (len > 16) {
        s = xt_mum(xt_rd64(p) ^ k1, xt_rd64(p + 8) ^ s);
        p += 16;
        len -= 16;
    }
    if (len >= 8) {
        a = xt_rd64(p);
        b = xt_rd64(p + len - 8);
    } else if (len >= 4) {
        a = xt_rd32(p);
        b = xt_rd32(p + len - 4);
    } else if (len > 0) {
        a = ((uint64_t) p[0] << 16) | ((uint64_t) p[len >> 1] << 8)
            | p[len - 1];
        b = 0;
    } else {
        a = b = 0;
    }
    s = xt_mum(a ^ k1, b ^ s ^ k0);
    s = xt_mum(s ^ k1, (uint64_t) len ^ k0);
    h = (uint32_t) (s ^ (s >> 32));
    return h ? h : 1;
}


/* double the table (or make the first one); -1 when at the cap or out of
   memory: the caller then just stops remembering new strings */
static int
xt_intern_grow(xt_snap_writer_t *w)
{
    uint32_t      n, i, j, mask;
    xt_intern_t  *t;

    n = w->islots ? w->islots * 2 : XT_INTERN_MIN_SLOTS;
    if (n > XT_INTERN_MAX_SLOTS || n < w->islots) {
        return -1;
    }
    t = calloc(n, sizeof(xt_intern_t));
    if (t == NULL) {
        return -1;
    }
    mask = n - 1;
    for (i = 0; i < w->islots; i++) {
        if (w->itab[i].hash == 0) {
            continue;
        }
        j = w->itab[i].hash & mask;
        while (t[j].hash != 0) {
            j = (j + 1) & mask;
        }
        t[j] = w->itab[i];
    }
    free(w->itab);
    w->itab = t;
    w->islots = n;
    return 0;
}


/* the checks both appends share: 0 when the string may be appended */
static int
xt_str_room(xt_snap_writer_t *w, size_t len)
{
    if (w->failed || len == 0) {
        return -1;                      /* every empty string is {0, 0} */
    }
    /* offsets are 32-bit: the STRINGS section must stay under 4 GiB */
    if (len > UINT32_MAX || w->strings.len + len > UINT32_MAX) {
        xt_fail(w, "STRINGS section over 4 GiB%s", NULL);
        return -1;
    }
    return 0;
}


xt_snap_str_t
xt_snap_writer_str_unique(xt_snap_writer_t *w, const char *p, size_t len)
{
    xt_snap_str_t  s = { 0, 0 };

    if (xt_str_room(w, len) != 0) {
        return s;
    }
    if (xt_buf_add(&w->strings, p, len) != 0) {
        xt_fail(w, "out of memory in STRINGS%s", NULL);
        return s;
    }
    s.off = (uint32_t) (w->strings.len - len);
    s.len = (uint32_t) len;
    return s;
}


xt_snap_str_t
xt_snap_writer_str(xt_snap_writer_t *w, const char *p, size_t len)
{
    size_t         at;
    uint32_t       h, i = 0, mask;
    xt_snap_str_t  s = { 0, 0 };

    if (xt_str_room(w, len) != 0) {
        return s;
    }

    /*
     * Most strings are new: append first, while the table slot (a cache
     * miss in a big table) is being prefetched, then look it up and take
     * the copy back when the bytes were already there.
     */
    h = xt_str_hash((const unsigned char *) p, len);
    mask = w->islots - 1;
    if (w->islots) {
        __builtin_prefetch(&w->itab[h & mask]);
    }
    at = w->strings.len;
    if (xt_buf_add(&w->strings, p, len) != 0) {
        xt_fail(w, "out of memory in STRINGS%s", NULL);
        return s;
    }
    s.len = (uint32_t) len;

    if (w->islots) {
        for (i = h & mask; w->itab[i].hash != 0; i = (i + 1) & mask) {
            if (w->itab[i].hash == h && len <= at - w->itab[i].off
                && memcmp(w->strings.p + w->itab[i].off, p, len) == 0)
            {
                w->strings.len = at;    /* a duplicate: drop the copy */
                s.off = w->itab[i].off;
                return s;
            }
        }
    }
    s.off = (uint32_t) at;

    /* remember it, keeping the load at most 1/2 */
    if (w->iused + 1 > w->islots / 2) {
        if (xt_intern_grow(w) != 0) {
            return s;                   /* at the cap: stored, not shared */
        }
        mask = w->islots - 1;
        for (i = h & mask; w->itab[i].hash != 0; i = (i + 1) & mask) {
            /* the free slot in the new table */
        }
    }
    w->itab[i].off = s.off;
    w->itab[i].hash = h;
    w->iused++;
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


/*
 * Lay the file out: header fields, sections in file order (STRINGS, U32,
 * then the added ones) and src[i], the bytes of h->sections[i].  The
 * checksum is left 0.
 */
static int
xt_layout(xt_snap_writer_t *w, xt_snap_header_t *h,
    const xt_buf_t **src)
{
    uint32_t  i;
    uint64_t  off;

    if (w->failed) {
        return -1;
    }

    memset(h, 0, sizeof(*h));
    memcpy(h->magic, XT_SNAP_MAGIC, XT_SNAP_MAGIC_LEN);
    h->version = XT_SNAP_VERSION;
    h->kind = w->kind;
    h->generation = w->generation;
    h->created = (int64_t) time(NULL);

    off = XT_ALIGN8(sizeof(xt_snap_header_t));
    xt_place(h, &off, XT_SEC_STRINGS, (uint32_t) w->strings.len,
             w->strings.len);
    src[0] = &w->strings;
    xt_place(h, &off, XT_SEC_U32,
             (uint32_t) (w->u32.len / sizeof(uint32_t)), w->u32.len);
    src[1] = &w->u32;
    for (i = 0; i < w->nsecs; i++) {
        src[h->nsections] = &w->secs[i].data;
        xt_place(h, &off, w->secs[i].id, w->secs[i].count,
                 w->secs[i].data.len);
    }
    h->file_size = off;

    if (off > SIZE_MAX) {
        xt_fail(w, "snapshot too large%s", NULL);
        return -1;
    }
    return 0;
}


/* zlib's crc32 takes uInt lengths: feed it in chunks */
static uLong
xt_crc_zlib(uLong crc, const unsigned char *p, size_t n)
{
    size_t  k;

    while (n) {
        k = n > (1u << 30) ? (1u << 30) : n;
        crc = crc32(crc, p, (uInt) k);
        p += k;
        n -= k;
    }
    return crc;
}


#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/*
 * The same CRC-32 with carry-less multiplication (Intel, "Fast CRC
 * Computation for Generic Polynomials Using PCLMULQDQ Instruction"; the
 * constants are the Linux kernel's crc32-pclmul ones): about ten times
 * zlib's speed, which matters for a 100+ MB catalog.  Folds the whole
 * 16-byte blocks of p (n >= 64) into 128 bits X; the CRC register after
 * them is then the plain CRC of X from zero, which zlib finishes, with the
 * tail bytes.  Takes and returns zlib's (inverted) form.
 */
__attribute__((target("pclmul,sse2")))
static uLong
xt_crc_clmul(uLong crc, const unsigned char *p, size_t n)
{
    static const uint64_t  k1k2[2] = { 0x154442bd4ULL, 0x1c6e41596ULL };
    static const uint64_t  k3k4[2] = { 0x1751997d0ULL, 0x0ccaa009eULL };
    unsigned char          x[16];
    __m128i                x0, x1, x2, x3, x4, x5, x6, x7, x8;

    x1 = _mm_loadu_si128((const __m128i *) (p + 0x00));
    x2 = _mm_loadu_si128((const __m128i *) (p + 0x10));
    x3 = _mm_loadu_si128((const __m128i *) (p + 0x20));
    x4 = _mm_loadu_si128((const __m128i *) (p + 0x30));
    x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int) (uint32_t) ~crc));
    x0 = _mm_loadu_si128((const __m128i *) k1k2);
    p += 64;
    n -= 64;

    while (n >= 64) {
        x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
        x6 = _mm_clmulepi64_si128(x2, x0, 0x00);
        x7 = _mm_clmulepi64_si128(x3, x0, 0x00);
        x8 = _mm_clmulepi64_si128(x4, x0, 0x00);
        x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
        x2 = _mm_clmulepi64_si128(x2, x0, 0x11);
        x3 = _mm_clmulepi64_si128(x3, x0, 0x11);
        x4 = _mm_clmulepi64_si128(x4, x0, 0x11);
        x1 = _mm_xor_si128(_mm_xor_si128(x1, x5),
                           _mm_loadu_si128((const __m128i *) (p + 0x00)));
        x2 = _mm_xor_si128(_mm_xor_si128(x2, x6),
                           _mm_loadu_si128((const __m128i *) (p + 0x10)));
        x3 = _mm_xor_si128(_mm_xor_si128(x3, x7),
                           _mm_loadu_si128((const __m128i *) (p + 0x20)));
        x4 = _mm_xor_si128(_mm_xor_si128(x4, x8),
                           _mm_loadu_si128((const __m128i *) (p + 0x30)));
        p += 64;
        n -= 64;
    }

    /* fold the four lanes into one, then the remaining 16-byte blocks */
    x0 = _mm_loadu_si128((const __m128i *) k3k4);
    x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x2), x5);
    x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x3), x5);
    x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x4), x5);
    while (n >= 16) {
        x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
        x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
        x1 = _mm_xor_si128(_mm_xor_si128(x1, x5),
                           _mm_loadu_si128((const __m128i *) p));
        p += 16;
        n -= 16;
    }

    /* register = crc of X from a zero register: zlib's form of that is
       crc32(0xffffffff, X) (zlib inverts on entry and exit) */
    _mm_storeu_si128((__m128i *) x, x1);
    crc = crc32(0xffffffffUL, x, 16);
    return n ? crc32(crc, p, (uInt) n) : crc;
}

static int  xt_have_clmul = -1;
#endif


static uLong
xt_crc(uLong crc, const unsigned char *p, size_t n)
{
#if defined(__x86_64__) && defined(__GNUC__)
    size_t  k;

    if (xt_have_clmul < 0) {
        __builtin_cpu_init();
        xt_have_clmul = __builtin_cpu_supports("pclmul") ? 1 : 0;
    }
    if (xt_have_clmul && n >= 64) {
        while (n >= 64) {
            k = n > ((size_t) 1 << 30) ? ((size_t) 1 << 30) : n;
            crc = xt_crc_clmul(crc, p, k);
            p += k;
            n -= k;
        }
    }
#endif
    return xt_crc_zlib(crc, p, n);
}


/* bytes of zero padding after section i (before the next one or EOF) */
static size_t
xt_pad(const xt_snap_header_t *h, uint32_t i)
{
    uint64_t  end = h->sections[i].offset + h->sections[i].size;
    uint64_t  next = i + 1 < h->nsections ? h->sections[i + 1].offset
                                          : h->file_size;

    return (size_t) (next - end);
}


/* the checksum over the pieces as they lie in the file */
static uint32_t
xt_checksum(const xt_snap_header_t *h, const xt_buf_t **src)
{
    static const unsigned char  zero[8];
    uint32_t                    i;
    uLong                       crc = crc32(0L, Z_NULL, 0);

    /* header padding: sizeof(header) is 8-aligned, so none; sections */
    crc = xt_crc(crc, zero, (size_t) (h->sections[0].offset
                                      - sizeof(xt_snap_header_t)));
    for (i = 0; i < h->nsections; i++) {
        crc = xt_crc(crc, src[i]->p, src[i]->len);
        crc = xt_crc(crc, zero, xt_pad(h, i));
    }
    return (uint32_t) crc;
}


int
xt_snap_writer_finish(xt_snap_writer_t *w, void **buf, size_t *len)
{
    uint32_t           i;
    unsigned char     *p;
    xt_snap_header_t   h;
    const xt_buf_t    *src[XT_SNAP_MAX_SECTIONS];

    if (xt_layout(w, &h, src) != 0) {
        return -1;
    }

    /* calloc: the alignment padding is zero, so the checksum is stable */
    p = calloc(1, (size_t) h.file_size);
    if (p == NULL) {
        xt_fail(w, "out of memory for the file%s", NULL);
        return -1;
    }
    for (i = 0; i < h.nsections; i++) {
        if (src[i]->len) {
            memcpy(p + h.sections[i].offset, src[i]->p, src[i]->len);
        }
    }
    h.checksum = (uint32_t) xt_crc(crc32(0L, Z_NULL, 0),
                                   p + sizeof(xt_snap_header_t),
                                   (size_t) h.file_size
                                   - sizeof(xt_snap_header_t));

    memcpy(p, &h, sizeof(h));
    *buf = p;
    *len = (size_t) h.file_size;
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


/* the file straight from the writer's buffers: no whole-file copy */
static int
xt_write_file(int fd, const xt_snap_header_t *h, const xt_buf_t **src)
{
    static const unsigned char  zero[8];
    uint32_t                    i;

    if (xt_write_all(fd, (const unsigned char *) h, sizeof(*h)) != 0
        || xt_write_all(fd, zero, (size_t) (h->sections[0].offset
                                            - sizeof(*h))) != 0)
    {
        return -1;
    }
    for (i = 0; i < h->nsections; i++) {
        if (xt_write_all(fd, src[i]->p, src[i]->len) != 0
            || xt_write_all(fd, zero, xt_pad(h, i)) != 0)
        {
            return -1;
        }
    }
    return 0;
}


int
xt_snap_writer_write(xt_snap_writer_t *w, const char *dir, const char *name)
{
    int                 fd, dfd;
    char                tmp[4096], dst[4096];
    xt_snap_header_t    h;
    const xt_buf_t     *src[XT_SNAP_MAX_SECTIONS];

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

    if (xt_layout(w, &h, src) != 0) {
        return -1;
    }
    h.checksum = xt_checksum(&h, src);

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        xt_fail_errno(w, "open", tmp);
        return -1;
    }
    if (xt_write_file(fd, &h, src) != 0 || fsync(fd) != 0) {
        xt_fail_errno(w, "write", tmp);
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0) {
        xt_fail_errno(w, "close", tmp);
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, dst) != 0) {
        xt_fail_errno(w, "rename to", dst);
        unlink(tmp);
        return -1;
    }
    /* make the rename itself durable */
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void) fsync(dfd);
        close(dfd);
    }
    return 0;
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
    free(w->itab);
    free(w->u32.p);
    free(w);
}
