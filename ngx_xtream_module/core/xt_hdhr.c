/*
 * HDHomeRun documents.  lineup.json numbers channels 1, 2, ... in the
 * line's order (the "num" of get_live_streams), so GuideNumber, the
 * playlist's order and the player API agree.
 */

#include <stdio.h>
#include <string.h>

#include "xt_hdhr.h"
#include "xt_text.h"


enum {
    XT_HDHR_OPEN = 0,
    XT_HDHR_ENTRIES,
    XT_HDHR_CLOSE,
    XT_HDHR_DONE
};


/* libhdhomerun's check: odd nibbles through this table, even ones raw,
   all XORed, must give 0 */
static const uint8_t  xt_hdhr_check[16] = {
    0xa, 0x5, 0xf, 0x6, 0x7, 0xc, 0x1, 0xb,
    0x9, 0x2, 0x8, 0xd, 0x4, 0x3, 0xe, 0x0
};


static uint32_t
xt_hdhr_check_nibble(uint32_t id)
{
    uint32_t  x;

    x = xt_hdhr_check[(id >> 28) & 0xf] ^ ((id >> 24) & 0xf)
        ^ xt_hdhr_check[(id >> 20) & 0xf] ^ ((id >> 16) & 0xf)
        ^ xt_hdhr_check[(id >> 12) & 0xf] ^ ((id >> 8) & 0xf)
        ^ xt_hdhr_check[(id >> 4) & 0xf];

    return x;
}


int
xt_hdhr_device_id_valid(uint32_t id)
{
    return (xt_hdhr_check_nibble(id) ^ (id & 0xf)) == 0;
}


/* FNV-1a, 32 bits */
static uint32_t
xt_hdhr_fnv(uint32_t h, const void *p, size_t len)
{
    size_t          i;
    const uint8_t  *s = p;

    for (i = 0; i < len; i++) {
        h ^= s[i];
        h *= 16777619u;
    }

    return h;
}


static uint32_t
xt_hdhr_hash(const char *domain, uint32_t line_id, const char *user,
    size_t user_len)
{
    uint8_t   b[4];
    uint32_t  h;

    b[0] = (uint8_t) (line_id >> 24);
    b[1] = (uint8_t) (line_id >> 16);
    b[2] = (uint8_t) (line_id >> 8);
    b[3] = (uint8_t) line_id;

    h = xt_hdhr_fnv(2166136261u, domain, strlen(domain));
    h = xt_hdhr_fnv(h, b, 4);
    h = xt_hdhr_fnv(h, user, user_len);

    return h;
}


uint32_t
xt_hdhr_device_id(uint32_t line_id, const char *user, size_t user_len)
{
    uint32_t  id;

    id = xt_hdhr_hash("xtream-hdhr-id", line_id, user, user_len);

    /* 1xxxxxxx holds libhdhomerun's legacy models */
    if ((id >> 28) == 1) {
        id ^= 0x20000000;
    }

    id &= ~0xfu;

    return id | xt_hdhr_check_nibble(id);
}


size_t
xt_hdhr_path_segment(char *out, size_t cap, const char *in, size_t len)
{
    size_t         i, n;
    unsigned char  c;

    static const char  hex[] = "0123456789ABCDEF";

    n = 0;

    for (i = 0; i < len; i++) {
        c = (unsigned char) in[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
            || c == '~')
        {
            if (n + 1 > cap) {
                return 0;
            }
            out[n++] = (char) c;
            continue;
        }

        if (n + 3 > cap) {
            return 0;
        }

        out[n++] = '%';
        out[n++] = hex[c >> 4];
        out[n++] = hex[c & 0xf];
    }

    return n;
}


/* a name cut to XT_HDHR_NAME_MAX bytes at a character boundary, repaired
   and escaped for fmt ('j' JSON, 'x' XML); out holds 18 x NAME_MAX */
static size_t
xt_hdhr_text(char *out, const char *in, size_t len, int fmt)
{
    char  tmp[3 * XT_HDHR_NAME_MAX];

    if (len > XT_HDHR_NAME_MAX) {
        len = XT_HDHR_NAME_MAX;
        while (len > 0 && ((unsigned char) in[len] & 0xc0) == 0x80) {
            len--;
        }
    }

    /* names are nearly always clean: skip the copy then */
    if (!xt_utf8_clean((const unsigned char *) in, len)) {
        len = xt_utf8_replace_invalid(tmp, (const unsigned char *) in, len);
        in = tmp;
    }

    return fmt == 'j' ? xt_json_escape(out, in, len)
                      : xt_xml_escape(out, in, len);
}


static char *
xt_hdhr_cpy(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}


static char *
xt_hdhr_u32(char *p, uint32_t v)
{
    char    d[10];
    size_t  n;

    n = 0;
    do {
        d[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v);

    while (n) {
        *p++ = d[--n];
    }

    return p;
}


static void
xt_hdhr_auth(const xt_hdhr_dev_t *d, char out[25])
{
    uint32_t  a, b, c;

    a = xt_hdhr_hash("xtream-hdhr-auth-1", d->line_id, NULL, 0);
    b = xt_hdhr_hash("xtream-hdhr-auth-2", d->line_id, NULL, 0);
    c = xt_hdhr_hash("xtream-hdhr-auth-3", d->line_id, NULL, 0);

    snprintf(out, 25, "%08x%08x%08x", a, b, c);
}


size_t
xt_hdhr_discover(const xt_hdhr_dev_t *d, char *out, size_t cap)
{
    int    n;
    char   auth[25], name[18 * XT_HDHR_NAME_MAX], base[6 * XT_HDHR_URL_MAX];
    size_t name_len, base_len;

    if (d->base_url_len >= XT_HDHR_URL_MAX) {
        return 0;
    }

    xt_hdhr_auth(d, auth);
    name_len = xt_hdhr_text(name, d->name, d->name_len, 'j');
    base_len = xt_json_escape(base, d->base_url, d->base_url_len);

    n = snprintf(out, cap,
                 "{\"FriendlyName\":\"%.*s\",\"Manufacturer\":\"xtream\","
                 "\"ModelNumber\":\"HDHR4-2US\","
                 "\"FirmwareName\":\"hdhomerun4_atsc\","
                 "\"FirmwareVersion\":\"20240101\","
                 "\"DeviceID\":\"%08X\",\"DeviceAuth\":\"%s\","
                 "\"BaseURL\":\"%.*s\",\"LineupURL\":\"%.*s/lineup.json\","
                 "\"TunerCount\":%u}",
                 (int) name_len, name, d->device_id, auth,
                 (int) base_len, base, (int) base_len, base,
                 d->tuners ? d->tuners : XT_HDHR_TUNERS_UNLIMITED);

    return (n < 0 || (size_t) n >= cap) ? 0 : (size_t) n;
}


size_t
xt_hdhr_device_xml(const xt_hdhr_dev_t *d, char *out, size_t cap)
{
    int    n;
    char   name[18 * XT_HDHR_NAME_MAX], base[6 * XT_HDHR_URL_MAX];
    size_t name_len, base_len;

    if (d->base_url_len >= XT_HDHR_URL_MAX) {
        return 0;
    }

    name_len = xt_hdhr_text(name, d->name, d->name_len, 'x');
    base_len = xt_xml_escape(base, d->base_url, d->base_url_len);

    n = snprintf(out, cap,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<root xmlns=\"urn:schemas-upnp-org:device-1-0\">\n"
                 "<specVersion><major>1</major><minor>0</minor>"
                 "</specVersion>\n"
                 "<URLBase>%.*s</URLBase>\n"
                 "<device>\n"
                 "<deviceType>urn:schemas-upnp-org:device:MediaServer:1"
                 "</deviceType>\n"
                 "<friendlyName>%.*s</friendlyName>\n"
                 "<manufacturer>xtream</manufacturer>\n"
                 "<modelName>HDHR4-2US</modelName>\n"
                 "<modelNumber>HDHR4-2US</modelNumber>\n"
                 "<serialNumber>%08X</serialNumber>\n"
                 "<UDN>uuid:%08X-0000-4000-8000-000000000000</UDN>\n"
                 "</device>\n"
                 "</root>\n",
                 (int) base_len, base, (int) name_len, name, d->device_id,
                 d->device_id);

    return (n < 0 || (size_t) n >= cap) ? 0 : (size_t) n;
}


const char  xt_hdhr_lineup_status[] =
    "{\"ScanInProgress\":0,\"ScanPossible\":1,\"Source\":\"Cable\","
    "\"SourceList\":[\"Cable\"]}";


size_t
xt_hdhr_scratch_size(const xt_snap_t *cat)
{
    return xt_live_bitmap_size(cat);
}


int
xt_hdhr_lineup_init(xt_hdhr_lineup_t *l, const xt_snap_t *cat,
    const xt_snap_t *lines, const xt_snap_line_t *line,
    const char *stream_prefix, size_t prefix_len, void *scratch)
{
    if (prefix_len >= XT_HDHR_URL_MAX) {
        return -1;
    }

    l->cat = cat;
    l->lines = lines;
    l->line = line;
    /* JSON-escaped once here, not per channel */
    l->url_len = xt_json_escape(l->url, stream_prefix, prefix_len);
    l->seen = scratch;

    xt_hdhr_lineup_rewind(l);

    return 0;
}


void
xt_hdhr_lineup_rewind(xt_hdhr_lineup_t *l)
{
    l->phase = XT_HDHR_OPEN;
    l->num = 1;
}


/* one channel: ,{"GuideNumber":"N","GuideName":"...","URL":"...ID.ts"} */
static size_t
xt_hdhr_entry(xt_hdhr_lineup_t *l, char *out, const xt_snap_live_t *lv)
{
    char  *p;

#define XT_HDHR_S(s)  xt_hdhr_cpy(p, s, sizeof(s) - 1)

    p = out;

    if (l->num > 1) {
        *p++ = ',';
    }

    p = XT_HDHR_S("{\"GuideNumber\":\"");
    p = xt_hdhr_u32(p, l->num);
    p = XT_HDHR_S("\",\"GuideName\":\"");
    p += xt_hdhr_text(p, xt_snap_strp(l->cat, lv->name), lv->name.len, 'j');
    p = XT_HDHR_S("\",\"URL\":\"");
    p = xt_hdhr_cpy(p, l->url, l->url_len);
    p = xt_hdhr_u32(p, lv->id);
    p = XT_HDHR_S(".ts\"}");

#undef XT_HDHR_S

    return (size_t) (p - out);
}


int
xt_hdhr_lineup_next(void *data, xt_chunk_t *c)
{
    xt_hdhr_lineup_t *l = data;

    uint32_t  idx;

    c->gen = l->gen;
    c->gen_len = 0;
    c->frag = NULL;
    c->frag_len = 0;

    switch (l->phase) {

    case XT_HDHR_OPEN:
        xt_title_iter_init(&l->it, XT_TITLE_LIVE, l->cat, l->lines, l->line,
                           l->seen);
        l->phase = XT_HDHR_ENTRIES;
        l->gen[0] = '[';
        c->gen_len = 1;
        return 1;

    case XT_HDHR_ENTRIES:
        if (xt_title_iter_next(&l->it, &idx)) {
            c->gen_len = xt_hdhr_entry(l, l->gen, &l->cat->live[idx]);
            l->num++;
            return 1;
        }

        /* fall through */

    case XT_HDHR_CLOSE:
        l->phase = XT_HDHR_DONE;
        l->gen[0] = ']';
        c->gen_len = 1;
        return 1;

    default:
        return 0;
    }
}


uint64_t
xt_hdhr_lineup_size(xt_hdhr_lineup_t *l)
{
    uint64_t    total;
    xt_chunk_t  c;

    total = 0;

    xt_hdhr_lineup_rewind(l);

    while (xt_hdhr_lineup_next(l, &c) == 1) {
        total += c.gen_len;
    }

    xt_hdhr_lineup_rewind(l);

    return total;
}
