/* Admin API pure pieces: PBKDF2 text format, body field checks (each
   error names its field), value checks, path ids, admin_listen. */
#define _GNU_SOURCE
#include <string.h>

#include <yajl/yajl_tree.h>

#include "xt_test.h"
#include "admin/xt_admin.h"
#include "admin/xt_admin_fields.h"
#include "admin/xt_admin_http.h"
#include "admin/xt_admin_pbkdf2.h"

#define SALT32  "00112233445566778899aabbccddeeff"
#define HASH64  "00112233445566778899aabbccddeeff" \
                "00112233445566778899aabbccddeeff"


static void
test_pbkdf2(void)
{
    xt_pbkdf2_t  k;
    char         text[XT_PBKDF2_TEXT_MAX + 1];
    const char  *ok = "pbkdf2-sha256$210000$" SALT32 "$" HASH64;
    const char  *bad[] = {
        "pbkdf2-sha1$210000$" SALT32 "$" HASH64,          /* other hash */
        "pbkdf2-sha256$0210000$" SALT32 "$" HASH64,       /* leading zero */
        "pbkdf2-sha256$999$" SALT32 "$" HASH64,           /* too few */
        "pbkdf2-sha256$99999999$" SALT32 "$" HASH64,      /* too many */
        "pbkdf2-sha256$-1$" SALT32 "$" HASH64,
        "pbkdf2-sha256$$" SALT32 "$" HASH64,
        "pbkdf2-sha256$210000$" "0011" "$" HASH64,        /* short salt */
        "pbkdf2-sha256$210000$" SALT32 "$" "0011",        /* short hash */
        "pbkdf2-sha256$210000$" "00112233445566778899AABBCCDDEEFF" "$" HASH64,
        "pbkdf2-sha256$210000$" SALT32 "0$" HASH64,       /* odd length */
        "pbkdf2-sha256$210000$" SALT32 "$" HASH64 "$x",   /* extra part */
        "pbkdf2-sha256$210000$" SALT32,
        "",
        NULL
    };
    int          i;

    CHECK(xt_pbkdf2_parse(ok, strlen(ok), &k) == 0);
    CHECK(k.iterations == 210000 && k.salt_len == 16 && k.hash_len == 32);
    CHECK(k.salt[1] == 0x11 && k.hash[15] == 0xff);
    for (i = 0; bad[i]; i++) {
        CHECK(xt_pbkdf2_parse(bad[i], strlen(bad[i]), &k) == -1);
    }

    /* round trip at the minimum cost (the default is slow on purpose) */
    CHECK(xt_pbkdf2_make("s3cret pass", 11, XT_PBKDF2_ITER_MIN, text,
                         sizeof(text)) == 0);
    CHECK(strncmp(text, "pbkdf2-sha256$1000$", 19) == 0);
    CHECK(strlen(text) == 19 + 32 + 1 + 64);
    CHECK(xt_pbkdf2_parse(text, strlen(text), &k) == 0);
    CHECK(xt_pbkdf2_verify(text, "s3cret pass", 11) == 1);
    CHECK(xt_pbkdf2_verify(text, "s3cret pasS", 11) == 0);
    CHECK(xt_pbkdf2_verify(text, "s3cret pas", 10) == 0);
    CHECK(xt_pbkdf2_verify("garbage", "x", 1) == 0);
    CHECK(xt_pbkdf2_make("x", 1, 10, text, sizeof(text)) == -1);

    /* a vector computed independently (Python hashlib.pbkdf2_hmac) */
    {
        const char *v = "pbkdf2-sha256$1000$000102030405060708090a0b0c0d0e0f$"
                        "c914cc4f06cc6e8f46d157e3a1b5aa7abceebb17bb0444cd4c4a"
                        "c16ca2ae9864";
        CHECK(xt_pbkdf2_verify(v, "correct horse", 13) == 1);
        CHECK(xt_pbkdf2_verify(v, "correct horsf", 13) == 0);
    }
}


static yajl_val
parse(const char *s)
{
    char  err[128];

    return yajl_tree_parse(s, err, sizeof(err));
}


static void
test_fields(void)
{
    static const char *const  keys[] = { "name", "n", "ids", NULL };
    xt_admin_req_t            rq;
    yajl_val                  v;
    const char               *s;
    long long                 n, ids[4];
    size_t                    nids;
    int                       present;

    xt_admin_req_init(&rq, NULL, NULL);

    v = parse("{\"name\":\"ok\",\"n\":5,\"ids\":[3,1]}");
    CHECK(xt_fields_only(&rq, v, keys) == 0);
    CHECK(xt_field_str(&rq, v, "name", 1, 10, 1, &s) == 0 && strcmp(s, "ok") == 0);
    CHECK(xt_field_int(&rq, v, "n", 0, 9, 1, &n, &present) == 0 && n == 5
          && present);
    CHECK(xt_field_ids(&rq, v, "ids", 4, ids, &nids, &present) == 0
          && nids == 2 && ids[0] == 3);
    CHECK(xt_field_str(&rq, v, "missing", 1, 10, 0, &s) == 0 && s == NULL);
    CHECK(xt_field_str(&rq, v, "missing", 1, 10, 1, &s) == -1
          && rq.status == 400 && strcmp(rq.err_field, "missing") == 0);
    CHECK(xt_field_int(&rq, v, "n", 6, 9, 1, &n, &present) == -1
          && strcmp(rq.err_field, "n") == 0);
    yajl_tree_free(v);

    v = parse("{\"name\":\"ok\",\"extra\":1}");
    CHECK(xt_fields_only(&rq, v, keys) == -1
          && strcmp(rq.err_field, "extra") == 0
          && strcmp(rq.err_code, "bad_field") == 0);
    yajl_tree_free(v);

    v = parse("{\"name\":\"ok\",\"name\":\"again\"}");
    CHECK(xt_fields_only(&rq, v, keys) == -1
          && strcmp(rq.err_field, "name") == 0);
    yajl_tree_free(v);

    v = parse("{\"name\":\"tab\\there\",\"n\":1.5,\"ids\":[1,0]}");
    CHECK(xt_field_str(&rq, v, "name", 1, 10, 1, &s) == -1);
    CHECK(xt_field_int(&rq, v, "n", 0, 9, 1, &n, &present) == -1);
    CHECK(xt_field_ids(&rq, v, "ids", 4, ids, &nids, &present) == -1
          && strcmp(rq.err_field, "ids[1]") == 0);
    yajl_tree_free(v);

    v = parse("{\"ids\":[2,2]}");
    CHECK(xt_field_ids(&rq, v, "ids", 4, ids, &nids, &present) == -1
          && strcmp(rq.err_field, "ids[1]") == 0);
    yajl_tree_free(v);
    v = parse("{\"ids\":[1,2,3,4,5]}");
    CHECK(xt_field_ids(&rq, v, "ids", 4, ids, &nids, &present) == -1
          && strcmp(rq.err_field, "ids") == 0);
    yajl_tree_free(v);
    v = parse("{\"name\":\"\xc3\xa9t\xc3\xa9\"}");
    CHECK(xt_field_str(&rq, v, "name", 1, 10, 1, &s) == 0);
    yajl_tree_free(v);

    xt_admin_req_free(&rq);
}


static void
test_checks(void)
{
#define OK(f, s)   CHECK(f(s, strlen(s)) == 1)
#define BAD(f, s)  CHECK(f(s, strlen(s)) == 0)
    OK(xt_check_relpath, "films/a.mp4");
    OK(xt_check_relpath, "");
    OK(xt_check_relpath, "a..b/c");
    BAD(xt_check_relpath, "../a.mp4");
    BAD(xt_check_relpath, "films/../../etc/passwd");
    BAD(xt_check_relpath, "/abs.mp4");
    BAD(xt_check_relpath, "films//a.mp4");
    BAD(xt_check_relpath, "films/./a.mp4");
    BAD(xt_check_relpath, "films/");
    BAD(xt_check_relpath, "films\\a.mp4");
    OK(xt_check_ext, "mp4");
    BAD(xt_check_ext, "MP4");
    BAD(xt_check_ext, "");
    BAD(xt_check_ext, "toolongext");
    OK(xt_check_url, "rtmp://host/app/key");
    OK(xt_check_url, "file:///srv/a.ts");
    OK(xt_check_url, "udp://239.0.0.1:1234");
    BAD(xt_check_url, "ftp://host/x");
    BAD(xt_check_url, "http://host/a b");
    BAD(xt_check_url, "http://");
    BAD(xt_check_url, "/srv/a.ts");
    OK(xt_check_host, "edge-1.example.com");
    OK(xt_check_host, "[::1]");
    BAD(xt_check_host, "a host");
    BAD(xt_check_host, "h/x");
    OK(xt_check_ip_item, "10.0.0.0/8");
    OK(xt_check_ip_item, "2001:db8::1");
    BAD(xt_check_ip_item, "example.com");
    /* the module's reading: octets and prefix lengths in range (issue 18) */
    OK(xt_check_ip_item, "10.0.0.1/8");
    OK(xt_check_ip_item, "2001:db8::/32");
    OK(xt_check_ip_item, "0.0.0.0/0");
    BAD(xt_check_ip_item, "999.1.1.1");
    BAD(xt_check_ip_item, "10.0.0.0/33");
    BAD(xt_check_ip_item, "300.0.0.1/8");
    BAD(xt_check_ip_item, "2001:db8::/129");
    BAD(xt_check_ip_item, "10.0.0.0/");
    BAD(xt_check_ip_item, "10.0.0.0/8/8");
    BAD(xt_check_ip_item, "1.2.3");
    BAD(xt_check_ip_item, "::ffff::1");
    OK(xt_check_username, "john.doe@x-y_z");
    BAD(xt_check_username, "john doe");
    BAD(xt_check_username, "");
    OK(xt_check_setting_name, "server_name");
    BAD(xt_check_setting_name, "Server-Name");
#undef OK
#undef BAD
    CHECK(xt_text_ok("a\nb", 3, 1) == 1);
    CHECK(xt_text_ok("a\nb", 3, 0) == 0);
    CHECK(xt_text_ok("\xff", 1, 1) == 0);
}


static void
test_ids_and_listen(void)
{
    char      addr[64];
    unsigned  port;

    CHECK(xt_admin_seg_id("1") == 1);
    CHECK(xt_admin_seg_id("4294967295") == 4294967295LL);
    CHECK(xt_admin_seg_id("4294967296") == -1);
    CHECK(xt_admin_seg_id("0") == -1);
    CHECK(xt_admin_seg_id("01") == -1);
    CHECK(xt_admin_seg_id("1a") == -1);
    CHECK(xt_admin_seg_id("") == -1);
    CHECK(xt_admin_seg_id("-1") == -1);

    CHECK(xt_admin_parse_listen("127.0.0.1:8090", addr, sizeof(addr), &port)
          == 0 && port == 8090 && strcmp(addr, "127.0.0.1") == 0);
    CHECK(xt_admin_parse_listen("127.0.0.1:0", addr, sizeof(addr), &port)
          == -1);
    CHECK(xt_admin_parse_listen("127.0.0.1:65536", addr, sizeof(addr), &port)
          == -1);
    CHECK(xt_admin_parse_listen("localhost:80", addr, sizeof(addr), &port)
          == -1);
    CHECK(xt_admin_parse_listen("127.0.0.1", addr, sizeof(addr), &port)
          == -1);
    CHECK(xt_admin_parse_listen(":80", addr, sizeof(addr), &port) == -1);
}


/* no database: the core answers 503 "unavailable", never crashes */
static void
test_core_without_db(void)
{
    xt_admin_req_t        rq;
    const unsigned char  *p;
    size_t                len;

    xt_admin_req_init(&rq, NULL, NULL);
    strcpy(rq.method, "GET");
    strcpy(rq.path, "/admin/api/lines");
    xt_admin_handle(&rq);
    CHECK(rq.status == 503);
    xt_admin_body(&rq, &p, &len);
    CHECK(len > 0 && memmem(p, len, "\"code\":\"unavailable\"", 20) != NULL);
    xt_admin_req_free(&rq);
}


void
test_admin(void)
{
    test_pbkdf2();
    test_fields();
    test_checks();
    test_ids_and_listen();
    test_core_without_db();
}
