#include <stdlib.h>
#include <string.h>

#include "xt_import.h"
#include "xt_test.h"


/* validate doc; return the error (or "" when valid) */
static const char *
verr(const char *doc)
{
    static char  err[512];
    xt_import_t  im;

    err[0] = '\0';
    if (xt_import_validate(&im, doc, err, sizeof(err)) == 0) {
        err[0] = '\0';
    }
    xt_import_free(&im);
    return err;
}

/* {"streams":[[...]]} nesting levels deep, root object included */
static const char *
nested(char *doc, size_t levels)
{
    size_t  i = (size_t) sprintf(doc, "{\"streams\":");

    memset(doc + i, '[', levels - 1);
    memset(doc + i + levels - 1, ']', levels - 1);
    strcpy(doc + i + 2 * (levels - 1), "}");
    return doc;
}

#define BAD(doc, want)  do {                                               \
        const char *e_ = verr(doc);                                        \
        CHECK(strcmp(e_, want) == 0);                                      \
        if (strcmp(e_, want) != 0) {                                       \
            fprintf(stderr, "  got \"%s\"\n  want \"%s\"\n", e_, want);    \
        }                                                                  \
    } while (0)


void
test_import(void)
{
    xt_import_t  im;
    char         err[512];
    const char  *good =
        "{\"settings\":{\"timezone\":\"Europe/London\"},"
        "\"categories\":[{\"id\":1,\"type\":\"live\",\"name\":\"News\"}],"
        "\"transcode_profiles\":[{\"id\":2,\"name\":\"abr3\",\"mode\":\"abr\","
        "\"ladder\":[{\"name\":\"720p\",\"height\":720,\"video_kbps\":2500,"
        "\"audio_kbps\":128}]}],"
        "\"streams\":[{\"id\":1,\"name\":\"News One\",\"category_id\":1,"
        "\"sources\":[\"file:///a.ts\"],\"stream_key\":\"k\",\"servers\":[1]}],"
        "\"series\":[{\"id\":1,\"name\":\"S\",\"seasons\":[{\"season_number\":1}],"
        "\"episodes\":[{\"id\":101,\"season_number\":1,\"episode_num\":1}]}],"
        "\"bouquets\":[{\"id\":1,\"name\":\"Basic\",\"live\":[1]}],"
        "\"lines\":[{\"username\":\"demo\",\"password\":\"demo-pass\","
        "\"exp_date\":null,\"bouquets\":[1],\"allowed_outputs\":[\"ts\"]}],"
        "\"epg\":{\"channels\":[{\"id\":\"news1.uk\"}],\"programmes\":"
        "[{\"channel\":\"news1.uk\",\"start\":1,\"stop\":2}]}}";

    CHECK(xt_import_validate(&im, good, err, sizeof(err)) == 0);
    CHECK(im.lists[XT_E_LINES] && im.lists[XT_E_LINES]->n == 1);
    CHECK(im.lists[XT_E_STREAMS] && XT_VAL(im.lists[XT_E_STREAMS], 0, 0)->i
          == 1);
    CHECK(im.lists[XT_E_EPG_PROGRAMMES]
          && im.lists[XT_E_EPG_PROGRAMMES]->n == 1);
    xt_import_free(&im);

    BAD("{}", "");

    /* a million nested arrays: refused before yajl builds (and frees,
       recursively, overflowing the stack) the tree.  Seen in review, the
       crash confirmed with fuzz/import.c (fuzz/regress/import/ holds
       shallower ones: the crashing input is megabytes) */
    {
        size_t  n = 1000000, i;
        char   *deep = malloc(2 * n + 32);

        CHECK(deep != NULL);
        if (deep) {
            i = (size_t) sprintf(deep, "{\"streams\":");
            memset(deep + i, '[', n);
            memset(deep + i + n, ']', n);
            strcpy(deep + i + 2 * n, "}");
            BAD(deep, "invalid JSON: nested deeper than 32 levels");
            free(deep);
        }
    }
    /* brackets inside strings do not nest */
    BAD("{\"settings\":{\"server_name\":\""
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[\"}}", "");
    {
        char  doc[128];

        BAD(nested(doc, 32), "streams[0]: must be an object");
        BAD(nested(doc, 33), "invalid JSON: nested deeper than 32 levels");
    }
    /* settings: known names, valid values (issue 18, docs/SETTINGS.md) */
    BAD("{\"settings\":{\"motd\":\"hi\"}}",
        "settings.motd: unknown setting; known: server_name, timezone");
    BAD("{\"settings\":{\"timezone\":\"Mars/Olympus\"}}",
        "settings.timezone: no such time zone in the tz database (cannot "
        "open the time zone file)");
    BAD("{\"settings\":{\"timezone\":\"../../etc/passwd\"}}",
        "settings.timezone: must be a time zone name such as Europe/London "
        "or UTC");
    BAD("{\"settings\":{\"server_name\":\"\"}}",
        "settings.server_name: must be 1..255 bytes");
    BAD("{\"settings\":{\"timezone\":\"America/New_York\"}}", "");
    BAD("[1]", "(document): must be an object");
    BAD("{\"lines\": [", "invalid JSON: parse error: premature EOF");
    BAD("{\"linez\":[]}", "linez: unknown key");
    BAD("{\"lines\":{}}", "lines: must be an array of objects");
    BAD("{\"lines\":[{\"username\":\"a b\",\"password\":\"x\"}]}",
        "lines[0].username: must be 1..64 characters of [A-Za-z0-9._@-]");
    BAD("{\"lines\":[{\"username\":\"ok\",\"password\":\"x\"},"
        "{\"username\":\"u\",\"password\":\"p\",\"max_connections\":-1}]}",
        "lines[1].max_connections: must be an integer 0..1000000");
    BAD("{\"lines\":[{\"username\":\"u\"}]}", "lines[0].password: is required");
    BAD("{\"lines\":[{\"username\":\"u\",\"password\":\"p\",\"extra\":1}]}",
        "lines[0].extra: unknown key");
    BAD("{\"lines\":[{\"username\":\"u\",\"password\":\"p\","
        "\"status\":\"gone\"}]}",
        "lines[0].status: must be one of active, disabled, banned");
    BAD("{\"lines\":[{\"username\":\"u\",\"password\":\"p\","
        "\"bouquets\":[1,\"2\"]}]}",
        "lines[0].bouquets[1]: must be an integer 1..4294967295");
    BAD("{\"lines\":[{\"username\":\"u\",\"password\":\"p\","
        "\"allowed_outputs\":[\"ts\",\"flv\"]}]}",
        "lines[0].allowed_outputs[1]: must be one of ts, m3u8, rtmp");
    BAD("{\"lines\":[{\"username\":\"u\",\"password\":\"p\","
        "\"is_trial\":1}]}", "lines[0].is_trial: must be true or false");
    /* allowed_ips: the admin API's rule, the module's reading (issue 18) */
    BAD("{\"lines\":[{\"username\":\"u\",\"password\":\"p\","
        "\"allowed_ips\":[\"10.0.0.1\",\"999.1.1.1\"]}]}",
        "lines[0].allowed_ips[1]: must be an IPv4/IPv6 address or CIDR "
        "(a.b.c.d[/0..32], x::y[/0..128])");
    BAD("{\"lines\":[{\"username\":\"u\",\"password\":\"p\","
        "\"allowed_ips\":[\"10.0.0.0/33\"]}]}",
        "lines[0].allowed_ips[0]: must be an IPv4/IPv6 address or CIDR "
        "(a.b.c.d[/0..32], x::y[/0..128])");
    BAD("{\"lines\":[{\"username\":\"u\",\"password\":\"p\","
        "\"allowed_ips\":[\"300.0.0.1/8\"]}]}",
        "lines[0].allowed_ips[0]: must be an IPv4/IPv6 address or CIDR "
        "(a.b.c.d[/0..32], x::y[/0..128])");
    BAD("{\"lines\":[{\"username\":\"u\",\"password\":\"p\","
        "\"max_connections\":1.5}]}",
        "lines[0].max_connections: must be an integer 0..1000000");
    BAD("{\"streams\":[{\"id\":0,\"name\":\"x\"}]}",
        "streams[0].id: must be an integer 1..4294967295");
    BAD("{\"streams\":[{\"id\":1,\"name\":null}]}",
        "streams[0].name: must not be null");
    BAD("{\"streams\":[{\"id\":1,\"name\":\"x\",\"sources\":[\"ok\",3]}]}",
        "streams[0].sources[1]: must be a string of at most 2048 bytes");
    BAD("{\"categories\":[{\"id\":1,\"name\":\"x\",\"type\":\"radio\"}]}",
        "categories[0].type: must be one of live, movie, series");
    BAD("{\"series\":[{\"id\":1,\"name\":\"S\",\"episodes\":"
        "[{\"id\":5,\"season_number\":\"1\"}]}]}",
        "series[0].episodes[0].season_number: must be an integer 0..100000");
    BAD("{\"transcode_profiles\":[{\"id\":1,\"name\":\"a\",\"ladder\":"
        "[{\"name\":\"x\",\"height\":1}]}]}",
        "transcode_profiles[0].ladder[0].height: must be an integer "
        "16..4320");
    BAD("{\"epg\":{\"programmes\":[{\"channel\":\"c\",\"start\":5,"
        "\"stop\":5}]}}", "epg.programmes[0].stop: must be after start");
    BAD("{\"epg\":{\"chanels\":[]}}", "epg.chanels: unknown key");
    BAD("{\"settings\":{\"a\":1}}",
        "settings.a: must be a string of at most 1024 bytes");
    BAD("{\"lines\":[],\"lines\":[]}", "lines: duplicate key");
    BAD("{\"bouquets\":[{\"id\":1,\"name\":\"b\",\"live\":[1,0]}]}",
        "bouquets[0].live[1]: must be an integer 1..4294967295");

    /* the multi-row parameter list the batched apply binds: rows are
       appended, buffers point into it once fixed */
    {
        xt_mbinds_t  m;
        xt_binds_t   bs;
        int          k;

        xt_mbinds_init(&m);
        for (k = 0; k < 300; k++) {     /* past the first growth */
            xt_binds_reset(&bs);
            xt_bind_int(&bs, k);
            xt_bind_str(&bs, "abc", (size_t) (k % 4));
            xt_bind_null(&bs);
            CHECK(xt_mbinds_add(&m, &bs) == 0);
        }
        xt_mbinds_fix(&m);
        CHECK(m.n == 900);
        CHECK(m.b[3 * 299].buffer_type == MYSQL_TYPE_LONGLONG
              && *(long long *) m.b[3 * 299].buffer == 299);
        CHECK(m.b[3 * 7 + 1].buffer_type == MYSQL_TYPE_STRING
              && *m.b[3 * 7 + 1].length == 3
              && memcmp(m.b[3 * 7 + 1].buffer, "abc", 3) == 0);
        CHECK(m.b[3 * 8 + 2].buffer_type == MYSQL_TYPE_NULL);
        xt_mbinds_reset(&m);
        CHECK(m.n == 0);
        xt_mbinds_free(&m);
    }
}
