/*
 * Renderers: output parses, keys in XC order with XC types; lists are the
 * line's union in order, each stream once, numbered, filtered.
 */

#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "xt_render_list.h"
#include "xt_render_login.h"
#include "xt_fixture.h"
#include "xt_test.h"


typedef struct {
    char    buf[1 << 20];
    size_t  len;
} out_t;


static void
sink(void *ctx, const char *p, size_t len)
{
    out_t  *o = ctx;

    if (o->len + len < sizeof(o->buf)) {
        memcpy(o->buf + o->len, p, len);
        o->len += len;
    }
    o->buf[o->len] = '\0';
}


static yajl_val
parse(out_t *o)
{
    char  err[128];

    return yajl_tree_parse(o->buf, err, sizeof(err));
}


/* object keys equal to the NULL-terminated list, in order */
static int
keys_are(yajl_val v, const char **keys)
{
    size_t  i;

    if (!YAJL_IS_OBJECT(v)) {
        return 0;
    }

    for (i = 0; keys[i]; i++) {
        if (i >= v->u.object.len || strcmp(v->u.object.keys[i], keys[i]) != 0)
        {
            return 0;
        }
    }

    return i == v->u.object.len;
}


static const char *
str_of(yajl_val obj, const char *key)
{
    const char  *path[] = { key, NULL };
    yajl_val     v = yajl_tree_get(obj, path, yajl_t_string);

    return v ? YAJL_GET_STRING(v) : "(missing)";
}


static const char *
str_val(yajl_val v)
{
    return YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : "(not a string)";
}


static const xt_snap_line_t *
line_of(xt_snap_t *ls, const char *user)
{
    return xt_snap_line_find(ls, (const unsigned char *) user, strlen(user));
}


static void
test_login(xt_snap_t *ls)
{
    out_t       *o;
    yajl_val     v, ui, si, f;
    xt_tz_t      tz;
    xt_login_t   in;
    const char  *err;

    static const char  *top[] = { "user_info", "server_info", NULL };
    static const char  *uk[] = {
        "username", "password", "message", "auth", "status", "exp_date",
        "is_trial", "active_cons", "created_at", "max_connections",
        "allowed_output_formats", NULL
    };
    static const char  *sk[] = {
        "url", "port", "https_port", "server_protocol", "rtmp_port",
        "timezone", "timestamp_now", "time_now", "process", NULL
    };

    o = calloc(1, sizeof(out_t));
    xt_tz_load(&tz, "/usr/share/zoneinfo", "Europe/London", &err);

    memset(&in, 0, sizeof(in));
    in.lines = ls;
    in.line = line_of(ls, "demo");
    in.password.data = "demo-pass";
    in.password.len = 9;
    in.now = 1688212800;
    in.url.data = "example.net";
    in.url.len = 11;
    in.port.data = "8080";
    in.port.len = 4;
    in.https_port.data = "443";
    in.https_port.len = 3;
    in.rtmp_port.data = "1935";
    in.rtmp_port.len = 4;
    in.protocol.data = "http";
    in.protocol.len = 4;
    in.tz = &tz;
    in.process = 1;

    CHECK(xt_render_login(&in, sink, o) == 0);
    CHECK(strstr(o->buf, "\"Europe\\/London\"") != NULL);
    CHECK(strstr(o->buf, "\"Welcome \\/ hi\"") != NULL);

    v = parse(o);
    CHECK(v != NULL && keys_are(v, top));

    ui = v ? v->u.object.values[0] : NULL;
    si = v ? v->u.object.values[1] : NULL;
    CHECK(ui && keys_are(ui, uk));
    CHECK(si && keys_are(si, sk));

    if (ui && si) {
        CHECK(strcmp(str_of(ui, "username"), "demo") == 0);
        CHECK(strcmp(str_of(ui, "password"), "demo-pass") == 0);
        CHECK(YAJL_IS_INTEGER(ui->u.object.values[3])
              && YAJL_GET_INTEGER(ui->u.object.values[3]) == 1);
        CHECK(strcmp(str_of(ui, "status"), "Active") == 0);
        CHECK(YAJL_IS_NULL(ui->u.object.values[5]));
        CHECK(strcmp(str_of(ui, "is_trial"), "0") == 0);
        CHECK(strcmp(str_of(ui, "active_cons"), "0") == 0);
        CHECK(strcmp(str_of(ui, "created_at"), "1699913600") == 0);
        CHECK(strcmp(str_of(ui, "max_connections"), "1") == 0);

        f = ui->u.object.values[10];
        CHECK(YAJL_IS_ARRAY(f) && f->u.array.len == 2
              && strcmp(str_val(f->u.array.values[0]), "m3u8") == 0
              && strcmp(str_val(f->u.array.values[1]), "ts") == 0);

        CHECK(strcmp(str_of(si, "url"), "example.net") == 0);
        CHECK(strcmp(str_of(si, "port"), "8080") == 0);
        CHECK(strcmp(str_of(si, "https_port"), "443") == 0);
        CHECK(strcmp(str_of(si, "server_protocol"), "http") == 0);
        CHECK(strcmp(str_of(si, "rtmp_port"), "1935") == 0);
        CHECK(strcmp(str_of(si, "timezone"), "Europe/London") == 0);
        CHECK(YAJL_IS_INTEGER(si->u.object.values[6])
              && YAJL_GET_INTEGER(si->u.object.values[6]) == 1688212800);
        CHECK(strcmp(str_of(si, "time_now"), "2023-07-01 13:00:00") == 0);
        CHECK(YAJL_IS_TRUE(si->u.object.values[8]));
    }

    yajl_tree_free(v);

    /* expired, with a date; trial with all outputs in XC order */
    in.line = line_of(ls, "expired");
    o->len = 0;
    CHECK(xt_render_login(&in, sink, o) == 0);
    v = parse(o);
    ui = v ? v->u.object.values[0] : NULL;
    CHECK(ui && strcmp(str_of(ui, "status"), "Expired") == 0
          && strcmp(str_of(ui, "exp_date"), "1600000000") == 0);
    yajl_tree_free(v);

    in.line = line_of(ls, "banned");
    o->len = 0;
    xt_render_login(&in, sink, o);
    CHECK(strstr(o->buf, "\"status\":\"Banned\"") != NULL);

    in.line = line_of(ls, "disabled");
    o->len = 0;
    xt_render_login(&in, sink, o);
    CHECK(strstr(o->buf, "\"status\":\"Disabled\"") != NULL);

    in.line = line_of(ls, "trial");
    o->len = 0;
    xt_render_login(&in, sink, o);
    CHECK(strstr(o->buf, "\"is_trial\":\"1\"") != NULL);
    CHECK(strstr(o->buf, "[\"m3u8\",\"ts\",\"rtmp\"]") != NULL);

    o->len = 0;
    CHECK(xt_render_auth_failed(sink, o) == 0);
    CHECK(strcmp(o->buf, "{\"user_info\":{\"auth\":0}}") == 0);

    o->len = 0;
    CHECK(xt_render_error("bad \"x\"", sink, o) == 0);
    CHECK(strcmp(o->buf, "{\"error\":\"bad \\\"x\\\"\"}") == 0);

    free(o);
}


static void
test_lists(xt_snap_t *ls, xt_snap_t *cs)
{
    out_t                 *o;
    void                  *scratch;
    size_t                 i;
    yajl_val               v, it, id;
    uint64_t               size;
    xt_list_t              l;
    const char            *path_id[] = { "stream_id", NULL };
    const char            *path_num[] = { "num", NULL };
    const xt_snap_line_t  *demo;

    o = calloc(1, sizeof(out_t));
    scratch = malloc(xt_list_scratch_size(cs));
    demo = line_of(ls, "demo");

    /* demo: bouquets 2 [3,1] then 1 [1,2] => 3, 1, 2 */
    xt_list_init(&l, XT_LIST_LIVE_STREAMS, cs, ls, demo, 0, scratch);
    size = xt_list_size(&l);
    xt_render_list(&l, sink, o);
    CHECK(size == o->len);

    v = parse(o);
    CHECK(v && YAJL_IS_ARRAY(v) && v->u.array.len == 3);

    if (v && YAJL_IS_ARRAY(v) && v->u.array.len == 3) {
        static const uint32_t  want[] = { 3, 1, 2 };

        for (i = 0; i < 3; i++) {
            it = v->u.array.values[i];
            CHECK(strcmp(it->u.object.keys[0], "num") == 0);
            CHECK(strcmp(it->u.object.keys[1], "name") == 0);
            id = yajl_tree_get(it, path_num, yajl_t_number);
            CHECK(id && YAJL_GET_INTEGER(id) == (long long) i + 1);
            id = yajl_tree_get(it, path_id, yajl_t_number);
            CHECK(id && YAJL_GET_INTEGER(id) == want[i]);
        }
    }
    yajl_tree_free(v);

    /* "num" past one digit, up to the largest */
    {
        xt_piece_t  pc;

        xt_list_init(&l, XT_LIST_LIVE_STREAMS, cs, ls, demo, 0, scratch);
        l.n = 9;
        CHECK(xt_list_next(&l, &pc) && pc.prefix_len == 11
              && memcmp(pc.prefix, ",{\"num\":10,", 11) == 0);
        l.n = 4294967294u;
        CHECK(xt_list_next(&l, &pc) && pc.prefix_len == 19
              && memcmp(pc.prefix, ",{\"num\":4294967295,", 19) == 0);
    }

    /* category filter: News (1) => 3, 1 renumbered 1..2 */
    o->len = 0;
    xt_list_init(&l, XT_LIST_LIVE_STREAMS, cs, ls, demo, 1, scratch);
    xt_render_list(&l, sink, o);
    CHECK(strncmp(o->buf, "[{\"num\":1,\"name\":\"News Two\"", 27) == 0);
    CHECK(strstr(o->buf, "{\"num\":2,\"name\":\"News One\"") != NULL);
    CHECK(strstr(o->buf, "Sports") == NULL);

    /* a category the line does not reach: empty array */
    o->len = 0;
    xt_list_init(&l, XT_LIST_LIVE_STREAMS, cs, ls, demo, 3, scratch);
    CHECK(xt_list_size(&l) == 2);
    xt_render_list(&l, sink, o);
    CHECK(strcmp(o->buf, "[]") == 0);

    /* categories: used ones only, in snapshot order (Sports, News) */
    o->len = 0;
    xt_list_init(&l, XT_LIST_LIVE_CATEGORIES, cs, ls, demo, 0, scratch);
    size = xt_list_size(&l);
    xt_render_list(&l, sink, o);
    CHECK(size == o->len);
    CHECK(strcmp(o->buf,
                 "[{\"category_id\":\"2\",\"category_name\":\"Sports\","
                 "\"parent_id\":0},{\"category_id\":\"1\","
                 "\"category_name\":\"News\",\"parent_id\":0}]") == 0);
    v = parse(o);
    CHECK(v && YAJL_IS_ARRAY(v) && v->u.array.len == 2);
    yajl_tree_free(v);

    /* a line whose bouquets reach nothing in the catalog */
    o->len = 0;
    xt_list_init(&l, XT_LIST_LIVE_STREAMS, cs, ls, line_of(ls, "user0"), 0,
                 scratch);
    xt_render_list(&l, sink, o);
    CHECK(strncmp(o->buf, "[{\"num\":1,", 10) == 0);

    free(scratch);
    free(o);
}


void
test_render(void)
{
    void        *lb, *cb;
    size_t       ll, cl;
    xt_snap_t    ls, cs;
    const char  *err;

    xt_fix_lines(5, &lb, &ll);
    xt_fix_catalog(0, &cb, &cl);

    CHECK(xt_snap_open(&ls, lb, ll, XT_SNAP_KIND_LINES, &err) == 0);
    CHECK(xt_snap_open(&cs, cb, cl, XT_SNAP_KIND_CATALOG, &err) == 0);

    test_login(&ls);
    test_lists(&ls, &cs);

    free(lb);
    free(cb);
}
