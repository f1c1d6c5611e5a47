/*
 * Per-line access lists (xt_access.c): the client's address and user
 * agent against allowed_ips / allowed_uas lists.  The lists come from the
 * snapshot (validated on import, but a file is still input), the user
 * agent from the network.
 *
 * Input: 16 bytes of address (byte 0 bit 0: read as IPv4 from bytes
 * 1..4), then list \0 user agent.
 */

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "xt_access.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int             r;
    size_t          llen;
    uint8_t         addr[XT_ACCESS_ADDR_LEN];
    const uint8_t  *list, *ua, *nul;

    if (size < 16) {
        return 0;
    }

    if (data[0] & 1) {
        xt_access_addr_v4(addr, data + 1);
    } else {
        xt_access_addr_v6(addr, data);
    }

    list = data + 16;
    size -= 16;
    nul = memchr(list, '\0', size);
    llen = nul ? (size_t) (nul - list) : size;
    ua = nul ? nul + 1 : list + size;

    r = xt_access_ip_allowed((const char *) list, llen, addr);
    assert(r == 0 || r == 1);
    assert(llen != 0 || r == 1);

    r = xt_access_ua_allowed((const char *) list, llen, (const char *) ua,
                             size - (size_t) (ua - list));
    assert(r == 0 || r == 1);

    return 0;
}
