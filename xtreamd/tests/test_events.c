/* Event datagram parsing, including hostile input. */
#include <stdio.h>
#include <string.h>

#include "xt_events.h"
#include "xt_test.h"


static int
ep(const char *s, xt_event_t *e)
{
    const char  *why;

    return xt_event_parse(s, strlen(s), e, &why);
}


void
test_events(void)
{
    xt_event_t   e;
    const char  *why;
    char         big[4096];
    size_t       i;

    CHECK(ep("{\"ev\":\"open\",\"conn\":\"00112233aabbccdd\",\"line\":7,"
             "\"stream\":42,\"kind\":\"hls\",\"ip\":\"1.2.3.4\","
             "\"ua\":\"VLC/3.0 (x)\",\"ts\":1700000000,\"server\":1}", &e)
          == 0);
    CHECK(e.type == XT_EV_OPEN && e.line == 7 && e.stream == 42);
    CHECK(strcmp(e.conn, "00112233aabbccdd") == 0);
    CHECK(strcmp(e.kind, "hls") == 0 && strcmp(e.ip, "1.2.3.4") == 0);
    CHECK(strcmp(e.ua, "VLC/3.0 (x)") == 0 && e.ts == 1700000000);
    CHECK(e.server == 1);

    CHECK(ep("{\"ev\":\"close\",\"conn\":\"00112233AABBCCDD\",\"line\":7,"
             "\"stream\":42,\"kind\":\"live\",\"ts\":1700000100,"
             "\"bytes\":123456,\"future\":{\"a\":[1]}}", &e) == 0);
    CHECK(e.type == XT_EV_CLOSE && e.bytes == 123456);
    CHECK(ep("{\"ev\":\"start\",\"stream\":42,\"ts\":1700000000}", &e) == 0);
    CHECK(e.type == XT_EV_START && e.stream == 42);
    CHECK(ep("{\"ev\":\"publish\",\"stream\":5,\"ip\":\"::1\",\"ts\":1}", &e)
          == 0 && e.type == XT_EV_PUBLISH);
    CHECK(ep("{\"ev\":\"unpublish\",\"stream\":5}", &e) == 0
          && e.type == XT_EV_UNPUBLISH && e.ts == 0);
    CHECK(ep("{\"ip\":\"fe80::1\",\"ev\":\"close\",\"stream\":1,\"line\":2,"
             "\"conn\":\"0000000000000000\"}", &e) == 0
          && strcmp(e.kind, "live") == 0 && e.bytes == 0);

    /* refused */
    CHECK(ep("", &e) == -1);
    CHECK(ep("null", &e) == -1);
    CHECK(ep("[1,2]", &e) == -1);
    CHECK(ep("\"open\"", &e) == -1);
    CHECK(ep("{\"ev\":\"open\"", &e) == -1);
    CHECK(ep("{\"ev\":\"explode\",\"stream\":1}", &e) == -1);
    CHECK(ep("{\"stream\":1}", &e) == -1);                     /* no ev */
    CHECK(ep("{\"ev\":\"start\"}", &e) == -1);                 /* no stream */
    CHECK(ep("{\"ev\":\"start\",\"stream\":-1}", &e) == -1);
    CHECK(ep("{\"ev\":\"start\",\"stream\":4294967296}", &e) == -1);
    CHECK(ep("{\"ev\":\"start\",\"stream\":1.5}", &e) == -1);
    CHECK(ep("{\"ev\":\"start\",\"stream\":\"1\"}", &e) == -1);
    CHECK(ep("{\"ev\":\"start\",\"stream\":99999999999999999999999}", &e)
          == -1);
    CHECK(ep("{\"ev\":\"start\",\"stream\":1,\"stream\":2}", &e) == -1);
    CHECK(ep("{\"ev\":\"start\",\"ev\":\"open\",\"stream\":1}", &e) == -1);
    CHECK(ep("{\"ev\":\"start\",\"stream\":1} {}", &e) == -1);
    CHECK(ep("{\"ev\":\"open\",\"conn\":\"0011\",\"line\":1,\"stream\":1,"
             "\"kind\":\"live\"}", &e) == -1);                 /* short */
    CHECK(ep("{\"ev\":\"open\",\"conn\":\"00112233aabbccdg\",\"line\":1,"
             "\"stream\":1,\"kind\":\"live\"}", &e) == -1);    /* not hex */
    CHECK(ep("{\"ev\":\"open\",\"conn\":\"00112233aabbccdd\",\"line\":1,"
             "\"stream\":1,\"kind\":\"radio\"}", &e) == -1);
    CHECK(ep("{\"ev\":\"open\",\"conn\":\"00112233aabbccdd\",\"line\":1,"
             "\"stream\":1}", &e) == -1);                      /* no kind */
    CHECK(ep("{\"ev\":\"open\",\"conn\":\"00112233aabbccdd\",\"line\":1,"
             "\"stream\":1,\"kind\":\"live\",\"ip\":\"1.2.3.4; DROP\"}", &e)
          == -1);
    CHECK(ep("{\"ev\":\"open\",\"conn\":\"00112233aabbccdd\",\"line\":1,"
             "\"stream\":1,\"kind\":\"live\",\"ua\":\"a\\nb\"}", &e) == -1);
    CHECK(ep("{\"ev\":\"close\",\"conn\":\"00112233aabbccdd\",\"line\":1,"
             "\"stream\":1,\"bytes\":-5}", &e) == -1);
    CHECK(ep("{\"ev\":\"start\",\"stream\":1,\"ts\":-1}", &e) == -1);
    CHECK(xt_event_parse("{\"ev\":\"start\",\"stream\":1}\0", 27, &e, &why)
          == -1);
    CHECK(xt_event_parse("x", 0, &e, &why) == -1);

    /* ua: 256 bytes pass, 257 do not */
    strcpy(big, "{\"ev\":\"open\",\"conn\":\"00112233aabbccdd\",\"line\":1,"
           "\"stream\":1,\"kind\":\"live\",\"ua\":\"");
    i = strlen(big);
    memset(big + i, 'u', 256);
    strcpy(big + i + 256, "\"}");
    CHECK(ep(big, &e) == 0 && strlen(e.ua) == 256);
    memset(big + i, 'u', 257);
    strcpy(big + i + 257, "\"}");
    CHECK(ep(big, &e) == -1);

    /* deep nesting and size bound */
    memset(big, '[', 2048);
    CHECK(xt_event_parse(big, 2048, &e, &why) == -1);
    strcpy(big, "{\"ev\":\"start\",\"stream\":1,\"pad\":\"");
    i = strlen(big);
    memset(big + i, 'p', 2100);
    strcpy(big + i + 2100, "\"}");
    CHECK(ep(big, &e) == -1);                                  /* > 2048 */
    memset(big, '{', 2048);
    CHECK(xt_event_parse(big, 2048, &e, &why) == -1);
    /* an escaped NUL would cut a string short */
    CHECK(ep("{\"ev\":\"open\",\"conn\":\"00112233aabbccdd\",\"line\":1,"
             "\"stream\":1,\"kind\":\"live\",\"ua\":\"a\\u0000b\"}", &e)
          == -1);
    /* a user agent that says "\u0000" as text (the module escapes its
       backslash) is not an escaped NUL: found by fuzz/event.c
       (fuzz/regress/event/ua-backslash-u0000) */
    CHECK(ep("{\"ev\":\"open\",\"conn\":\"00112233aabbccdd\",\"line\":1,"
             "\"stream\":1,\"kind\":\"live\",\"ua\":\"a\\\\u0000b\"}", &e)
          == 0);
    CHECK(strcmp(e.ua, "a\\u0000b") == 0);
    CHECK(ep("{\"ev\":\"start\",\"stream\":1,\"x\":\"\\\\\\\\u0000\"}", &e)
          == 0);
    /* ... but an escaped backslash followed by an escaped NUL is one */
    CHECK(ep("{\"ev\":\"start\",\"stream\":1,\"x\":\"\\\\\\u0000\"}", &e)
          == -1);
    CHECK(ep("{\"ev\":\"start\",\"stream\":1,\"x\":\"\\u0000\"}", &e) == -1);
    /* invalid UTF-8 */
    CHECK(ep("{\"ev\":\"start\",\"stream\":1,\"x\":\"\xff\xfe\"}", &e) == -1);
}
