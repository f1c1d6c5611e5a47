/*
 * Snapshot reader (xt_snapshot.c) on corrupt and truncated files.
 *
 * Input: byte 0 picks the kind (lines, catalog, epg), byte 1 bit 0 asks
 * for the header's file_size and CRC-32 to be fixed up after mutation (so
 * that the structure checks behind the checksum are reached, as a writer
 * bug would reach them), the rest is the file.  A snapshot that opens is
 * then read through every lookup the module uses: validation promises
 * that nothing they touch lies outside the file.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "xt_snapshot.h"


static volatile unsigned  sink;


static void
touch(const xt_snap_t *s, xt_snap_str_t str)
{
    const char  *p = xt_snap_strp(s, str);
    uint32_t     i;

    assert(str.off <= s->strings_len && str.len <= s->strings_len - str.off);
    for (i = 0; i < str.len; i++) {
        sink += (unsigned char) p[i];
    }
}


static void
read_lines(const xt_snap_t *s)
{
    uint32_t               i, j;
    const xt_snap_line_t  *l;

    for (i = 0; i < s->nlines; i++) {
        l = &s->lines[i];
        touch(s, l->username);
        touch(s, l->message);
        touch(s, l->allowed_ips);
        touch(s, l->allowed_uas);
        for (j = 0; j < l->nbouquets; j++) {
            sink += s->u32[l->bouquets + j];
        }
        /* found or not (a CRC-valid file may still have an index that
           does not match its names: a writer bug, not a memory one) */
        (void) xt_snap_line_find(s, (const unsigned char *)
                                 xt_snap_strp(s, l->username),
                                 l->username.len);
    }

    (void) xt_snap_line_find(s, (const unsigned char *) "demo", 4);
    (void) xt_snap_line_find(s, (const unsigned char *) "", 0);
}


static void
read_catalog(const xt_snap_t *s)
{
    uint32_t                  i, j;
    const xt_snap_bouquet_t  *b;

    for (i = 0; i < s->nsettings; i++) {
        touch(s, s->settings[i].key);
        touch(s, s->settings[i].value);
        (void) xt_snap_setting_find(s, xt_snap_strp(s, s->settings[i].key),
                                    s->settings[i].key.len);
    }

    for (i = 0; i < s->ncategories; i++) {
        touch(s, s->categories[i].name);
        touch(s, s->categories[i].json);
    }

    for (i = 0; i < s->nbouquets; i++) {
        b = &s->bouquets[i];
        assert(xt_snap_bouquet_find(s, b->id) == b);
        for (j = 0; j < b->nlive; j++) {
            touch(s, s->live[s->u32[b->live + j]].name);
        }
        for (j = 0; j < b->nmovies; j++) {
            touch(s, s->movies[s->u32[b->movies + j]].name);
        }
        for (j = 0; j < b->nseries; j++) {
            touch(s, s->series[s->u32[b->series + j]].name);
        }
    }

    for (i = 0; i < s->nlive; i++) {
        assert(xt_snap_live_find(s, s->live[i].id) == &s->live[i]);
        touch(s, s->live[i].json);
        touch(s, s->live[i].key_hash);
        touch(s, s->live[i].epg_channel_id);
        if (s->live_m3u) {
            touch(s, s->live_m3u[i]);
        }
    }

    for (i = 0; i < s->nmovies; i++) {
        assert(xt_snap_movie_find(s, s->movies[i].id) == &s->movies[i]);
        touch(s, s->movies[i].info_json);
        touch(s, s->movies[i].path);
        touch(s, s->movies[i].m3u);
    }

    for (i = 0; i < s->nseries; i++) {
        assert(xt_snap_series_find(s, s->series[i].id) == &s->series[i]);
        touch(s, s->series[i].info_json);
    }

    for (i = 0; i < s->nepisodes; i++) {
        assert(xt_snap_episode_find(s, s->episodes[i].id)
               == &s->episodes[i]);
        touch(s, s->episodes[i].path);
        touch(s, s->episodes[i].m3u);
    }

    for (i = 0; i < s->nservers; i++) {
        assert(xt_snap_server_find(s, s->servers[i].id) == &s->servers[i]);
        touch(s, s->servers[i].host);
    }

    (void) xt_snap_server_main(s);
    (void) xt_snap_setting_find(s, "timezone", 8);
}


static void
read_epg(const xt_snap_t *s)
{
    uint32_t                      i, j;
    const xt_snap_epg_channel_t  *ch;

    for (i = 0; i < s->nepg_channels; i++) {
        ch = &s->epg_channels[i];
        touch(s, ch->display_name);
        touch(s, ch->icon);
        assert(xt_snap_epg_channel_find(s, xt_snap_strp(s, ch->id),
                                        ch->id.len) == ch);
        for (j = ch->first; j < ch->first + ch->count; j++) {
            touch(s, s->epg_progs[j].title);
            touch(s, s->epg_progs[j].description);
        }
    }

    (void) xt_snap_epg_channel_find(s, "ch1.uk", 6);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t           kind;
    size_t             len;
    xt_snap_t          s;
    const char        *err = NULL;
    unsigned char     *buf;
    xt_snap_header_t  *h;

    if (size < 2) {
        return 0;
    }

    kind = (uint32_t) (data[0] % 3) + 1;
    len = size - 2;

    /* mapped files are page-aligned; malloc gives the 8 the format needs */
    buf = malloc(len ? len : 1);
    assert(buf != NULL);
    memcpy(buf, data + 2, len);

    if ((data[1] & 1) && len >= sizeof(xt_snap_header_t)) {
        h = (xt_snap_header_t *) buf;
        h->file_size = len;
        h->checksum = (uint32_t) crc32(crc32(0L, Z_NULL, 0),
                                       buf + sizeof(xt_snap_header_t),
                                       (uInt) (len
                                               - sizeof(xt_snap_header_t)));
    }

    if (xt_snap_open(&s, buf, len, kind, &err) != 0) {
        assert(err != NULL);

    } else if (kind == XT_SNAP_KIND_LINES) {
        read_lines(&s);

    } else if (kind == XT_SNAP_KIND_CATALOG) {
        read_catalog(&s);

    } else {
        read_epg(&s);
    }

    free(buf);
    return 0;
}
