/*
 * The API pieces: text transforms, XMLTV times (DST), entitlement of
 * movies/series/episodes, new snapshot sections and lookups, EPG row
 * selection and rendering, m3u splicing, paging, XMLTV and panel output.
 */

#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "xt_text.h"
#include "xt_m3u.h"
#include "xt_panel.h"
#include "xt_xmltv.h"
#include "xt_render_epg.h"
#include "xt_render_list.h"
#include "xt_fixture.h"
#include "xt_test.h"


typedef struct {
    char    *buf;
    size_t   len;
} out_t;


static void
sink(void *ctx, const char *p, size_t len)
{
    out_t  *o = ctx;

    o->buf = realloc(o->buf, o->len + len + 1);
    memcpy(o->buf + o->len, p, len);
    o->len += len;
    o->buf[o->len] = '\0';
}


/* drains a chunk source into o */
static void
drain(xt_chunk_next_pt next, void *data, out_t *o)
{
    xt_chunk_t  c;

    while (next(data, &c) == 1) {
        sink(o, c.gen ? c.gen : "", c.gen_len);
        sink(o, c.frag ? c.frag : "", c.frag_len);
    }
}


static void
test_text(void)
{
    char  out[64];

    CHECK(xt_base64_encode(out, (const unsigned char *) "", 0) == 0);
    out[xt_base64_encode(out, (const unsigned char *) "f", 1)] = 0;
    CHECK(strcmp(out, "Zg==") == 0);
    out[xt_base64_encode(out, (const unsigned char *) "fo", 2)] = 0;
    CHECK(strcmp(out, "Zm8=") == 0);
    out[xt_base64_encode(out, (const unsigned char *) "foobar", 6)] = 0;
    CHECK(strcmp(out, "Zm9vYmFy") == 0);
    out[xt_base64_encode(out, (const unsigned char *) "\xc3\xa9\xff", 3)] = 0;
    CHECK(strcmp(out, "w6n/") == 0);

    out[xt_utf8_replace_invalid(out, (const unsigned char *)
                                "a\xc3\xa9z", 4)] = 0;
    CHECK(strcmp(out, "a\xc3\xa9z") == 0);
    out[xt_utf8_replace_invalid(out, (const unsigned char *)
                                "a\xff" "b", 3)] = 0;
    CHECK(strcmp(out, "a\xef\xbf\xbd" "b") == 0);
    out[xt_utf8_replace_invalid(out, (const unsigned char *)
                                "\xc0\xaf", 2)] = 0;
    CHECK(strcmp(out, "\xef\xbf\xbd\xef\xbf\xbd") == 0);     /* overlong */
    out[xt_utf8_replace_invalid(out, (const unsigned char *)
                                "\xed\xa0\x80", 3)] = 0;
    CHECK(strlen(out) == 9);                                  /* surrogate */
    out[xt_utf8_replace_invalid(out, (const unsigned char *)
                                "\xe2\x82", 2)] = 0;
    CHECK(strlen(out) == 6);                                  /* truncated */
    CHECK(xt_utf8_replace_invalid(out, (const unsigned char *) "a\0b", 3) == 5);
    CHECK(xt_utf8_clean((const unsigned char *) "\xf0\x9f\x98\x80", 4));
    CHECK(!xt_utf8_clean((const unsigned char *) "\xf4\x90\x80\x80", 4));

    out[xt_xml_escape(out, "<a href=\"x\">&'</a>", 18)] = 0;
    CHECK(strcmp(out, "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;")
          == 0);
}


static void
test_xmltv_time(void)
{
    char         out[XT_XMLTV_TIME_LEN + 1];
    xt_tz_t      tz;
    const char  *err;

    xt_tz_utc(&tz);
    xt_xmltv_time(&tz, 1704110400, out);              /* 2024-01-01 12:00Z */
    CHECK(strcmp(out, "20240101120000 +0000") == 0);
    xt_xmltv_time(&tz, INT64_MAX, out);               /* clamped: fuzz/tz.c */
    CHECK(strcmp(out, "99991231235959 +0000") == 0);

    if (xt_tz_load(&tz, "/usr/share/zoneinfo", "Europe/London", &err) == 0) {
        xt_xmltv_time(&tz, 1704110400, out);
        CHECK(strcmp(out, "20240101120000 +0000") == 0);
        xt_xmltv_time(&tz, 1719835200, out);          /* 2024-07-01 12:00Z */
        CHECK(strcmp(out, "20240701130000 +0100") == 0);
        /* 2024-03-31 01:00Z: clocks go 01:00 -> 02:00 */
        xt_xmltv_time(&tz, 1711846799, out);
        CHECK(strcmp(out, "20240331005959 +0000") == 0);
        xt_xmltv_time(&tz, 1711846800, out);
        CHECK(strcmp(out, "20240331020000 +0100") == 0);
    }

    if (xt_tz_load(&tz, "/usr/share/zoneinfo", "America/St_Johns", &err)
        == 0)
    {
        xt_xmltv_time(&tz, 1704110400, out);          /* -03:30 */
        CHECK(strcmp(out, "20240101083000 -0330") == 0);
    }
}


static void
test_catalog_sections(void)
{
    void                     *lb, *cb, *eb;
    size_t                    ll, cl, el;
    uint32_t                  from, to, idx, n;
    xt_snap_t                 lines, cat, epg, bad;
    const char               *err;
    uint8_t                  *seen;
    xt_title_iter_t           it;
    const xt_snap_line_t     *demo, *trial;
    const xt_snap_movie_t    *mv;
    const xt_snap_series_t   *se;
    const xt_snap_episode_t  *ep;
    const xt_snap_epg_channel_t  *ch;
    int64_t                   now;

    now = XT_FIX_NOW + 1800;     /* half past the hour */

    CHECK(xt_fix_lines(0, &lb, &ll) == 0);
    CHECK(xt_fix_catalog(3, &cb, &cl) == 0);
    CHECK(xt_fix_epg(now, &eb, &el) == 0);
    CHECK(xt_snap_open(&lines, lb, ll, XT_SNAP_KIND_LINES, &err) == 0);
    CHECK(xt_snap_open(&cat, cb, cl, XT_SNAP_KIND_CATALOG, &err) == 0);
    CHECK(xt_snap_open(&epg, eb, el, XT_SNAP_KIND_EPG, &err) == 0);
    CHECK(xt_snap_open(&bad, eb, el, XT_SNAP_KIND_CATALOG, &err) == -1);

    CHECK(cat.nmovies == 2 && cat.nseries == 1 && cat.nepisodes == 2);
    CHECK(cat.live_m3u != NULL);
    CHECK(epg.nepg_channels == 2 && epg.nepg_progs == 10);

    mv = xt_snap_movie_find(&cat, 2);
    CHECK(mv && mv->id == 2 && xt_snap_movie_find(&cat, 3) == NULL);
    se = xt_snap_series_find(&cat, 1);
    CHECK(se && se->id == 1 && xt_snap_series_find(&cat, 0) == NULL);
    ep = xt_snap_episode_find(&cat, 102);
    CHECK(ep && ep->episode_num == 2 && !xt_snap_episode_find(&cat, 103));
    CHECK(xt_snap_epg_channel_find(&epg, "ch2.uk", 6) == &epg.epg_channels[1]);
    CHECK(xt_snap_epg_channel_find(&epg, "ch2.u", 5) == NULL);
    CHECK(xt_snap_epg_channel_find(&epg, "ch0", 3) == NULL);

    demo = xt_snap_line_find(&lines, (const unsigned char *) "demo", 4);
    trial = xt_snap_line_find(&lines, (const unsigned char *) "trial", 5);
    CHECK(demo && trial);

    /* entitlement: demo has bouquets 2,1; bouquet 1 has movie 1, series 1 */
    CHECK(xt_entitle_movie(&cat, &lines, demo, 0));
    CHECK(!xt_entitle_movie(&cat, &lines, demo, 1));
    CHECK(xt_entitle_series(&cat, &lines, demo, 0));
    CHECK(xt_entitle_episode(&cat, &lines, demo, ep));
    CHECK(xt_entitle_live(&cat, &lines, demo, 2));
    CHECK(!xt_entitle_live(&cat, &lines, demo, 3));      /* Hidden */
    CHECK(xt_entitle_live(&cat, &lines, trial, 4));      /* bulk 0 */
    CHECK(!xt_entitle_live(&cat, &lines, demo, 4));

    seen = calloc(1, xt_title_bitmap_size(&cat) + 8);
    xt_title_iter_init(&it, XT_TITLE_MOVIE, &cat, &lines, demo, seen);
    n = 0;
    while (xt_title_iter_next(&it, &idx)) {
        n++;
        CHECK(idx == 0);
    }
    CHECK(n == 1);

    /* peek: demo's live bouquets 2 [3,1] then 1 [1,2]; never past one */
    xt_title_iter_init(&it, XT_TITLE_LIVE, &cat, &lines, demo, seen);
    CHECK(xt_title_iter_peek(&it, 0) == UINT32_MAX);
    CHECK(xt_title_iter_next(&it, &idx));
    from = xt_title_iter_peek(&it, 0);
    CHECK(from != UINT32_MAX && from != idx);
    CHECK(xt_title_iter_peek(&it, 1) == UINT32_MAX);
    CHECK(xt_title_iter_next(&it, &idx) && idx == from);
    CHECK(xt_title_iter_peek(&it, 0) == UINT32_MAX);
    n = 2;
    while (xt_title_iter_next(&it, &idx)) {
        n++;
    }
    CHECK(n == 3);
    free(seen);

    /* short EPG: now is 3.5 h into ch1's 8 hours: rows 3.. */
    ch = xt_epg_channel_of(&cat, &epg, 0);
    CHECK(ch == &epg.epg_channels[0]);
    xt_epg_short_range(&epg, ch, now, 4, &from, &to);
    CHECK(from == 3 && to == 7);
    xt_epg_short_range(&epg, ch, now, 100, &from, &to);
    CHECK(from == 3 && to == 8);
    xt_epg_short_range(&epg, ch, now + 86400, 4, &from, &to);
    CHECK(from == to);
    xt_epg_short_range(&epg, ch, epg.epg_progs[5].start, 2, &from, &to);
    CHECK(from == 5 && to == 7);      /* the one ending exactly now is out */
    CHECK(xt_epg_has_archive(&cat.live[0], &epg.epg_progs[0], now));
    CHECK(!xt_epg_has_archive(&cat.live[0], &epg.epg_progs[3], now));
    CHECK(!xt_epg_has_archive(&cat.live[1], &epg.epg_progs[8], now));

    /* EPG rendering */
    {
        out_t          o = { NULL, 0 };
        char           errbuf[128];
        uint32_t       ids[2] = { 1, 4 }, li[2] = { 0, UINT32_MAX };
        yajl_val       v, rows, row;
        xt_tz_t        tz;
        xt_epg_req_t   req;
        const char    *title[] = { "title", NULL };
        const char    *npath[] = { "epg_listings", NULL };

        xt_tz_utc(&tz);
        memset(&req, 0, sizeof(req));
        req.cat = &cat;
        req.epg = &epg;
        req.tz = &tz;
        req.now = now;
        req.limit = 4;
        req.ids = ids;
        req.live_idx = li;
        req.n = 1;

        CHECK(xt_render_epg(&req, sink, &o) == 0);
        v = yajl_tree_parse(o.buf, errbuf, sizeof(errbuf));
        rows = yajl_tree_get(v, npath, yajl_t_array);
        CHECK(rows && rows->u.array.len == 4);
        row = rows ? rows->u.array.values[0] : NULL;
        {
            yajl_val  t = row ? yajl_tree_get(row, title, yajl_t_string)
                              : NULL;
            CHECK(t && strcmp(t->u.string,
                              "TmV3cyAmIDxXZWF0aGVyPiAiY2Fmw6kiIO+/vSE=")
                       == 0);
        }
        CHECK(row && row->u.object.len == 11
              && strcmp(row->u.object.keys[10], "stop") == 0
              && YAJL_IS_STRING(row->u.object.values[8]));
        yajl_tree_free(v);
        free(o.buf);

        /* table, multi, one unentitled */
        o.buf = NULL;
        o.len = 0;
        req.table = 1;
        req.multi = 1;
        req.n = 2;
        CHECK(xt_render_epg(&req, sink, &o) == 0);
        v = yajl_tree_parse(o.buf, errbuf, sizeof(errbuf));
        rows = yajl_tree_get(v, npath, yajl_t_object);
        CHECK(rows && rows->u.object.len == 2
              && strcmp(rows->u.object.keys[0], "1") == 0
              && rows->u.object.values[0]->u.array.len == 8
              && rows->u.object.values[1]->u.array.len == 0);
        row = rows ? rows->u.object.values[0]->u.array.values[0] : NULL;
        CHECK(row && row->u.object.len == 13
              && YAJL_IS_INTEGER(row->u.object.values[11])
              && YAJL_GET_INTEGER(row->u.object.values[12]) == 1);
        yajl_tree_free(v);
        free(o.buf);

        /* no EPG snapshot */
        o.buf = NULL;
        o.len = 0;
        req.epg = NULL;
        req.multi = 0;
        CHECK(xt_render_epg(&req, sink, &o) == 0);
        CHECK(strcmp(o.buf, "{\"epg_listings\":[]}") == 0);
        free(o.buf);
    }

    /* lists: VOD and series, categories, paging */
    {
        out_t            o = { NULL, 0 };
        void            *scratch;
        xt_list_chunk_t  lc;

        scratch = malloc(xt_list_scratch_size(&cat));

        xt_list_init(&lc.list, XT_LIST_VOD_STREAMS, &cat, &lines, demo, 0,
                     scratch);
        lc.closed = 0;
        drain(xt_list_chunk_next, &lc, &o);
        CHECK(strncmp(o.buf, "[{\"num\":1,\"name\":\"A Film\"", 25) == 0);
        CHECK(strstr(o.buf, "Other Film") == NULL);
        free(o.buf);

        o.buf = NULL;
        o.len = 0;
        xt_list_init(&lc.list, XT_LIST_SERIES_CATEGORIES, &cat, &lines, demo,
                     0, scratch);
        lc.closed = 0;
        drain(xt_list_chunk_next, &lc, &o);
        CHECK(strcmp(o.buf, "[{\"category_id\":\"20\",\"category_name\":"
                            "\"Shows\",\"parent_id\":0}]") == 0);
        free(o.buf);

        o.buf = NULL;
        o.len = 0;
        xt_list_init(&lc.list, XT_LIST_LIVE_STREAMS, &cat, &lines, trial, 0,
                     scratch);
        xt_list_page(&lc.list, 1, 2);
        lc.closed = 0;
        drain(xt_list_chunk_next, &lc, &o);
        CHECK(strstr(o.buf, "\"stream_id\":1001") != NULL
              && strstr(o.buf, "\"stream_id\":1002") != NULL
              && strstr(o.buf, "\"stream_id\":1000") == NULL
              && strstr(o.buf, "\"num\":3") == NULL);
        free(o.buf);
        free(scratch);
    }

    /* m3u */
    {
        out_t      o = { NULL, 0 };
        void      *scratch;
        xt_m3u_t  *m;
        uint64_t   size;

        m = malloc(sizeof(xt_m3u_t));
        scratch = malloc(xt_m3u_scratch_size(&cat));

        CHECK(xt_m3u_init(m, &cat, &lines, demo, 1, "ts",
                          "http://tv.example:8080", 22, "demo", "demo-pass",
                          scratch) == 0);
        size = xt_m3u_size(m);
        drain(xt_m3u_next, m, &o);
        CHECK(size == o.len);
        CHECK(strncmp(o.buf, "#EXTM3U url-tvg=\"http://tv.example:8080/"
                             "xmltv.php?username=demo&password=demo-pass\" "
                             "x-tvg-url=\"", 95) == 0);
        CHECK(strstr(o.buf, "\r\n#EXTINF:-1 tvg-chno=\"1\" tvg-id=") != NULL);
        CHECK(strstr(o.buf, "\" tvg-id=\"ch3.uk\" tvg-name=\"News "
                            "Two\" tvg-logo=\"\" group-title=\"News\",News "
                            "Two\r\nhttp://tv.example:8080/demo/"
                            "demo-pass/3\r\n") != NULL);
        CHECK(strstr(o.buf, "catchup=\"xc\" catchup-days=\"3\"") != NULL);
        CHECK(strstr(o.buf, "/movie/demo/demo-pass/1.mkv\r\n") != NULL);
        CHECK(strstr(o.buf, "/movie/demo/demo-pass/2.") == NULL);
        CHECK(strstr(o.buf, "/series/demo/demo-pass/101.mp4\r\n") != NULL);
        CHECK(strstr(o.buf, "/series/demo/demo-pass/102.mp4\r\n") != NULL);
        CHECK(strstr(o.buf, "/4\r\n") == NULL);
        free(o.buf);

        o.buf = NULL;
        o.len = 0;
        CHECK(xt_m3u_init(m, &cat, &lines, demo, 0, "m3u8",
                          "http://h:1", 10, "demo", "p", scratch) == 0);
        drain(xt_m3u_next, m, &o);
        CHECK(strstr(o.buf, "\r\n#EXTINF:-1,News Two\r\nhttp://h:1/live/demo/"
                            "p/3.m3u8\r\n") != NULL);
        free(o.buf);
        free(m);
        free(scratch);
    }

    /* xmltv */
    {
        out_t        o = { NULL, 0 };
        void        *scratch;
        xt_tz_t      tz;
        xt_xmltv_t  *x;

        xt_tz_utc(&tz);
        x = malloc(sizeof(xt_xmltv_t));
        scratch = malloc(xt_xmltv_scratch_size(&cat, &epg));
        xt_xmltv_init(x, &cat, &lines, demo, &epg, &tz, now, 1, 1, "x&y", 3,
                      scratch);
        drain(xt_xmltv_next, x, &o);
        CHECK(strstr(o.buf, "<tv generator-info-name=\"x&amp;y\">") != NULL);
        CHECK(strstr(o.buf, "<channel id=\"ch1.uk\">") != NULL);
        CHECK(strstr(o.buf, "<channel id=\"ch2.uk\">") != NULL);
        CHECK(strstr(o.buf, "<display-name>Sports &lt;One&gt;</display-name>")
              != NULL);
        /* guide-less tvg-id: still a channel (named after the stream),
           once, so every M3U tvg-id resolves in xmltv.php */
        CHECK(strstr(o.buf, "<channel id=\"ch3.uk\">\n    <display-name>"
                            "News Two</display-name>") != NULL);
        CHECK(strstr(strstr(o.buf, "<channel id=\"ch3.uk\">") + 1,
                     "<channel id=\"ch3.uk\">") == NULL);
        CHECK(strstr(o.buf, "channel=\"ch3.uk\"") == NULL);
        CHECK(strstr(o.buf, "<title lang=\"en\">News &amp; &lt;Weather&gt; "
                            "&quot;caf\xc3\xa9&quot; \xef\xbf\xbd!</title>")
              != NULL);
        CHECK(strstr(o.buf, "start=\"20231114210000 +0000\"") != NULL);
        CHECK(o.len > 6 && strcmp(o.buf + o.len - 6, "</tv>\n") == 0);
        free(o.buf);

        o.buf = NULL;
        o.len = 0;
        xt_xmltv_init(x, &cat, &lines, demo, NULL, &tz, now, 1, 1, "x", 1,
                      scratch);
        drain(xt_xmltv_next, x, &o);
        /* no EPG snapshot: channels for the tvg-ids, no programmes */
        CHECK(strstr(o.buf, "<channel id=\"ch1.uk\">") != NULL
              && strstr(o.buf, "<programme") == NULL
              && strstr(o.buf, "</tv>"));
        free(o.buf);
        free(x);
        free(scratch);
    }

    /* panel */
    {
        out_t        o = { NULL, 0 };
        char         errbuf[128];
        void        *scratch;
        yajl_val     v, ch2;
        xt_panel_t  *p;
        const char  *path[] = { "available_channels", NULL };
        const char  *cpath[] = { "categories", "series", NULL };

        p = malloc(sizeof(xt_panel_t));
        scratch = malloc(xt_panel_scratch_size(&cat));
        xt_panel_init(p, &cat, &lines, demo, "{\"user_info\":{}", 15,
                      scratch);
        drain(xt_panel_next, p, &o);
        v = yajl_tree_parse(o.buf, errbuf, sizeof(errbuf));
        CHECK(v != NULL);
        ch2 = yajl_tree_get(v, path, yajl_t_object);
        CHECK(ch2 && ch2->u.object.len == 3
              && strcmp(ch2->u.object.keys[0], "3") == 0
              && strcmp(ch2->u.object.keys[2], "2") == 0);
        CHECK(yajl_tree_get(v, cpath, yajl_t_array) != NULL);
        /* categories are the line's own: "Unused" (no title) is absent */
        CHECK(strstr(o.buf, "\"category_name\":\"Unused\"") == NULL);
        CHECK(strstr(o.buf, "\"category_name\":\"News\"") != NULL);
        CHECK(strstr(o.buf, "\"category_name\":\"Films\"") != NULL);
        yajl_tree_free(v);
        free(o.buf);
        free(p);
        free(scratch);
    }

    free(lb);
    free(cb);
    free(eb);
}


void
test_api(void)
{
    test_text();
    test_xmltv_time();
    test_catalog_sections();
}
