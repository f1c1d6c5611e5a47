/*
 * Argument parsing: good inputs, POST-wins merging, hostile inputs.
 */

#include <string.h>

#include "xt_args.h"
#include "xt_test.h"


static int
parse(xt_args_t *a, const char *q, const char *b, const char **err)
{
    *err = NULL;

    return xt_args_parse(a, (const unsigned char *) q, q ? strlen(q) : 0,
                         (const unsigned char *) b, b ? strlen(b) : 0, err);
}


static int
bad(const char *q, const char *want)
{
    xt_args_t    a;
    const char  *err;

    return parse(&a, q, NULL, &err) == -1 && err != NULL
           && (want == NULL || strcmp(err, want) == 0);
}


void
test_args(void)
{
    char         big[512];
    uint32_t     v;
    xt_args_t    a;
    const char  *err;

    /* good */
    CHECK(parse(&a, "username=demo&password=demo-pass", NULL, &err) == 0);
    CHECK(a.username.set && strcmp((char *) a.username.data, "demo") == 0);
    CHECK(a.password.set && a.password.len == 9);
    CHECK(!a.action.set && !a.has_category_id);

    CHECK(parse(&a, "username=a%40b.c&password=x_y-z.1&action=get_live_streams"
                    "&category_id=42&type=m3u_plus&params%5Boffset%5D=3",
                NULL, &err) == 0);
    CHECK(strcmp((char *) a.username.data, "a@b.c") == 0);
    CHECK(strcmp((char *) a.action.data, "get_live_streams") == 0);
    CHECK(a.has_category_id && a.category_id == 42);

    CHECK(parse(&a, "category_id=&username=u", NULL, &err) == 0);
    CHECK(!a.has_category_id);
    CHECK(parse(&a, "category_id=0", NULL, &err) == 0);
    CHECK(a.has_category_id && a.category_id == 0);
    CHECK(parse(&a, "category_id=4294967295", NULL, &err) == 0);
    CHECK(a.category_id == 4294967295u);

    /* POST wins; keys only in the query survive */
    CHECK(parse(&a, "username=q&password=q&action=x",
                "username=p&password=p", &err) == 0);
    CHECK(strcmp((char *) a.username.data, "p") == 0);
    CHECK(strcmp((char *) a.action.data, "x") == 0);

    /* odd but harmless shapes */
    CHECK(parse(&a, "&&username=u&&password&=x&", NULL, &err) == 0);
    CHECK(a.username.set && a.password.set && a.password.len == 0);
    CHECK(parse(&a, NULL, NULL, &err) == 0 && !a.username.set);

    /* hostile */
    CHECK(bad("username=a%00b", "invalid username"));
    CHECK(bad("username=a%4", "invalid username"));
    CHECK(bad("username=a%zz", "invalid username"));
    CHECK(bad("username=a%", "invalid username"));
    CHECK(bad("username=a+b", "invalid username"));
    CHECK(bad("username=a%20b", "invalid username"));
    CHECK(bad("username=a/b", "invalid username"));
    CHECK(bad("password=%0d%0a", "invalid password"));
    CHECK(bad("password=%C3%A9", "invalid password"));
    CHECK(bad("action=get%2elive", "invalid action"));
    CHECK(bad("category_id=-1", "invalid category_id"));
    CHECK(bad("category_id=1a", "invalid category_id"));
    CHECK(bad("category_id=%31", NULL) == 0);
    CHECK(bad("category_id=4294967296", "invalid category_id"));
    CHECK(bad("category_id=12345678901", "category_id too long"));
    CHECK(bad("user%00name=x", "invalid parameter name"));

    memset(big, 'a', sizeof(big));
    memcpy(big, "username=", 9);
    big[9 + 65] = '\0';
    CHECK(bad(big, "username too long"));
    big[9 + 64] = '\0';
    CHECK(!bad(big, NULL));
    memset(big, 'a', sizeof(big));
    memcpy(big, "password=", 9);
    big[sizeof(big) - 1] = '\0';
    CHECK(bad(big, "password too long"));

    /* the body is held to the same rules */
    CHECK(parse(&a, "username=ok", "password=%00", &err) == -1);

    /* strict integers */
    CHECK(xt_parse_u32((const unsigned char *) "0", 1, &v) == 0 && v == 0);
    CHECK(xt_parse_u32((const unsigned char *) "", 0, &v) == -1);
    CHECK(xt_parse_u32((const unsigned char *) "+1", 2, &v) == -1);
    CHECK(xt_parse_u32((const unsigned char *) " 1", 2, &v) == -1);
    CHECK(xt_parse_u32((const unsigned char *) "99999999999", 11, &v) == -1);
}
