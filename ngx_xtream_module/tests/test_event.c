/* Unit tests of the activity datagram format (xt_event.c). */

#include <stdio.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "xt_event.h"

#include "xt_test.h"

int  xt_test_passed, xt_test_failed;


static const char *
str_at(yajl_val v, const char *key)
{
    const char  *path[] = { key, NULL };
    yajl_val     s = yajl_tree_get(v, path, yajl_t_string);

    return s ? YAJL_GET_STRING(s) : NULL;
}


static long long
int_at(yajl_val v, const char *key)
{
    const char  *path[] = { key, NULL };
    yajl_val     n = yajl_tree_get(v, path, yajl_t_number);

    return n && YAJL_IS_INTEGER(n) ? YAJL_GET_INTEGER(n) : -1;
}


int
main(void)
{
    size_t      n;
    char        buf[XT_EVENT_MAX + 1], err[128], ua[2000];
    yajl_val    v;
    xt_event_t  ev;

    memset(&ev, 0, sizeof(ev));
    ev.type = "open";
    ev.kind = "live";
    ev.detail = "live-ts";
    ev.line_id = 7;
    ev.stream_id = 11;
    ev.username = "demo";
    ev.username_len = 4;
    ev.addr = "127.0.0.1";
    ev.addr_len = 9;
    ev.ua = "VLC \"3\"\n\xc3\xa9\\";
    ev.ua_len = strlen(ev.ua);
    ev.conn = 0xa1;
    ev.start = 1700000000;
    ev.time = 1700000005;
    ev.bytes = 123456789012ULL;
    ev.pid = 4321;

    n = xt_event_format(&ev, buf, XT_EVENT_MAX);
    CHECK(n > 0 && n < XT_EVENT_MAX);
    buf[n] = '\0';
    CHECK(memchr(buf, '\n', n) == NULL);

    v = yajl_tree_parse(buf, err, sizeof(err));
    CHECK(v != NULL);
    if (v) {
        CHECK(strcmp(str_at(v, "ev"), "open") == 0);
        CHECK(strcmp(str_at(v, "kind"), "live") == 0);
        CHECK(strcmp(str_at(v, "detail"), "live-ts") == 0);
        CHECK(int_at(v, "line") == 7);
        CHECK(int_at(v, "stream") == 11);
        CHECK(strcmp(str_at(v, "username"), "demo") == 0);
        CHECK(strcmp(str_at(v, "conn"), "00000000000000a1") == 0);
        CHECK(strcmp(str_at(v, "ip"), "127.0.0.1") == 0);
        CHECK(strcmp(str_at(v, "ua"), "VLC \"3\"???\\") == 0);
        CHECK(int_at(v, "start") == 1700000000);
        CHECK(int_at(v, "ts") == 1700000005);
        CHECK(int_at(v, "bytes") == 123456789012LL);
        CHECK(int_at(v, "pid") == 4321);
        yajl_tree_free(v);
    }

    /* a huge user agent is cut to XT_EVENT_UA_MAX, the datagram fits */
    memset(ua, 'u', sizeof(ua));
    ev.ua = ua;
    ev.ua_len = sizeof(ua);
    n = xt_event_format(&ev, buf, XT_EVENT_MAX);
    CHECK(n > 0 && n < XT_EVENT_MAX);
    buf[n] = '\0';
    v = yajl_tree_parse(buf, err, sizeof(err));
    CHECK(v != NULL && strlen(str_at(v, "ua")) == XT_EVENT_UA_MAX);
    if (v) {
        yajl_tree_free(v);
    }

    /* NULL texts and a too-small buffer */
    ev.ua = NULL;
    ev.username = NULL;
    CHECK(xt_event_format(&ev, buf, XT_EVENT_MAX) > 0);
    CHECK(xt_event_format(&ev, buf, 20) == 0);

    /* the on-demand start datagram: CONTRACTS.md's exact shape */
    n = xt_event_format_start(42, 1700000000, buf, XT_EVENT_MAX);
    CHECK(n > 0 && strcmp(buf, "{\"ev\":\"start\",\"stream\":42,"
                               "\"ts\":1700000000}") == 0);
    n = xt_event_format_start(4294967295u, 0, buf, XT_EVENT_MAX);
    CHECK(n > 0 && strcmp(buf, "{\"ev\":\"start\",\"stream\":4294967295,"
                               "\"ts\":0}") == 0);
    v = yajl_tree_parse(buf, err, sizeof(err));
    CHECK(v != NULL && strcmp(str_at(v, "ev"), "start") == 0);
    if (v) {
        yajl_tree_free(v);
    }
    CHECK(xt_event_format_start(42, 1700000000, buf, 20) == 0);

    printf("test_event: %d passed, %d failed\n", xt_test_passed,
           xt_test_failed);
    return xt_test_failed ? 1 : 0;
}
