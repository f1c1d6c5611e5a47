/*
 * Time zones (xt_tz.c): a TZif file parsed at configuration time, the zone
 * name from the catalog settings, and local times of any instant (EPG
 * times come from imported documents: any int64_t >= 0).
 *
 * Input: byte 0 bit 0: the rest after the instant is a zone name to
 * validate (1) or a TZif file (0); bytes 1..8: the instant; the rest.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xt_tz.h"


static xt_tz_t  tz;             /* 50 kB: not on the stack */


static void
local_times(const xt_tz_t *z, int64_t t)
{
    char     out[XT_TZ_TIME_LEN + 1];
    int32_t  off;

    off = xt_tz_offset(z, t);
    assert(off >= -25 * 3600 && off <= 26 * 3600);     /* RFC 8536 */

    memset(out, 'x', sizeof(out));
    xt_tz_format(z, t, out);
    assert(strlen(out) == XT_TZ_TIME_LEN);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t       i;
    int64_t      t;
    uint64_t     u = 0;
    const char  *err = NULL;

    if (size < 9) {
        return 0;
    }

    for (i = 1; i < 9; i++) {
        u = u << 8 | data[i];
    }
    t = (int64_t) u;

    if (data[0] & 1) {
        (void) xt_tz_name_valid((const char *) data + 9, size - 9);
        xt_tz_utc(&tz);
        local_times(&tz, t);
        return 0;
    }

    if (xt_tz_parse(&tz, data + 9, size - 9, &err) != 0) {
        assert(err != NULL);
        return 0;
    }

    local_times(&tz, t);
    local_times(&tz, 0);
    local_times(&tz, 1700000000);
    local_times(&tz, INT64_MAX);
    local_times(&tz, INT64_MIN);
    if (tz.ntrans) {
        local_times(&tz, tz.trans[0] - 1);
        local_times(&tz, tz.trans[tz.ntrans - 1]);
    }

    return 0;
}
