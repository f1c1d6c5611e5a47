/*
 * Player API arguments (xt_args.c): the query string and the form body
 * from the network.  The input is split at its first '\n' into query and
 * body (no '\n': query only), so keys repeated across both are reached.
 */

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "xt_args.h"


static void
str_ok(const xt_arg_str_t *s)
{
    assert(s->len <= XT_ARG_ACTION_MAX);
    assert(s->data[s->len] == '\0');
    assert(s->set || s->len == 0);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    long            n;
    size_t          qlen;
    xt_args_t       a;
    const char     *err = NULL;
    const uint8_t  *nl, *body;
    unsigned char   dec[256];

    nl = memchr(data, '\n', size);
    qlen = nl ? (size_t) (nl - data) : size;
    body = nl ? nl + 1 : NULL;

    if (xt_args_parse(&a, data, qlen, body, nl ? size - qlen - 1 : 0, &err)
        != 0)
    {
        assert(err != NULL && err[0] != '\0');

    } else {
        str_ok(&a.username);
        str_ok(&a.password);
        str_ok(&a.action);
        str_ok(&a.type);
        str_ok(&a.output);
        assert(a.nstream_ids <= XT_ARG_IDS_MAX);
    }

    n = xt_url_decode(dec, sizeof(dec), data, size);
    assert(n >= -1 && n <= (long) sizeof(dec) && n <= (long) size);

    return 0;
}
