/*
 * Builds fixture snapshots through the real writer API.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_snap_writer.h"
#include "xt_password.h"
#include "xt_fixture.h"


typedef struct {
    const char  *user;
    const char  *pass;
    uint32_t     status;
    int64_t      exp;
    uint32_t     flags;
    uint32_t     outputs;
    uint32_t     nb;
    uint32_t     b[2];
} xt_fix_line_t;


static const xt_fix_line_t  xt_fix_lines_def[] = {
    { "demo", "demo-pass", XT_LINE_ACTIVE, 0, 0, XT_OUT_TS | XT_OUT_M3U8,
      2, { 2, 1 } },
    { "expired", "pw1", XT_LINE_ACTIVE, 1600000000, 0, XT_OUT_TS, 1, { 1 } },
    { "banned", "pw2", XT_LINE_BANNED, 0, 0, XT_OUT_TS, 1, { 1 } },
    { "disabled", "pw3", XT_LINE_DISABLED, 0, 0, XT_OUT_TS, 1, { 1 } },
    { "trial", "pw4", XT_LINE_ACTIVE, 4102444800, XT_LINE_TRIAL,
      XT_OUT_TS | XT_OUT_M3U8 | XT_OUT_RTMP, 2, { 9, 1 } },
};

#define XT_FIX_NLINES  (sizeof(xt_fix_lines_def) / sizeof(xt_fix_lines_def[0]))


static void
xt_fix_line(xt_snap_writer_t *w, xt_snap_line_t *l, uint32_t id,
    const char *user, const char *pass, const xt_fix_line_t *d)
{
    uint32_t  i;

    memset(l, 0, sizeof(*l));
    l->id = id;
    l->status = d->status;
    l->exp_date = d->exp;
    l->created_at = XT_FIX_NOW - 86400;
    l->max_connections = 1;
    l->flags = d->flags;
    l->outputs = d->outputs;
    l->nbouquets = d->nb;
    l->bouquets = xt_snap_writer_u32(w, d->b, d->nb);

    for (i = 0; i < XT_SALT_LEN; i++) {
        l->salt[i] = (uint8_t) (id * 31 + i);
    }
    xt_password_hash(l->salt, (const unsigned char *) pass, strlen(pass),
                     l->hash);

    l->username = xt_snap_writer_str(w, user, strlen(user));
    l->message = xt_snap_writer_str(w, "Welcome / hi", 12);
}


int
xt_fix_lines(size_t extra, void **buf, size_t *len)
{
    int                 rc;
    char                user[32], pass[32];
    size_t              i, n, nslots;
    uint32_t           *slots, *kicks, h;
    xt_snap_line_mac_t  macs[2];
    xt_snap_line_t     *lines;
    xt_fix_line_t       bulk = { NULL, NULL, XT_LINE_ACTIVE, 0, 0,
                                 XT_OUT_TS, 1, { 1 } };
    xt_snap_writer_t   *w;

    n = XT_FIX_NLINES + extra;
    nslots = 4;
    while (nslots < 2 * n) {
        nslots *= 2;
    }

    w = xt_snap_writer_new(XT_SNAP_KIND_LINES, 1);
    lines = calloc(n, sizeof(xt_snap_line_t));
    slots = calloc(nslots, sizeof(uint32_t));

    for (i = 0; i < n; i++) {
        if (i < XT_FIX_NLINES) {
            xt_fix_line(w, &lines[i], (uint32_t) i + 1,
                        xt_fix_lines_def[i].user, xt_fix_lines_def[i].pass,
                        &xt_fix_lines_def[i]);
        } else {
            snprintf(user, sizeof(user), "user%zu", i - XT_FIX_NLINES);
            snprintf(pass, sizeof(pass), "pass%zu", i - XT_FIX_NLINES);
            xt_fix_line(w, &lines[i], (uint32_t) i + 1, user, pass, &bulk);
        }
    }

    for (i = 0; i < n; i++) {
        if (i < XT_FIX_NLINES) {
            snprintf(user, sizeof(user), "%s", xt_fix_lines_def[i].user);
        } else {
            snprintf(user, sizeof(user), "user%zu", i - XT_FIX_NLINES);
        }

        h = xt_snap_hash((const unsigned char *) user,
                         (uint32_t) strlen(user)) & (uint32_t) (nslots - 1);
        while (slots[h] != 0) {
            h = (h + 1) & (uint32_t) (nslots - 1);
        }
        slots[h] = (uint32_t) i + 1;
    }

    /* MAG boxes: demo 00:1A:79:00:00:01, trial 00:1A:79:00:00:05 */
    memset(macs, 0, sizeof(macs));
    memcpy(macs[0].mac, "\x00\x1a\x79\x00\x00\x01", 6);
    macs[0].line = 0;
    memcpy(macs[1].mac, "\x00\x1a\x79\x00\x00\x05", 6);
    macs[1].line = 4;

    /* kick generations (admin "kill"): line i has i % 3 */
    kicks = calloc(n ? n : 1, sizeof(uint32_t));
    for (i = 0; kicks && i < n; i++) {
        kicks[i] = (uint32_t) (i % 3);
    }

    rc = kicks == NULL
         || xt_snap_writer_section(w, XT_SEC_LINES, (uint32_t) n, lines,
                                   n * sizeof(xt_snap_line_t)) != 0
         || xt_snap_writer_section(w, XT_SEC_LINE_INDEX, (uint32_t) nslots,
                                   slots, nslots * sizeof(uint32_t)) != 0
         || xt_snap_writer_section(w, XT_SEC_LINE_KICKS, (uint32_t) n,
                                   kicks, n * sizeof(uint32_t)) != 0
         || xt_snap_writer_section(w, XT_SEC_LINE_MACS, 2, macs,
                                   sizeof(macs)) != 0
         || xt_snap_writer_finish(w, buf, len) != 0 ? -1 : 0;

    free(kicks);
    free(lines);
    free(slots);
    xt_snap_writer_free(w);

    return rc;
}


static void
xt_fix_live(xt_snap_writer_t *w, xt_snap_live_t *lv, uint32_t id,
    uint32_t cat, const char *name, const char *catname)
{
    int   n;
    char  json[512], epg[32];

    memset(lv, 0, sizeof(*lv));
    lv->id = id;
    lv->category_id = cat;

    snprintf(epg, sizeof(epg), "ch%u.uk", (unsigned) id);

    n = snprintf(json, sizeof(json),
                 "{\"name\":\"%s\",\"stream_type\":\"live\","
                 "\"stream_id\":%u,\"stream_icon\":\"\","
                 "\"epg_channel_id\":\"%s\",\"added\":\"1700000000\","
                 "\"category_id\":\"%u\",\"category_ids\":[%u],"
                 "\"custom_sid\":\"\",\"tv_archive\":0,"
                 "\"direct_source\":\"\",\"tv_archive_duration\":0}",
                 name, (unsigned) id, epg, (unsigned) cat, (unsigned) cat);

    lv->name = xt_snap_writer_str(w, name, strlen(name));
    lv->epg_channel_id = xt_snap_writer_str(w, epg, strlen(epg));
    lv->category_name = xt_snap_writer_str(w, catname, strlen(catname));
    lv->json = xt_snap_writer_str(w, json, (size_t) n);
}


static void
xt_fix_category(xt_snap_writer_t *w, xt_snap_category_t *c, uint32_t id,
    uint32_t type, const char *name)
{
    int   n;
    char  json[256];

    memset(c, 0, sizeof(*c));
    c->id = id;
    c->type = type;

    n = snprintf(json, sizeof(json),
                 "{\"category_id\":\"%u\",\"category_name\":\"%s\","
                 "\"parent_id\":0}", (unsigned) id, name);

    c->name = xt_snap_writer_str(w, name, strlen(name));
    c->json = xt_snap_writer_str(w, json, (size_t) n);
}


#define XT_FIX_STR(w, s)  xt_snap_writer_str(w, s, sizeof(s) - 1)

static const char  *xt_fix_live_names[] = {
    "News One", "Sports One", "News Two", "Hidden"
};


static void
xt_fix_movie(xt_snap_writer_t *w, xt_snap_movie_t *m, uint32_t id,
    const char *name, const char *ext)
{
    int   n;
    char  json[512];

    m->id = id;
    m->category_id = 10;
    m->duration_secs = 5400;
    m->name = xt_snap_writer_str(w, name, strlen(name));
    m->ext = xt_snap_writer_str(w, ext, strlen(ext));
    m->category_name = XT_FIX_STR(w, "Films");

    n = snprintf(json, sizeof(json),
                 "{\"name\":\"%s\",\"stream_type\":\"movie\","
                 "\"stream_id\":%u,\"stream_icon\":\"\",\"rating\":\"7\","
                 "\"rating_5based\":3.5,\"added\":\"1700000000\","
                 "\"category_id\":\"10\",\"category_ids\":[10],"
                 "\"container_extension\":\"%s\",\"custom_sid\":\"\","
                 "\"direct_source\":\"\"}", name, (unsigned) id, ext);
    m->json = xt_snap_writer_str(w, json, (size_t) n);

    n = snprintf(json, sizeof(json),
                 "{\"info\":{\"name\":\"%s\",\"tmdb_id\":0,"
                 "\"backdrop_path\":[]},\"movie_data\":{\"stream_id\":%u,"
                 "\"name\":\"%s\",\"container_extension\":\"%s\"}}",
                 name, (unsigned) id, name, ext);
    m->info_json = xt_snap_writer_str(w, json, (size_t) n);

    n = snprintf(json, sizeof(json),
                 "#EXTINF:-1 tvg-id=\"\" tvg-name=\"%s\" tvg-logo=\"\" "
                 "group-title=\"Films\",%s", name, name);
    m->m3u = xt_snap_writer_str(w, json, (size_t) n);
}


int
xt_fix_catalog(size_t extra, void **buf, size_t *len)
{
    int                  rc;
    char                 name[32];
    size_t               i, n;
    uint32_t             v[2], *bulk;
    xt_snap_live_t      *live;
    xt_snap_bouquet_t    b[4];
    xt_snap_setting_t    st[1];
    xt_snap_category_t   c[5];
    xt_snap_str_t       *m3u;
    xt_snap_movie_t      mv[2];
    xt_snap_series_t     se[1];
    xt_snap_episode_t    ep[2];
    xt_snap_writer_t    *w;

    w = xt_snap_writer_new(XT_SNAP_KIND_CATALOG, 1);

    xt_fix_category(w, &c[0], 2, XT_CAT_LIVE, "Sports");
    xt_fix_category(w, &c[1], 1, XT_CAT_LIVE, "News");
    xt_fix_category(w, &c[2], 3, XT_CAT_LIVE, "Unused");
    xt_fix_category(w, &c[3], 10, XT_CAT_MOVIE, "Films");
    xt_fix_category(w, &c[4], 20, XT_CAT_SERIES, "Shows");

    n = 4 + extra;
    live = calloc(n, sizeof(xt_snap_live_t));
    bulk = calloc(extra + 1, sizeof(uint32_t));

    xt_fix_live(w, &live[0], 1, 1, "News One", "News");
    xt_fix_live(w, &live[1], 2, 2, "Sports One", "Sports");
    xt_fix_live(w, &live[2], 3, 1, "News Two", "News");
    xt_fix_live(w, &live[3], 4, 3, "Hidden", "Unused");

    for (i = 0; i < extra; i++) {
        snprintf(name, sizeof(name), "Bulk %zu", i);
        xt_fix_live(w, &live[4 + i], 1000 + (uint32_t) i, 1, name, "News");
        bulk[i] = 4 + (uint32_t) i;
    }

    /* live 1 has a 3-day archive; every channel an m3u_plus line */
    live[0].flags = XT_LIVE_ARCHIVE;
    live[0].archive_days = 3;
    m3u = calloc(n, sizeof(xt_snap_str_t));
    for (i = 0; i < n; i++) {
        char  line[256], nm[32];
        int   k;

        if (i < 4) {
            snprintf(nm, sizeof(nm), "%s", xt_fix_live_names[i]);
        } else {
            snprintf(nm, sizeof(nm), "Bulk %zu", i - 4);
        }

        k = snprintf(line, sizeof(line),
                     "#EXTINF:-1 tvg-id=\"ch%u.uk\" tvg-name=\"%s\" "
                     "tvg-logo=\"\" group-title=\"%s\"%s,%s",
                     (unsigned) live[i].id, nm,
                     "News", i == 0 ? " catchup=\"xc\" catchup-days=\"3\" "
                                      "timeshift=\"3\"" : "",
                     nm);
        m3u[i] = xt_snap_writer_str(w, line, (size_t) k);
    }

    memset(mv, 0, sizeof(mv));
    xt_fix_movie(w, &mv[0], 1, "A Film", "mkv");
    xt_fix_movie(w, &mv[1], 2, "Other Film", "mp4");

    memset(se, 0, sizeof(se));
    se[0].id = 1;
    se[0].category_id = 20;
    se[0].nepisodes = 2;
    se[0].name = xt_snap_writer_str(w, "A Show", 6);
    se[0].category_name = xt_snap_writer_str(w, "Shows", 5);
    se[0].json = XT_FIX_STR(w, "{\"name\":\"A Show\",\"series_id\":1,"
                               "\"category_id\":\"20\"}");
    se[0].info_json = XT_FIX_STR(w, "{\"seasons\":[],\"info\":{\"name\":"
                                    "\"A Show\"},\"episodes\":{\"1\":[{"
                                    "\"id\":\"101\"},{\"id\":\"102\"}]}}");

    memset(ep, 0, sizeof(ep));
    ep[0].id = 101;
    ep[0].series_id = 1;
    ep[0].season = 1;
    ep[0].episode_num = 1;
    ep[0].ext = XT_FIX_STR(w, "mp4");
    ep[0].m3u = XT_FIX_STR(w, "#EXTINF:-1 tvg-id=\"\" tvg-name=\"A Show "
                              "S01 E01\" tvg-logo=\"\" group-title=\"Shows\","
                              "A Show S01 E01");
    ep[1] = ep[0];
    ep[1].id = 102;
    ep[1].episode_num = 2;
    ep[1].m3u = XT_FIX_STR(w, "#EXTINF:-1 tvg-id=\"\" tvg-name=\"A Show "
                              "S01 E02\" tvg-logo=\"\" group-title=\"Shows\","
                              "A Show S01 E02");

    memset(b, 0, sizeof(b));
    b[0].id = 1;
    v[0] = 0; v[1] = 1;
    b[0].nlive = 2;
    b[0].live = xt_snap_writer_u32(w, v, 2);
    v[0] = 0;
    b[0].nmovies = 1;
    b[0].movies = xt_snap_writer_u32(w, v, 1);
    b[0].nseries = 1;
    b[0].series = xt_snap_writer_u32(w, v, 1);
    b[1].id = 2;
    v[0] = 2; v[1] = 0;
    b[1].nlive = 2;
    b[1].live = xt_snap_writer_u32(w, v, 2);
    b[2].id = 5;
    v[0] = 3;
    b[2].nlive = 1;
    b[2].live = xt_snap_writer_u32(w, v, 1);
    b[3].id = 9;
    b[3].nlive = (uint32_t) extra;
    b[3].live = xt_snap_writer_u32(w, bulk, extra);

    st[0].key = xt_snap_writer_str(w, "server_name", 11);
    st[0].value = xt_snap_writer_str(w, "xtream", 6);

    rc = xt_snap_writer_section(w, XT_SEC_SETTINGS, 1, st, sizeof(st)) != 0
         || xt_snap_writer_section(w, XT_SEC_CATEGORIES, 5, c, sizeof(c))
            != 0
         || xt_snap_writer_section(w, XT_SEC_LIVE_M3U, (uint32_t) n, m3u,
                                   n * sizeof(xt_snap_str_t)) != 0
         || xt_snap_writer_section(w, XT_SEC_MOVIES, 2, mv, sizeof(mv)) != 0
         || xt_snap_writer_section(w, XT_SEC_SERIES, 1, se, sizeof(se)) != 0
         || xt_snap_writer_section(w, XT_SEC_EPISODES, 2, ep, sizeof(ep))
            != 0
         || xt_snap_writer_section(w, XT_SEC_BOUQUETS, 4, b, sizeof(b)) != 0
         || xt_snap_writer_section(w, XT_SEC_LIVE, (uint32_t) n, live,
                                   n * sizeof(xt_snap_live_t)) != 0
         || xt_snap_writer_finish(w, buf, len) != 0 ? -1 : 0;

    free(live);
    free(bulk);
    free(m3u);
    xt_snap_writer_free(w);

    return rc;
}


int
xt_fix_epg(int64_t now, void **buf, size_t *len)
{
    int                     rc;
    int64_t                 t0;
    uint32_t                i;
    xt_snap_writer_t       *w;
    xt_snap_epg_prog_t      pg[10];
    xt_snap_epg_channel_t   ch[2];

    static const char  title[] = "News & <Weather> \"caf\xc3\xa9\" \xff!";

    w = xt_snap_writer_new(XT_SNAP_KIND_EPG, 1);

    memset(ch, 0, sizeof(ch));
    ch[0].id = XT_FIX_STR(w, "ch1.uk");
    ch[0].display_name = XT_FIX_STR(w, "News One");
    ch[0].first = 0;
    ch[0].count = 8;
    ch[1].id = XT_FIX_STR(w, "ch2.uk");
    ch[1].display_name = XT_FIX_STR(w, "Sports <One>");
    ch[1].first = 8;
    ch[1].count = 2;

    /* ch1: hourly from 3 h ago (aligned), ch2: two long ones */
    t0 = now - now % 3600 - 3 * 3600;
    memset(pg, 0, sizeof(pg));

    for (i = 0; i < 8; i++) {
        pg[i].start = t0 + (int64_t) i * 3600;
        pg[i].stop = pg[i].start + 3600;
        pg[i].id = 500 + i;
        pg[i].channel = 0;
        pg[i].title = i == 3 ? XT_FIX_STR(w, title) : XT_FIX_STR(w, "Hourly");
        pg[i].description = XT_FIX_STR(w, "About it");
        pg[i].lang = XT_FIX_STR(w, "en");
    }

    for (i = 8; i < 10; i++) {
        pg[i].start = t0 + (int64_t) (i - 8) * 6 * 3600;
        pg[i].stop = pg[i].start + 6 * 3600;
        pg[i].id = 600 + i;
        pg[i].channel = 1;
        pg[i].title = XT_FIX_STR(w, "Match");
        pg[i].description = XT_FIX_STR(w, "");
        pg[i].lang = XT_FIX_STR(w, "");
    }

    rc = xt_snap_writer_section(w, XT_SEC_EPG_CHANNELS, 2, ch, sizeof(ch))
         != 0
         || xt_snap_writer_section(w, XT_SEC_EPG_PROGS, 10, pg, sizeof(pg))
            != 0
         || xt_snap_writer_finish(w, buf, len) != 0 ? -1 : 0;

    xt_snap_writer_free(w);

    return rc;
}


int
xt_fix_write(const char *dir, const char *name, const void *buf, size_t len)
{
    FILE  *f;
    char   tmp[4096], path[4096];

    snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
    snprintf(path, sizeof(path), "%s/%s", dir, name);

    f = fopen(tmp, "wb");
    if (f == NULL) {
        return -1;
    }

    if (fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        return -1;
    }

    return rename(tmp, path);
}
