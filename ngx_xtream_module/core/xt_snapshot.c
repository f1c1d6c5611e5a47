/*
 * Snapshot validation and lookups.  A snapshot comes from another process
 * and may be truncated, stale or corrupt: every offset, count and string
 * reference is checked once here, so lookups can trust them afterwards.
 */

#include <string.h>
#include <zlib.h>

#include "xt_snapshot.h"


#define XT_FAIL(msg)  do { *err = (msg); return -1; } while (0)


static uint32_t
xt_snap_crc(const unsigned char *p, size_t len)
{
    uLong   crc;
    size_t  n;

    crc = crc32(0L, Z_NULL, 0);

    /* zlib takes uInt lengths: feed large files in chunks */
    while (len) {
        n = len > 0x40000000 ? 0x40000000 : len;
        crc = crc32(crc, p, (uInt) n);
        p += n;
        len -= n;
    }

    return (uint32_t) crc;
}


static int
xt_str_ok(const xt_snap_t *s, xt_snap_str_t str)
{
    return str.off <= s->strings_len && str.len <= s->strings_len - str.off;
}


/* a pre-rendered JSON object we splice: must be at least "{}" */
static int
xt_obj_ok(const xt_snap_t *s, xt_snap_str_t str)
{
    const char  *p;

    if (!xt_str_ok(s, str) || str.len < 2) {
        return 0;
    }

    p = xt_snap_strp(s, str);

    return p[0] == '{' && p[str.len - 1] == '}';
}


static int
xt_u32_ok(const xt_snap_t *s, uint32_t idx, uint32_t n)
{
    return idx <= s->nu32 && n <= s->nu32 - idx;
}


/* every value of a U32 list must index a record array of count entries */
static int
xt_u32_list_ok(const xt_snap_t *s, uint32_t idx, uint32_t n, uint32_t count)
{
    uint32_t  i;

    if (!xt_u32_ok(s, idx, n)) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        if (s->u32[idx + i] >= count) {
            return 0;
        }
    }

    return 1;
}


/* a record section: count records of recsize bytes, exactly */
static int
xt_records(const xt_snap_t *s, const xt_snap_section_t *sec, size_t recsize,
    const void **out, uint32_t *count)
{
    if (sec == NULL) {
        *out = NULL;
        *count = 0;
        return 0;
    }

    if (sec->size / recsize < sec->count
        || sec->size != (uint64_t) sec->count * recsize)
    {
        return -1;
    }

    *out = s->base + sec->offset;
    *count = sec->count;

    return 0;
}


static int
xt_check_lines(xt_snap_t *s, const char **err)
{
    uint32_t               i, v;
    const xt_snap_line_t  *l;

    for (i = 0; i < s->nlines; i++) {
        l = &s->lines[i];

        if (i > 0 && l->id <= s->lines[i - 1].id) {
            XT_FAIL("lines not sorted by id");
        }

        if (!xt_str_ok(s, l->username) || !xt_str_ok(s, l->message)
            || !xt_str_ok(s, l->allowed_ips) || !xt_str_ok(s, l->allowed_uas))
        {
            XT_FAIL("line string out of bounds");
        }

        if (!xt_u32_ok(s, l->bouquets, l->nbouquets)) {
            XT_FAIL("line bouquet list out of bounds");
        }
    }

    if (s->nlines == 0) {
        return 0;
    }

    /* power of two, at least twice the lines: probing always ends */
    if (s->nslots < 2 * (uint64_t) s->nlines
        || (s->nslots & (s->nslots - 1)) != 0)
    {
        XT_FAIL("bad line index size");
    }

    for (i = 0; i < s->nslots; i++) {
        v = s->line_index[i];
        if (v > s->nlines) {
            XT_FAIL("line index slot out of bounds");
        }
    }

    return 0;
}


static int
xt_check_catalog(xt_snap_t *s, const char **err)
{
    uint32_t                   i;
    const xt_snap_live_t      *lv;
    const xt_snap_movie_t     *mv;
    const xt_snap_series_t    *se;
    const xt_snap_server_t    *sv;
    const xt_snap_episode_t   *ep;
    const xt_snap_bouquet_t   *b;
    const xt_snap_setting_t   *st;
    const xt_snap_category_t  *c;

    for (i = 0; i < s->nsettings; i++) {
        st = &s->settings[i];
        if (!xt_str_ok(s, st->key) || !xt_str_ok(s, st->value)) {
            XT_FAIL("setting string out of bounds");
        }
    }

    for (i = 0; i < s->ncategories; i++) {
        c = &s->categories[i];
        if (!xt_str_ok(s, c->name) || !xt_obj_ok(s, c->json)) {
            XT_FAIL("category string out of bounds");
        }
    }

    for (i = 0; i < s->nbouquets; i++) {
        b = &s->bouquets[i];

        if (i > 0 && b->id <= s->bouquets[i - 1].id) {
            XT_FAIL("bouquets not sorted by id");
        }

        if (!xt_u32_list_ok(s, b->live, b->nlive, s->nlive)
            || !xt_u32_list_ok(s, b->movies, b->nmovies, s->nmovies)
            || !xt_u32_list_ok(s, b->series, b->nseries, s->nseries))
        {
            XT_FAIL("bouquet list out of bounds");
        }
    }

    for (i = 0; i < s->nlive; i++) {
        lv = &s->live[i];

        if (i > 0 && lv->id <= s->live[i - 1].id) {
            XT_FAIL("live streams not sorted by id");
        }

        if (!xt_str_ok(s, lv->name) || !xt_str_ok(s, lv->icon)
            || !xt_str_ok(s, lv->epg_channel_id)
            || !xt_str_ok(s, lv->category_name)
            || !xt_obj_ok(s, lv->json) || !xt_str_ok(s, lv->key_hash))
        {
            XT_FAIL("live string out of bounds");
        }

        if (s->live_m3u && !xt_str_ok(s, s->live_m3u[i])) {
            XT_FAIL("live m3u string out of bounds");
        }
    }

    for (i = 0; i < s->nmovies; i++) {
        mv = &s->movies[i];

        if (i > 0 && mv->id <= s->movies[i - 1].id) {
            XT_FAIL("movies not sorted by id");
        }

        if (!xt_str_ok(s, mv->name) || !xt_str_ok(s, mv->icon)
            || !xt_str_ok(s, mv->ext) || !xt_str_ok(s, mv->path)
            || !xt_str_ok(s, mv->category_name) || !xt_obj_ok(s, mv->json)
            || !xt_obj_ok(s, mv->info_json) || !xt_str_ok(s, mv->m3u))
        {
            XT_FAIL("movie string out of bounds");
        }
    }

    for (i = 0; i < s->nseries; i++) {
        se = &s->series[i];

        if (i > 0 && se->id <= s->series[i - 1].id) {
            XT_FAIL("series not sorted by id");
        }

        if (!xt_str_ok(s, se->name) || !xt_str_ok(s, se->cover)
            || !xt_str_ok(s, se->category_name) || !xt_obj_ok(s, se->json)
            || !xt_obj_ok(s, se->info_json))
        {
            XT_FAIL("series string out of bounds");
        }
    }

    for (i = 0; i < s->nepisodes; i++) {
        ep = &s->episodes[i];

        if (i > 0 && ep->id <= s->episodes[i - 1].id) {
            XT_FAIL("episodes not sorted by id");
        }

        if (!xt_str_ok(s, ep->title) || !xt_str_ok(s, ep->ext)
            || !xt_str_ok(s, ep->path) || !xt_str_ok(s, ep->m3u))
        {
            XT_FAIL("episode string out of bounds");
        }
    }

    for (i = 0; i < s->nservers; i++) {
        sv = &s->servers[i];

        if (i > 0 && sv->id <= s->servers[i - 1].id) {
            XT_FAIL("servers not sorted by id");
        }

        if (!xt_str_ok(s, sv->name) || !xt_str_ok(s, sv->host)) {
            XT_FAIL("server string out of bounds");
        }
    }

    return 0;
}


static int
xt_str_cmp(const xt_snap_t *s, xt_snap_str_t a, const char *b, size_t blen)
{
    int     c;
    size_t  m;

    m = a.len < blen ? a.len : blen;
    c = m ? memcmp(xt_snap_strp(s, a), b, m) : 0;

    if (c == 0) {
        c = (a.len > blen) - (a.len < blen);
    }

    return c;
}


static int
xt_check_epg(xt_snap_t *s, const char **err)
{
    uint32_t                      i, j, end;
    const xt_snap_epg_prog_t     *pg;
    const xt_snap_epg_channel_t  *ch;

    for (i = 0; i < s->nepg_channels; i++) {
        ch = &s->epg_channels[i];

        if (!xt_str_ok(s, ch->id) || !xt_str_ok(s, ch->display_name)
            || !xt_str_ok(s, ch->icon))
        {
            XT_FAIL("epg channel string out of bounds");
        }

        if (i > 0
            && xt_str_cmp(s, s->epg_channels[i - 1].id,
                          xt_snap_strp(s, ch->id), ch->id.len) >= 0)
        {
            XT_FAIL("epg channels not sorted by id");
        }

        if (ch->first > s->nepg_progs
            || ch->count > s->nepg_progs - ch->first)
        {
            XT_FAIL("epg channel programmes out of bounds");
        }

        /* a channel's run is sorted by start: row selection bisects it */
        end = ch->first + ch->count;

        for (j = ch->first; j < end; j++) {
            pg = &s->epg_progs[j];

            if (pg->channel != i) {
                XT_FAIL("epg programme in another channel's run");
            }

            if (j > ch->first && pg->start < s->epg_progs[j - 1].start) {
                XT_FAIL("epg programmes not sorted by start");
            }
        }
    }

    for (i = 0; i < s->nepg_progs; i++) {
        pg = &s->epg_progs[i];

        if (pg->channel >= s->nepg_channels) {
            XT_FAIL("epg programme channel out of bounds");
        }

        if (!xt_str_ok(s, pg->title) || !xt_str_ok(s, pg->description)
            || !xt_str_ok(s, pg->lang)
            || (s->epg_extra
                && (!xt_str_ok(s, s->epg_extra[i].sub_title)
                    || !xt_str_ok(s, s->epg_extra[i].xml))))
        {
            XT_FAIL("epg programme string out of bounds");
        }
    }

    return 0;
}


int
xt_snap_open(xt_snap_t *s, const void *buf, size_t size, uint32_t kind,
    const char **err)
{
    uint32_t                  i, j, n;
    const void               *p;
    const xt_snap_header_t   *h;
    const xt_snap_section_t  *sec, *byid[XT_SEC_EPG_EXTRA + 1];

    memset(s, 0, sizeof(xt_snap_t));
    memset(byid, 0, sizeof(byid));

    if (buf == NULL || size < sizeof(xt_snap_header_t)) {
        XT_FAIL("file shorter than the header");
    }

    h = buf;

    if (memcmp(h->magic, XT_SNAP_MAGIC, XT_SNAP_MAGIC_LEN) != 0) {
        XT_FAIL("bad magic");
    }

    if (h->version != XT_SNAP_VERSION) {
        XT_FAIL("unsupported version");
    }

    if (h->kind != kind) {
        XT_FAIL("wrong kind");
    }

    if (h->file_size != size) {
        XT_FAIL("file size does not match the header (truncated?)");
    }

    if (h->nsections > XT_SNAP_MAX_SECTIONS) {
        XT_FAIL("too many sections");
    }

    if (xt_snap_crc((const unsigned char *) buf + sizeof(xt_snap_header_t),
                    size - sizeof(xt_snap_header_t))
        != h->checksum)
    {
        XT_FAIL("checksum mismatch");
    }

    s->base = buf;
    s->size = size;
    s->hdr = h;

    for (i = 0; i < h->nsections; i++) {
        sec = &h->sections[i];

        if (sec->offset < sizeof(xt_snap_header_t) || sec->offset > size
            || sec->size > size - sec->offset || (sec->offset & 7) != 0)
        {
            XT_FAIL("section out of bounds");
        }

        for (j = 0; j < i; j++) {
            if (h->sections[j].id == sec->id) {
                XT_FAIL("duplicate section");
            }
        }

        /* unknown ids are skipped: the format may grow by appending */
        if (sec->id < sizeof(byid) / sizeof(byid[0])) {
            byid[sec->id] = sec;
        }
    }

    sec = byid[XT_SEC_STRINGS];
    s->strings = "";

    if (sec != NULL) {
        if (sec->size > UINT32_MAX) {
            XT_FAIL("strings section too large");
        }
        s->strings = (const char *) s->base + sec->offset;
        s->strings_len = (uint32_t) sec->size;
    }

    if (xt_records(s, byid[XT_SEC_U32], sizeof(uint32_t), &p, &s->nu32)
        != 0)
    {
        XT_FAIL("bad U32 section size");
    }
    s->u32 = p;

    if (kind == XT_SNAP_KIND_LINES) {
        if (xt_records(s, byid[XT_SEC_LINES], sizeof(xt_snap_line_t), &p,
                       &s->nlines) != 0)
        {
            XT_FAIL("bad LINES section size");
        }
        s->lines = p;

        if (xt_records(s, byid[XT_SEC_LINE_INDEX], sizeof(uint32_t), &p,
                       &s->nslots) != 0)
        {
            XT_FAIL("bad LINE_INDEX section size");
        }
        s->line_index = p;

        if (xt_records(s, byid[XT_SEC_LINE_KICKS], sizeof(uint32_t), &p, &n)
            != 0
            || (p != NULL && n != s->nlines))
        {
            XT_FAIL("bad LINE_KICKS section size");
        }
        s->line_kicks = p;

        if (xt_records(s, byid[XT_SEC_LINE_MACS],
                       sizeof(xt_snap_line_mac_t), &p, &n)
            != 0)
        {
            XT_FAIL("bad LINE_MACS section size");
        }
        s->line_macs = p;
        s->nline_macs = p ? n : 0;

        for (n = 0; n < s->nline_macs; n++) {
            if (s->line_macs[n].line >= s->nlines
                || (n > 0 && memcmp(s->line_macs[n - 1].mac,
                                    s->line_macs[n].mac, 6) >= 0))
            {
                XT_FAIL("LINE_MACS not sorted or a bad line index");
            }
        }

        return xt_check_lines(s, err);
    }

    if (kind == XT_SNAP_KIND_CATALOG) {
        if (xt_records(s, byid[XT_SEC_SETTINGS], sizeof(xt_snap_setting_t),
                       &p, &s->nsettings) != 0)
        {
            XT_FAIL("bad SETTINGS section size");
        }
        s->settings = p;

        if (xt_records(s, byid[XT_SEC_CATEGORIES],
                       sizeof(xt_snap_category_t), &p, &s->ncategories)
            != 0)
        {
            XT_FAIL("bad CATEGORIES section size");
        }
        s->categories = p;

        if (xt_records(s, byid[XT_SEC_BOUQUETS], sizeof(xt_snap_bouquet_t),
                       &p, &s->nbouquets) != 0)
        {
            XT_FAIL("bad BOUQUETS section size");
        }
        s->bouquets = p;

        if (xt_records(s, byid[XT_SEC_LIVE], sizeof(xt_snap_live_t), &p,
                       &s->nlive) != 0)
        {
            XT_FAIL("bad LIVE section size");
        }
        s->live = p;

        if (xt_records(s, byid[XT_SEC_LIVE_M3U], sizeof(xt_snap_str_t), &p,
                       &n) != 0
            || (p != NULL && n != s->nlive))
        {
            XT_FAIL("bad LIVE_M3U section size");
        }
        s->live_m3u = p;

        if (xt_records(s, byid[XT_SEC_MOVIES], sizeof(xt_snap_movie_t), &p,
                       &s->nmovies) != 0)
        {
            XT_FAIL("bad MOVIES section size");
        }
        s->movies = p;

        if (xt_records(s, byid[XT_SEC_SERIES], sizeof(xt_snap_series_t), &p,
                       &s->nseries) != 0)
        {
            XT_FAIL("bad SERIES section size");
        }
        s->series = p;

        if (xt_records(s, byid[XT_SEC_EPISODES], sizeof(xt_snap_episode_t),
                       &p, &s->nepisodes) != 0)
        {
            XT_FAIL("bad EPISODES section size");
        }
        s->episodes = p;

        if (xt_records(s, byid[XT_SEC_SERVERS], sizeof(xt_snap_server_t), &p,
                       &s->nservers) != 0)
        {
            XT_FAIL("bad SERVERS section size");
        }
        s->servers = p;

        return xt_check_catalog(s, err);
    }

    if (kind == XT_SNAP_KIND_EPG) {
        if (xt_records(s, byid[XT_SEC_EPG_CHANNELS],
                       sizeof(xt_snap_epg_channel_t), &p, &s->nepg_channels)
            != 0)
        {
            XT_FAIL("bad EPG_CHANNELS section size");
        }
        s->epg_channels = p;

        if (xt_records(s, byid[XT_SEC_EPG_PROGS], sizeof(xt_snap_epg_prog_t),
                       &p, &s->nepg_progs) != 0)
        {
            XT_FAIL("bad EPG_PROGS section size");
        }
        s->epg_progs = p;

        if (xt_records(s, byid[XT_SEC_EPG_EXTRA], sizeof(xt_snap_epg_extra_t),
                       &p, &n) != 0
            || (p != NULL && n != s->nepg_progs))
        {
            XT_FAIL("bad EPG_EXTRA section size");
        }
        s->epg_extra = p;

        return xt_check_epg(s, err);
    }

    return 0;
}


const xt_snap_line_t *
xt_snap_line_find(const xt_snap_t *s, const unsigned char *name, size_t len)
{
    uint32_t               mask, slot, n, v;
    const xt_snap_line_t  *l;

    if (s->nlines == 0 || len > UINT32_MAX) {
        return NULL;
    }

    mask = s->nslots - 1;
    slot = xt_snap_hash(name, (uint32_t) len) & mask;

    for (n = 0; n < s->nslots; n++) {
        v = s->line_index[slot];
        if (v == 0) {
            return NULL;
        }

        l = &s->lines[v - 1];
        if (l->username.len == len
            && memcmp(xt_snap_strp(s, l->username), name, len) == 0)
        {
            return l;
        }

        slot = (slot + 1) & mask;
    }

    return NULL;
}


/* binary search over records sorted by a leading uint32_t id */
static const void *
xt_find_by_id(const void *base, uint32_t n, size_t recsize, uint32_t id)
{
    uint32_t        lo, hi, mid, v;
    const uint8_t  *p;

    lo = 0;
    hi = n;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        p = (const uint8_t *) base + (size_t) mid * recsize;
        memcpy(&v, p, sizeof(uint32_t));

        if (v == id) {
            return p;
        }

        if (v < id) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return NULL;
}


const xt_snap_bouquet_t *
xt_snap_bouquet_find(const xt_snap_t *s, uint32_t id)
{
    return xt_find_by_id(s->bouquets, s->nbouquets,
                         sizeof(xt_snap_bouquet_t), id);
}


const xt_snap_live_t *
xt_snap_live_find(const xt_snap_t *s, uint32_t id)
{
    return xt_find_by_id(s->live, s->nlive, sizeof(xt_snap_live_t), id);
}


const xt_snap_setting_t *
xt_snap_setting_find(const xt_snap_t *s, const char *key, size_t len)
{
    int                       c;
    size_t                    m;
    uint32_t                  lo, hi, mid;
    const xt_snap_setting_t  *st;

    lo = 0;
    hi = s->nsettings;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        st = &s->settings[mid];

        m = st->key.len < len ? st->key.len : len;
        c = memcmp(xt_snap_strp(s, st->key), key, m);
        if (c == 0) {
            c = (st->key.len > len) - (st->key.len < len);
        }

        if (c == 0) {
            return st;
        }

        if (c < 0) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return NULL;
}


const xt_snap_movie_t *
xt_snap_movie_find(const xt_snap_t *s, uint32_t id)
{
    return xt_find_by_id(s->movies, s->nmovies, sizeof(xt_snap_movie_t), id);
}


const xt_snap_series_t *
xt_snap_series_find(const xt_snap_t *s, uint32_t id)
{
    return xt_find_by_id(s->series, s->nseries, sizeof(xt_snap_series_t),
                         id);
}


const xt_snap_episode_t *
xt_snap_episode_find(const xt_snap_t *s, uint32_t id)
{
    return xt_find_by_id(s->episodes, s->nepisodes,
                         sizeof(xt_snap_episode_t), id);
}


const xt_snap_server_t *
xt_snap_server_find(const xt_snap_t *s, uint32_t id)
{
    return xt_find_by_id(s->servers, s->nservers, sizeof(xt_snap_server_t),
                         id);
}


const xt_snap_server_t *
xt_snap_server_main(const xt_snap_t *s)
{
    uint32_t  i;

    for (i = 0; i < s->nservers; i++) {
        if (s->servers[i].is_main) {
            return &s->servers[i];
        }
    }

    return NULL;
}


const xt_snap_epg_channel_t *
xt_snap_epg_channel_find(const xt_snap_t *s, const char *id, size_t len)
{
    int                           c;
    uint32_t                      lo, hi, mid;
    const xt_snap_epg_channel_t  *ch;

    lo = 0;
    hi = s->nepg_channels;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        ch = &s->epg_channels[mid];

        c = xt_str_cmp(s, ch->id, id, len);

        if (c == 0) {
            return ch;
        }

        if (c < 0) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return NULL;
}


const xt_snap_line_t *
xt_snap_line_by_id(const xt_snap_t *s, uint32_t id)
{
    uint32_t  lo = 0, hi = s->nlines, mid;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        if (s->lines[mid].id == id) {
            return &s->lines[mid];
        }

        if (s->lines[mid].id < id) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return NULL;
}


const xt_snap_line_t *
xt_snap_line_by_mac(const xt_snap_t *s, const uint8_t mac[6])
{
    int       c;
    uint32_t  lo, hi, mid;

    lo = 0;
    hi = s->nline_macs;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        c = memcmp(s->line_macs[mid].mac, mac, 6);

        if (c == 0) {
            return &s->lines[s->line_macs[mid].line];
        }

        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }

    return NULL;
}


uint32_t
xt_snap_line_kick(const xt_snap_t *s, const xt_snap_line_t *l)
{
    if (s->line_kicks == NULL || l < s->lines || l >= s->lines + s->nlines) {
        return 0;
    }

    return s->line_kicks[l - s->lines];
}
