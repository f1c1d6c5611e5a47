/* Unit tests of the form field parser of the RTMP publish callback
   (xt_form.c). */

#include <stdio.h>
#include <string.h>

#include "xt_form.h"

#include "xt_test.h"

int  xt_test_passed, xt_test_failed;


/* the decoded value of field name, or NULL when absent or too long */
static const char *
get(const char *body, const char *name, size_t max)
{
    size_t                vlen, n;
    const unsigned char  *raw;
    static unsigned char  out[1024];

    if (xt_form_find((const unsigned char *) body, strlen(body), name, max,
                     &raw, &vlen) != XT_FORM_OK)
    {
        return NULL;
    }

    n = xt_form_unescape(out, raw, vlen);
    out[n] = '\0';

    return (const char *) out;
}


static int
is(const char *got, const char *want)
{
    if (got == NULL || strcmp(got, want) != 0) {
        fprintf(stderr, "  got \"%s\", want \"%s\"\n", got ? got : "(null)",
                want);
        return 0;
    }
    return 1;
}


static size_t
unescape_len(const char *raw)
{
    unsigned char  out[64];

    return xt_form_unescape(out, (const unsigned char *) raw, strlen(raw));
}


int
main(void)
{
    size_t                vlen;
    const unsigned char  *raw;
    const char           *nginx_rtmp =
        "app=live&flashver=FMLE&swfurl=&tcurl=rtmp%3A%2F%2F127.0.0.1%2Flive"
        "&pageurl=&addr=10.9.8.7&clientid=1&call=publish&name=k%2Bey+1"
        "&type=live&name=override&call=publish_done";

    /* the fields nginx-rtmp sends; the first occurrence wins */
    CHECK(is(get(nginx_rtmp, "call", 32), "publish"));
    CHECK(is(get(nginx_rtmp, "name", 256), "k+ey 1"));
    CHECK(is(get(nginx_rtmp, "addr", 64), "10.9.8.7"));
    CHECK(is(get(nginx_rtmp, "app", 64), "live"));
    CHECK(is(get(nginx_rtmp, "tcurl", 64), "rtmp://127.0.0.1/live"));
    CHECK(is(get(nginx_rtmp, "swfurl", 64), ""));

    /* absent: no field, a bare name, a longer or shorter key */
    CHECK(get(nginx_rtmp, "nope", 64) == NULL);
    CHECK(get("name&call=x", "name", 64) == NULL);
    CHECK(is(get("names=a&nam=b&name=c", "name", 64), "c"));
    CHECK(get("", "name", 64) == NULL);
    CHECK(get("&&&", "name", 64) == NULL);
    CHECK(is(get("&&name=v&", "name", 64), "v"));
    CHECK(is(get("name==v", "name", 64), "=v"));
    CHECK(xt_form_find((const unsigned char *) "name", 4, "name", 8, &raw,
                       &vlen) == XT_FORM_ABSENT);

    /* length: refused before decoding beyond 3 * max raw bytes */
    CHECK(xt_form_find((const unsigned char *) "name=abcdefghij", 15, "name",
                       3, &raw, &vlen) == XT_FORM_TOO_LONG);
    CHECK(xt_form_find((const unsigned char *) "name=abcdefghi", 14, "name",
                       3, &raw, &vlen) == XT_FORM_OK && vlen == 9);
    CHECK(xt_form_find((const unsigned char *) "name=%41%41%41%41", 17,
                       "name", 3, &raw, &vlen) == XT_FORM_TOO_LONG);
    CHECK(xt_form_find((const unsigned char *) "name=%41%41%41", 14, "name",
                       3, &raw, &vlen) == XT_FORM_OK && vlen == 9);
    CHECK(unescape_len("%41%41%41") == 3);

    /* decoding, exactly as "+" -> " " then ngx_unescape_uri(.., 0) */
    CHECK(is(get("k=a+b", "k", 64), "a b"));
    CHECK(is(get("k=%41%62%2b", "k", 64), "Ab+"));
    CHECK(is(get("k=%zz", "k", 64), "zz"));         /* "%" dropped */
    CHECK(is(get("k=%4zq", "k", 64), "q"));         /* "%4z" dropped */
    CHECK(is(get("k=ab%", "k", 64), "ab"));         /* trailing "%" */
    CHECK(is(get("k=ab%4", "k", 64), "ab"));        /* trailing "%4" */
    CHECK(is(get("k=%+x", "k", 64), " x"));         /* "%" + space */
    CHECK(is(get("k=%%41", "k", 64), "%41"));
    CHECK(is(get("k=%4+", "k", 64), ""));
    CHECK(unescape_len("%00") == 1);                 /* a NUL byte, kept */
    CHECK(unescape_len("") == 0);

    /* a field may hold a NUL byte; the lookup is by length, not C string */
    CHECK(xt_form_find((const unsigned char *) "a\0b=1&name=2", 12, "name",
                       8, &raw, &vlen) == XT_FORM_OK
          && vlen == 1 && raw[0] == '2');

    printf("test_form: %d passed, %d failed\n", xt_test_passed,
           xt_test_failed);

    return xt_test_failed ? 1 : 0;
}
