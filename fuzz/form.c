/*
 * The RTMP publish callback's form body (xt_form.c): every field the
 * module reads, found and decoded from any bytes.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xt_form.h"


static const struct {
    const char  *name;
    size_t       max;
} fields[] = {
    { "addr", 64 }, { "call", 32 }, { "name", 256 }, { "app", 64 }
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t          i, vlen, n;
    xt_form_rc_e    rc;
    unsigned char  *dst;
    const uint8_t  *raw;

    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        rc = xt_form_find(data, size, fields[i].name, fields[i].max, &raw,
                          &vlen);
        if (rc != XT_FORM_OK) {
            assert(rc == XT_FORM_ABSENT || rc == XT_FORM_TOO_LONG);
            continue;
        }

        assert(raw >= data && raw + vlen <= data + size);
        assert(vlen <= 3 * fields[i].max);

        /* exactly vlen bytes of room, as the module allocates */
        dst = malloc(vlen ? vlen : 1);
        assert(dst != NULL);
        n = xt_form_unescape(dst, raw, vlen);
        assert(n <= vlen);
        free(dst);
    }

    return 0;
}
