/*
 * The HDHomeRun face: DeviceID check nibble, JSON escaping, the documents
 * parsed back with yajl, lineup.json over the real snapshot writer's
 * fixtures (entitlement, order, numbering), bounds.
 */

#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "xt_hdhr.h"
#include "xt_text.h"
#include "xt_fixture.h"
#include "xt_test.h"


static const char *
str_at(yajl_val v, const char *key)
{
    const char  *path[2] = { key, NULL };
    yajl_val     s;

    s = yajl_tree_get(v, path, yajl_t_string);

    return s ? YAJL_GET_STRING(s) : NULL;
}


static void
test_hdhr_ids(void)
{
    uint32_t  id, id2, i;
    char      out[64];

    /* libhdhomerun's own examples: 12345674 passes, 12345678 does not */
    CHECK(xt_hdhr_device_id_valid(0x12345674));
    CHECK(!xt_hdhr_device_id_valid(0x12345678));

    for (i = 0; i < 2000; i++) {
        id = xt_hdhr_device_id(i, "demo", 4);
        if (!xt_hdhr_device_id_valid(id) || (id >> 28) == 1) {
            break;
        }
    }
    CHECK(i == 2000);

    id = xt_hdhr_device_id(7, "demo", 4);
    id2 = xt_hdhr_device_id(7, "demo", 4);
    CHECK(id == id2);
    CHECK(id != xt_hdhr_device_id(8, "demo", 4));
    CHECK(id != xt_hdhr_device_id(7, "demo2", 5));

    out[xt_json_escape(out, "a\"b\\c\n\x01\x7f/", 9)] = '\0';
    CHECK(strcmp(out, "a\\\"b\\\\c\\u000a\\u0001\\u007f/") == 0);

    out[xt_hdhr_path_segment(out, sizeof(out), "a b/%.~_-Z9", 11)] = '\0';
    CHECK(strcmp(out, "a%20b%2F%25.~_-Z9") == 0);
    CHECK(xt_hdhr_path_segment(out, 4, "a b", 3) == 0);      /* cap */
    CHECK(xt_hdhr_path_segment(out, 3, "abc", 3) == 3);
}


static void
test_hdhr_docs(void)
{
    char          *out, err[128], big[2 * XT_HDHR_NAME_MAX];
    size_t         n;
    yajl_val       v, t;
    xt_hdhr_dev_t  d;

    const char    *tc[2] = { "TunerCount", NULL };

    out = malloc(XT_HDHR_DOC_MAX);

    memset(&d, 0, sizeof(d));
    d.base_url = "http://tv.example:8080/hdhr/demo/p%22w";
    d.base_url_len = strlen(d.base_url);
    d.name = "xtream \"demo\" <&>\x01\xff";
    d.name_len = strlen(d.name);
    d.device_id = xt_hdhr_device_id(1, "demo", 4);
    d.tuners = 2;
    d.line_id = 1;

    n = xt_hdhr_discover(&d, out, XT_HDHR_DOC_MAX);
    CHECK(n > 0);
    out[n] = '\0';
    v = yajl_tree_parse(out, err, sizeof(err));
    CHECK(v != NULL);

    if (v) {
        CHECK(str_at(v, "FriendlyName")
              && strcmp(str_at(v, "FriendlyName"),
                        "xtream \"demo\" <&>\xef\xbf\xbd\xef\xbf\xbd") == 0);
        CHECK(str_at(v, "BaseURL")
              && strcmp(str_at(v, "BaseURL"), d.base_url) == 0);
        CHECK(str_at(v, "LineupURL")
              && strcmp(str_at(v, "LineupURL"),
                        "http://tv.example:8080/hdhr/demo/p%22w/lineup.json")
                 == 0);
        CHECK(str_at(v, "DeviceID") && strlen(str_at(v, "DeviceID")) == 8
              && strtoul(str_at(v, "DeviceID"), NULL, 16) == d.device_id);
        CHECK(str_at(v, "DeviceAuth")
              && strlen(str_at(v, "DeviceAuth")) == 24);
        CHECK(str_at(v, "ModelNumber") && str_at(v, "FirmwareName"));
        t = yajl_tree_get(v, tc, yajl_t_number);
        CHECK(t && YAJL_IS_INTEGER(t) && YAJL_GET_INTEGER(t) == 2);
        yajl_tree_free(v);
    }

    /* unlimited line: a positive count; too small a buffer: 0 */
    d.tuners = 0;
    n = xt_hdhr_discover(&d, out, XT_HDHR_DOC_MAX);
    out[n] = '\0';
    CHECK(strstr(out, "\"TunerCount\":8}") != NULL);
    CHECK(xt_hdhr_discover(&d, out, 100) == 0);

    /* a huge name is cut at a character boundary, never overflows */
    memset(big, 'a', sizeof(big));
    memcpy(big + XT_HDHR_NAME_MAX - 1, "\xc3\xa9", 2);   /* split e-acute */
    d.name = big;
    d.name_len = sizeof(big);
    n = xt_hdhr_discover(&d, out, XT_HDHR_DOC_MAX);
    CHECK(n > 0);
    out[n] = '\0';
    CHECK(strstr(out, "\xef\xbf\xbd") == NULL);
    v = yajl_tree_parse(out, err, sizeof(err));
    CHECK(v && str_at(v, "FriendlyName")
          && strlen(str_at(v, "FriendlyName")) == XT_HDHR_NAME_MAX - 1);
    yajl_tree_free(v);

    d.name = "a<b";
    d.name_len = 3;
    n = xt_hdhr_device_xml(&d, out, XT_HDHR_DOC_MAX);
    CHECK(n > 0);
    out[n] = '\0';
    CHECK(strstr(out, "<friendlyName>a&lt;b</friendlyName>") != NULL);
    CHECK(strstr(out, "<URLBase>http://tv.example:8080/hdhr/demo/p%22w"
                      "</URLBase>") != NULL);
    CHECK(strstr(out, "urn:schemas-upnp-org:device:MediaServer:1") != NULL);

    /* a base URL too long for the buffers: refused */
    d.base_url_len = XT_HDHR_URL_MAX;
    CHECK(xt_hdhr_discover(&d, out, XT_HDHR_DOC_MAX) == 0);
    CHECK(xt_hdhr_device_xml(&d, out, XT_HDHR_DOC_MAX) == 0);

    v = yajl_tree_parse(xt_hdhr_lineup_status, err, sizeof(err));
    CHECK(v && str_at(v, "Source") && strcmp(str_at(v, "Source"), "Cable")
          == 0);
    yajl_tree_free(v);

    free(out);
}


static void
test_hdhr_lineup(void)
{
    void                  *lb, *cb, *scratch;
    char                  *o, err[128];
    size_t                 ll, cl, len, i;
    uint64_t               size;
    yajl_val               v, e;
    xt_chunk_t             c;
    xt_snap_t              lines, cat;
    const char            *serr;
    xt_hdhr_lineup_t      *l;
    const xt_snap_line_t  *demo, *trial;

    static const char  *want[3][3] = {
        { "1", "News Two", "http://h:1/live/demo/p%20w/3.ts" },
        { "2", "News One", "http://h:1/live/demo/p%20w/1.ts" },
        { "3", "Sports One", "http://h:1/live/demo/p%20w/2.ts" }
    };

    CHECK(xt_fix_lines(0, &lb, &ll) == 0);
    CHECK(xt_fix_catalog(3, &cb, &cl) == 0);
    CHECK(xt_snap_open(&lines, lb, ll, XT_SNAP_KIND_LINES, &serr) == 0);
    CHECK(xt_snap_open(&cat, cb, cl, XT_SNAP_KIND_CATALOG, &serr) == 0);

    demo = xt_snap_line_find(&lines, (const unsigned char *) "demo", 4);
    trial = xt_snap_line_find(&lines, (const unsigned char *) "trial", 5);
    CHECK(demo && trial);

    l = malloc(sizeof(xt_hdhr_lineup_t));
    scratch = malloc(xt_hdhr_scratch_size(&cat));

    CHECK(xt_hdhr_lineup_init(l, &cat, &lines, demo, "x",
                              XT_HDHR_URL_MAX, scratch) == -1);
    CHECK(xt_hdhr_lineup_init(l, &cat, &lines, demo,
                              "http://h:1/live/demo/p%20w/", 27, scratch)
          == 0);

    size = xt_hdhr_lineup_size(l);
    o = NULL;
    len = 0;
    while (xt_hdhr_lineup_next(l, &c) == 1) {
        CHECK(c.gen_len <= XT_HDHR_GEN_MAX && c.frag_len == 0);
        o = realloc(o, len + c.gen_len + 1);
        memcpy(o + len, c.gen, c.gen_len);
        len += c.gen_len;
    }
    o[len] = '\0';
    CHECK(size == len);

    /* demo: bouquets 2 = [3,1] then 1 = [1,2]; 4 (bouquet 5) absent */
    v = yajl_tree_parse(o, err, sizeof(err));
    CHECK(v && YAJL_IS_ARRAY(v) && YAJL_GET_ARRAY(v)->len == 3);

    for (i = 0; v && i < 3 && i < YAJL_GET_ARRAY(v)->len; i++) {
        e = YAJL_GET_ARRAY(v)->values[i];
        CHECK(str_at(e, "GuideNumber")
              && strcmp(str_at(e, "GuideNumber"), want[i][0]) == 0);
        CHECK(str_at(e, "GuideName")
              && strcmp(str_at(e, "GuideName"), want[i][1]) == 0);
        CHECK(str_at(e, "URL") && strcmp(str_at(e, "URL"), want[i][2]) == 0);
    }
    yajl_tree_free(v);
    CHECK(strstr(o, "/4.ts") == NULL);
    free(o);

    /* trial: the three bulk streams of bouquet 9, then bouquet 1 */
    CHECK(xt_hdhr_lineup_init(l, &cat, &lines, trial, "u/", 2, scratch)
          == 0);
    size = xt_hdhr_lineup_size(l);
    o = NULL;
    len = 0;
    while (xt_hdhr_lineup_next(l, &c) == 1) {
        o = realloc(o, len + c.gen_len + 1);
        memcpy(o + len, c.gen, c.gen_len);
        len += c.gen_len;
    }
    o[len] = '\0';
    CHECK(size == len);
    CHECK(strstr(o, "\"GuideNumber\":\"1\",\"GuideName\":\"Bulk 0\","
                    "\"URL\":\"u/1000.ts\"") != NULL);
    CHECK(strstr(o, "\"GuideNumber\":\"5\"") != NULL);
    v = yajl_tree_parse(o, err, sizeof(err));
    CHECK(v && YAJL_IS_ARRAY(v) && YAJL_GET_ARRAY(v)->len == 5);
    yajl_tree_free(v);
    free(o);

    free(l);
    free(scratch);
    free(lb);
    free(cb);
}


void
test_hdhr(void)
{
    test_hdhr_ids();
    test_hdhr_docs();
    test_hdhr_lineup();
}
