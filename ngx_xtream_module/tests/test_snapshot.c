/*
 * Snapshot validation (good file, every kind of corruption refused) and
 * lookups (lines with collisions, bouquets, live streams, settings).
 */

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "xt_snapshot.h"
#include "xt_fixture.h"
#include "xt_test.h"


/* re-seal the checksum after a deliberate edit, so the structural check
   (not the CRC) is what must refuse the file */
static void
reseal(void *buf, size_t len)
{
    xt_snap_header_t  *h = buf;

    h->checksum = (uint32_t) crc32(0, (const unsigned char *) buf
                                   + sizeof(xt_snap_header_t),
                                   (uInt) (len - sizeof(xt_snap_header_t)));
}


static const xt_snap_section_t *
section(const void *buf, uint32_t id)
{
    uint32_t                 i;
    const xt_snap_header_t  *h = buf;

    for (i = 0; i < h->nsections; i++) {
        if (h->sections[i].id == id) {
            return &h->sections[i];
        }
    }

    return NULL;
}


static int
refused(const void *orig, size_t len, void (*edit)(void *, size_t *),
    uint32_t kind)
{
    int          rc;
    void        *copy;
    size_t       n;
    xt_snap_t    s;
    const char  *err = NULL;

    copy = malloc(len);
    memcpy(copy, orig, len);
    n = len;
    edit(copy, &n);

    rc = xt_snap_open(&s, copy, n, kind, &err) == -1 && err != NULL;
    free(copy);

    return rc;
}


static void e_truncate(void *b, size_t *n) { (void) b; *n -= 100; }
static void e_short(void *b, size_t *n) { (void) b; *n = 40; }
static void e_magic(void *b, size_t *n) { (void) n; ((char *) b)[0] = 'Y'; }
static void e_version(void *b, size_t *n)
{
    ((xt_snap_header_t *) b)->version = 99;
    reseal(b, *n);
}
static void e_crc(void *b, size_t *n) { ((char *) b)[*n - 1] ^= 0x55; }
static void e_nsections(void *b, size_t *n)
{
    ((xt_snap_header_t *) b)->nsections = XT_SNAP_MAX_SECTIONS + 1;
    (void) n;
}
static void e_section_oob(void *b, size_t *n)
{
    xt_snap_section_t  *s = (xt_snap_section_t *) section(b, XT_SEC_LINES);

    s->size = *n;       /* runs past the end */
}
static void e_section_huge(void *b, size_t *n)
{
    xt_snap_section_t  *s = (xt_snap_section_t *) section(b, XT_SEC_LINES);

    s->offset = UINT64_MAX - 7;
    (void) n;
}
static void e_count(void *b, size_t *n)
{
    xt_snap_section_t  *s = (xt_snap_section_t *) section(b, XT_SEC_LINES);

    s->count += 1;      /* more records than bytes */
    (void) n;
}
static void e_string_oob(void *b, size_t *n)
{
    const xt_snap_section_t  *s = section(b, XT_SEC_LINES);
    xt_snap_line_t           *l = (xt_snap_line_t *) ((char *) b + s->offset);

    l[0].username.off = 0xfffffff0;
    reseal(b, *n);
}
static void e_string_len(void *b, size_t *n)
{
    const xt_snap_section_t  *s = section(b, XT_SEC_LINES);
    xt_snap_line_t           *l = (xt_snap_line_t *) ((char *) b + s->offset);

    l[1].message.len = 0xffffffff;
    reseal(b, *n);
}
static void e_u32_oob(void *b, size_t *n)
{
    const xt_snap_section_t  *s = section(b, XT_SEC_LINES);
    xt_snap_line_t           *l = (xt_snap_line_t *) ((char *) b + s->offset);

    l[0].bouquets = 0xfffffffe;
    reseal(b, *n);
}
static void e_slot_oob(void *b, size_t *n)
{
    const xt_snap_section_t  *s = section(b, XT_SEC_LINE_INDEX);
    uint32_t                 *slots = (uint32_t *) ((char *) b + s->offset);

    slots[0] = 1000000;
    reseal(b, *n);
}
static void e_unsorted(void *b, size_t *n)
{
    const xt_snap_section_t  *s = section(b, XT_SEC_LINES);
    xt_snap_line_t           *l = (xt_snap_line_t *) ((char *) b + s->offset);

    l[1].id = l[0].id;
    reseal(b, *n);
}
static void e_live_index(void *b, size_t *n)
{
    const xt_snap_section_t  *s = section(b, XT_SEC_BOUQUETS);
    const xt_snap_section_t  *u = section(b, XT_SEC_U32);
    xt_snap_bouquet_t        *bq = (xt_snap_bouquet_t *) ((char *) b
                                                          + s->offset);
    uint32_t                 *pool = (uint32_t *) ((char *) b + u->offset);

    pool[bq[0].live] = 99999;       /* not a LIVE record */
    reseal(b, *n);
}
/* a kicks section with one entry fewer than there are lines */
static void e_kicks_count(void *b, size_t *n)
{
    xt_snap_section_t  *s = (xt_snap_section_t *) section(b, XT_SEC_LINE_KICKS);
    (void) n;
    s->count--;
    s->size -= sizeof(uint32_t);
    reseal(b, *n);
}
/* macs out of order, a mac naming a line that is not there */
static void e_macs_unsorted(void *b, size_t *n)
{
    const xt_snap_section_t  *s = section(b, XT_SEC_LINE_MACS);
    xt_snap_line_mac_t       *m = (xt_snap_line_mac_t *) ((char *) b
                                                          + s->offset);

    m[1].mac[5] = 0;
    reseal(b, *n);
}
static void e_macs_line(void *b, size_t *n)
{
    const xt_snap_section_t  *s = section(b, XT_SEC_LINE_MACS);
    xt_snap_line_mac_t       *m = (xt_snap_line_mac_t *) ((char *) b
                                                          + s->offset);

    m[1].line = 1000000;
    reseal(b, *n);
}
static void e_json_not_object(void *b, size_t *n)
{
    const xt_snap_section_t  *s = section(b, XT_SEC_LIVE);
    xt_snap_live_t           *lv = (xt_snap_live_t *) ((char *) b + s->offset);

    lv[0].json.len = 1;
    reseal(b, *n);
}


void
test_snapshot(void)
{
    void                     *lb, *cb;
    char                      user[32];
    size_t                    ll, cl, i, found;
    uint32_t                  mask, home, collisions;
    xt_snap_t                 ls, cs;
    const char               *err;
    const xt_snap_line_t     *l;
    const xt_snap_live_t     *lv;
    const xt_snap_bouquet_t  *bq;
    const xt_snap_setting_t  *st;

    CHECK(xt_fix_lines(1000, &lb, &ll) == 0);
    CHECK(xt_fix_catalog(10, &cb, &cl) == 0);

    /* good files */
    CHECK(xt_snap_open(&ls, lb, ll, XT_SNAP_KIND_LINES, &err) == 0);
    CHECK(ls.nlines == 1005);
    CHECK(xt_snap_open(&cs, cb, cl, XT_SNAP_KIND_CATALOG, &err) == 0);
    CHECK(cs.nlive == 14 && cs.ncategories == 5 && cs.nbouquets == 4);

    /* wrong kind */
    CHECK(xt_snap_open(&ls, cb, cl, XT_SNAP_KIND_LINES, &err) == -1);
    CHECK(xt_snap_open(&ls, NULL, 0, XT_SNAP_KIND_LINES, &err) == -1);

    /* corruption of every kind is refused */
    CHECK(refused(lb, ll, e_truncate, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_short, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_magic, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_version, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_crc, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_nsections, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_section_oob, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_section_huge, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_count, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_string_oob, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_string_len, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_u32_oob, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_slot_oob, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_unsorted, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_kicks_count, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_macs_unsorted, XT_SNAP_KIND_LINES));
    CHECK(refused(lb, ll, e_macs_line, XT_SNAP_KIND_LINES));
    CHECK(refused(cb, cl, e_live_index, XT_SNAP_KIND_CATALOG));
    CHECK(refused(cb, cl, e_json_not_object, XT_SNAP_KIND_CATALOG));

    /* every byte flipped in the header or data: refused, never a crash */
    {
        int        all = 1;
        size_t     pos;
        xt_snap_t  t;
        unsigned char  *copy = malloc(ll);

        for (pos = 0; pos < ll; pos += 7) {
            memcpy(copy, lb, ll);
            copy[pos] ^= 0xa5;
            if (pos >= sizeof(xt_snap_header_t)
                && xt_snap_open(&t, copy, ll, XT_SNAP_KIND_LINES, &err) == 0)
            {
                all = 0;
            }
        }
        free(copy);
        CHECK(all);
    }

    /* lookups: every line found, misses miss, collisions happened */
    xt_snap_open(&ls, lb, ll, XT_SNAP_KIND_LINES, &err);

    l = xt_snap_line_find(&ls, (const unsigned char *) "demo", 4);
    CHECK(l != NULL && l->id == 1);
    CHECK(xt_snap_line_find(&ls, (const unsigned char *) "dem", 3) == NULL);
    CHECK(xt_snap_line_find(&ls, (const unsigned char *) "demo2", 5) == NULL);
    CHECK(xt_snap_line_find(&ls, (const unsigned char *) "", 0) == NULL);

    /* MAG boxes by mac */
    CHECK(ls.nline_macs == 2);
    l = xt_snap_line_by_mac(&ls, (const uint8_t *) "\x00\x1a\x79\0\0\x01");
    CHECK(l != NULL && l->id == 1);
    l = xt_snap_line_by_mac(&ls, (const uint8_t *) "\x00\x1a\x79\0\0\x05");
    CHECK(l != NULL && l->id == 5);
    CHECK(xt_snap_line_by_mac(&ls, (const uint8_t *) "\x00\x1a\x79\0\0\x02")
          == NULL);
    CHECK(xt_snap_line_by_mac(&ls, (const uint8_t *) "\xff\xff\xff\xff\xff"
                              "\xff") == NULL);

    found = 0;
    collisions = 0;
    mask = ls.nslots - 1;

    for (i = 0; i < 1000; i++) {
        snprintf(user, sizeof(user), "user%zu", i);
        l = xt_snap_line_find(&ls, (const unsigned char *) user,
                              strlen(user));
        if (l && l->id == 6 + i) {
            found++;
        }

        home = xt_snap_hash((const unsigned char *) user,
                            (uint32_t) strlen(user)) & mask;
        if (ls.line_index[home] != 6 + i) {
            collisions++;       /* lives in a later slot */
        }
    }

    CHECK(found == 1000);
    CHECK(collisions > 0);
    CHECK(xt_snap_line_find(&ls, (const unsigned char *) "user1000", 8)
          == NULL);

    /* by id (binary search) and the kick generation (fixture: i % 3) */
    l = xt_snap_line_by_id(&ls, 500);
    CHECK(l != NULL && l->id == 500);
    CHECK(l != NULL && xt_snap_line_kick(&ls, l) == 499 % 3);
    l = xt_snap_line_by_id(&ls, 1005);
    CHECK(l != NULL && xt_snap_line_kick(&ls, l) == 1004 % 3);
    CHECK(xt_snap_line_by_id(&ls, 0) == NULL);
    CHECK(xt_snap_line_by_id(&ls, 1006) == NULL);
    {
        xt_snap_t  nokick = ls;

        nokick.line_kicks = NULL;       /* a file written before kicks */
        CHECK(xt_snap_line_kick(&nokick, xt_snap_line_by_id(&ls, 2)) == 0);
    }

    xt_snap_open(&cs, cb, cl, XT_SNAP_KIND_CATALOG, &err);

    bq = xt_snap_bouquet_find(&cs, 2);
    CHECK(bq != NULL && bq->nlive == 2);
    CHECK(xt_snap_bouquet_find(&cs, 3) == NULL);
    CHECK(xt_snap_bouquet_find(&cs, 0) == NULL);
    CHECK(xt_snap_bouquet_find(&cs, 10) == NULL);

    lv = xt_snap_live_find(&cs, 3);
    CHECK(lv != NULL && lv->name.len == 8
          && memcmp(xt_snap_strp(&cs, lv->name), "News Two", 8) == 0);
    lv = xt_snap_live_find(&cs, 1009);
    CHECK(lv != NULL && lv->id == 1009);
    CHECK(xt_snap_live_find(&cs, 5) == NULL);
    CHECK(xt_snap_live_find(&cs, 0xffffffff) == NULL);

    st = xt_snap_setting_find(&cs, "server_name", 11);
    CHECK(st != NULL && st->value.len == 6);
    CHECK(xt_snap_setting_find(&cs, "server_nam", 10) == NULL);

    free(lb);
    free(cb);
}
