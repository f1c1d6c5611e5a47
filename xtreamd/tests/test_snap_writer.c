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
}
