/*
 * Delivery paths (xt_route.c): the normalised path nginx hands the module,
 * the raw request target, and the credential check, on any bytes.  What
 * the parser returns must point into the input and obey its own rules.
 */

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "xt_route.h"


static void
in_input(xt_span_t s, const char *p, size_t len)
{
    if (s.len) {
        assert(s.data >= p && s.data + s.len <= p + len);
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char   *p = (const char *) data;
    xt_route_t    rt;
    xt_route_rc_e rc;

    (void) xt_route_raw_ok(p, size);
    (void) xt_route_valid_cred(p, size);

    rc = xt_route_parse(p, size, &rt);
    assert(rc == XT_ROUTE_OK || rc == XT_ROUTE_NOT_FOUND
           || rc == XT_ROUTE_BAD);

    if (rc != XT_ROUTE_OK) {
        return 0;
    }

    in_input(rt.username, p, size);
    in_input(rt.password, p, size);
    in_input(rt.start, p, size);
    assert(rt.ext.len <= XT_ROUTE_EXT_MAX);
    assert(rt.start.len <= XT_ROUTE_START_MAX);

    if (rt.kind == XT_ROUTE_HLS_SEGMENT || rt.kind == XT_ROUTE_HLS_PLAYLIST) {
        assert(rt.id != 0 && rt.variant <= 63);
        return 0;
    }

    /* the other kinds carry credentials players keep intact in URLs */
    assert(xt_route_valid_cred(rt.username.data, rt.username.len));
    assert(xt_route_valid_cred(rt.password.data, rt.password.len));
    assert(rt.id != 0);

    if (rt.kind == XT_ROUTE_TIMESHIFT) {
        assert(rt.duration >= 1 && rt.duration <= 24 * 60 * 31);
    }

    return 0;
}
