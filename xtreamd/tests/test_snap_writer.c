#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "xt_snap_writer.h"
#include "xt_test.h"


static void
check_file(const unsigned char *p, size_t len, uint64_t gen)
{
    const xt_snap_header_t  *h = (const void *) p;
    uint32_t                 i, crc;
    const char              *s;

    CHECK(len >= sizeof(*h));
    CHECK(memcmp(h->magic, XT_SNAP_MAGIC, XT_SNAP_MAGIC_LEN) == 0);
    CHECK(h->version == XT_SNAP_VERSION);
    CHECK(h->kind == XT_SNAP_KIND_CATALOG);
    CHECK(h->generation == gen);
    CHECK(h->file_size == len);
    CHECK(h->nsections == 4);
    crc = (uint32_t) crc32(crc32(0L, Z_NULL, 0), p + sizeof(*h),
                           (uInt) (len - sizeof(*h)));
    CHECK(h->checksum == crc);
    for (i = 0; i < h->nsections; i++) {
        CHECK(h->sections[i].offset % 8 == 0);
        CHECK(h->sections[i].offset >= sizeof(*h));
        CHECK(h->sections[i].offset + h->sections[i].size <= len);
    }
    CHECK(h->sections[0].id == XT_SEC_STRINGS);
    CHECK(h->sections[1].id == XT_SEC_U32);
    CHECK(h->sections[2].id == XT_SEC_CATEGORIES);
    CHECK(h->sections[2].count == 1);
    CHECK(h->sections[3].id == XT_SEC_LIVE && h->sections[3].size == 0);
    s = (const char *) p + h->sections[0].offset;
    CHECK(h->sections[0].size == 10 && memcmp(s, "helloNews!", 10) == 0);
    CHECK(h->sections[1].count == 3);
    CHECK(((const uint32_t *) (p + h->sections[1].offset))[2] == 9);
}


/*
 * Interning: identical bytes share one offset, every reference still
 * reads back its own bytes, the table grows past its first size, and the
 * file written to disk is the file finish() builds (checksum over many
 * megabytes, so the fast CRC path is covered).
 */
static void
test_snap_writer_intern(void)
{
    enum { N = 60000 };
    xt_snap_writer_t        *w;
    xt_snap_str_t           *refs, a, b, c, e;
    char                     s[64], dir[] = "/tmp/xt-snap-intern-XXXXXX";
    char                     path[256], big[3000];
    const xt_snap_header_t  *h;
    const char              *strs;
    unsigned char           *file, *disk;
    void                    *buf;
    size_t                   len, dlen, n, total = 0;
    uint32_t                 i, crc;
    int                      ok = 1, shared = 1;
    FILE                    *f;

    w = xt_snap_writer_new(XT_SNAP_KIND_CATALOG, 9);
    CHECK(w != NULL);

    a = xt_snap_writer_str(w, "News", 4);
    b = xt_snap_writer_str(w, "Sport", 5);
    c = xt_snap_writer_str(w, "News", 4);
    e = xt_snap_writer_str(w, "", 0);
    CHECK(a.off == c.off && a.len == 4 && c.len == 4);
    CHECK(b.off != a.off && b.len == 5);
    CHECK(e.off == 0 && e.len == 0);
    /* a prefix of a stored string is a string of its own */
    c = xt_snap_writer_str(w, "New", 3);
    CHECK(c.len == 3 && c.off != a.off);
    /* unique: always appended, never found by a later interned add */
    b = xt_snap_writer_str_unique(w, "Sport", 5);
    e = xt_snap_writer_str_unique(w, "Solo", 4);
    CHECK(b.len == 5 && b.off == 4 + 5 + 3 && e.len == 4
          && e.off == 4 + 5 + 3 + 5);
    c = xt_snap_writer_str(w, "Solo", 4);
    CHECK(c.len == 4 && c.off == e.off + 4);
    e = xt_snap_writer_str_unique(w, "", 0);
    CHECK(e.off == 0 && e.len == 0);
    total = 4 + 5 + 3 + 5 + 4 + 4;

    /* N distinct strings, each added 3 times, plus long ones */
    refs = calloc(3 * N, sizeof(*refs));
    for (i = 0; i < 3 * N; i++) {
        n = (size_t) snprintf(s, sizeof(s), "http://img.example/%u.jpg",
                              i % N);
        refs[i] = xt_snap_writer_str(w, s, n);
        if (i < N) {
            total += n;
        } else if (refs[i].off != refs[i % N].off) {
            shared = 0;
        }
    }
    CHECK(shared);
    memset(big, 'x', sizeof(big));
    for (i = 0; i < 8; i++) {
        big[i * 300] = 'y';         /* same length, different bytes */
        a = xt_snap_writer_str(w, big, sizeof(big));
        b = xt_snap_writer_str(w, big, sizeof(big));
        CHECK(a.off == b.off);
        total += sizeof(big);
    }
    CHECK(xt_snap_writer_section(w, XT_SEC_LIVE, 0, NULL, 0) == 0);
    CHECK(xt_snap_writer_finish(w, &buf, &len) == 0);

    file = buf;
    h = (const void *) file;
    CHECK(h->sections[0].id == XT_SEC_STRINGS);
    CHECK(h->sections[0].size == total);
    strs = (const char *) file + h->sections[0].offset;
    for (i = 0; i < 3 * N; i++) {
        n = (size_t) snprintf(s, sizeof(s), "http://img.example/%u.jpg",
                              i % N);
        if (refs[i].len != n || refs[i].off + n > h->sections[0].size
            || memcmp(strs + refs[i].off, s, n) != 0)
        {
            ok = 0;
        }
    }
    CHECK(ok);
    crc = (uint32_t) crc32(crc32(0L, Z_NULL, 0), file + sizeof(*h),
                           (uInt) (len - sizeof(*h)));
    CHECK(h->checksum == crc);

    /* write() streams the same bytes (the header's time aside) */
    CHECK(mkdtemp(dir) != NULL);
    CHECK(xt_snap_writer_write(w, dir, XT_SNAP_FILE_CATALOG) == 0);
    snprintf(path, sizeof(path), "%s/%s", dir, XT_SNAP_FILE_CATALOG);
    disk = malloc(len + 1);
    f = fopen(path, "rb");
    CHECK(f != NULL);
    dlen = f ? fread(disk, 1, len + 1, f) : 0;
    if (f) {
        fclose(f);
    }
    CHECK(dlen == len);
    if (dlen == len) {
        ((xt_snap_header_t *) disk)->created = h->created;
        CHECK(memcmp(disk, file, len) == 0);
    }

    free(disk);
    free(buf);
    free(refs);
    xt_snap_writer_free(w);
    unlink(path);
    rmdir(dir);
}


void
test_snap_writer(void)
{
    xt_snap_writer_t    *w;
    xt_snap_str_t        a, b;
    xt_snap_category_t   cat;
    uint32_t             v[3] = { 7, 8, 9 }, at;
    void                *buf;
    size_t               len;
    char                 dir[] = "/tmp/xt-snap-test-XXXXXX", path[256];
    FILE                *f;
    unsigned char       *file;
    DIR                 *d;
    struct dirent       *de;
    int                  entries = 0, tmp_left = 0;

    w = xt_snap_writer_new(XT_SNAP_KIND_CATALOG, 5);
    CHECK(w != NULL);
    a = xt_snap_writer_str(w, "hello", 5);
    b = xt_snap_writer_str(w, "News!", 5);
    CHECK(a.off == 0 && a.len == 5 && b.off == 5 && b.len == 5);
    at = xt_snap_writer_u32(w, v, 1);
    CHECK(at == 0);
    at = xt_snap_writer_u32(w, v + 1, 2);
    CHECK(at == 1);
    memset(&cat, 0, sizeof(cat));
    cat.id = 1;
    cat.name = b;
    CHECK(xt_snap_writer_section(w, XT_SEC_CATEGORIES, 1, &cat,
                                 sizeof(cat)) == 0);
    CHECK(xt_snap_writer_section(w, XT_SEC_LIVE, 0, NULL, 0) == 0);
    /* duplicates and the reserved ids are refused */
    CHECK(xt_snap_writer_section(w, XT_SEC_STRINGS, 0, NULL, 0) == -1);
    xt_snap_writer_free(w);

    w = xt_snap_writer_new(XT_SNAP_KIND_CATALOG, 5);
    xt_snap_writer_str(w, "hello", 5);
    xt_snap_writer_str(w, "News!", 5);
    xt_snap_writer_u32(w, v, 3);
    xt_snap_writer_section(w, XT_SEC_CATEGORIES, 1, &cat, sizeof(cat));
    xt_snap_writer_section(w, XT_SEC_LIVE, 0, NULL, 0);
    CHECK(xt_snap_writer_finish(w, &buf, &len) == 0);
    check_file(buf, len, 5);
    free(buf);

    /* write: atomic, tmp name gone, generation read back */
    CHECK(mkdtemp(dir) != NULL);
    CHECK(xt_snap_next_generation(dir, XT_SNAP_FILE_CATALOG,
                                  XT_SNAP_KIND_CATALOG) == 1);
    CHECK(xt_snap_writer_write(w, dir, XT_SNAP_FILE_CATALOG) == 0);
    CHECK(xt_snap_next_generation(dir, XT_SNAP_FILE_CATALOG,
                                  XT_SNAP_KIND_CATALOG) == 6);
    CHECK(xt_snap_next_generation(dir, XT_SNAP_FILE_CATALOG,
                                  XT_SNAP_KIND_LINES) == 1);
    CHECK(xt_snap_writer_write(w, dir, "../escape") == -1);
    xt_snap_writer_free(w);

    d = opendir(dir);
    while (d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' && (de->d_name[1] == '\0'
            || (de->d_name[1] == '.' && de->d_name[2] == '\0')))
        {
            continue;
        }
        entries++;
        tmp_left |= strstr(de->d_name, ".tmp") != NULL;
    }
    if (d) {
        closedir(d);
    }
    CHECK(entries == 1 && !tmp_left);

    snprintf(path, sizeof(path), "%s/%s", dir, XT_SNAP_FILE_CATALOG);
    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f) {
        file = malloc(1 << 16);
        len = fread(file, 1, 1 << 16, f);
        fclose(f);
        check_file(file, len, 5);
        free(file);
    }

    /* a bad directory fails cleanly with a message */
    w = xt_snap_writer_new(XT_SNAP_KIND_LINES, 1);
    CHECK(xt_snap_writer_write(w, "/nonexistent-dir", "lines.snap") == -1);
    CHECK(strstr(xt_snap_writer_error(w), "No such file") != NULL);
    xt_snap_writer_free(w);

    unlink(path);
    rmdir(dir);

    test_snap_writer_intern();
}
