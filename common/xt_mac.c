/*
 * MAC address parsing and its one written form.
 */

#include <string.h>

#include "xt_hex.h"
#include "xt_mac.h"


int
xt_mac_parse(const char *s, size_t len, uint8_t mac[XT_MAC_LEN])
{
    int     hi, lo;
    char    sep;
    size_t  i;

    if (len != XT_MAC_TEXT_LEN) {
        return -1;
    }

    sep = s[2];
    if (sep != ':' && sep != '-') {
        return -1;
    }

    for (i = 0; i < XT_MAC_LEN; i++) {
        if (i > 0 && s[3 * i - 1] != sep) {
            return -1;
        }

        hi = xt_hex_digit((unsigned char) s[3 * i]);
        lo = xt_hex_digit((unsigned char) s[3 * i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }

        mac[i] = (uint8_t) (hi << 4 | lo);
    }

    if ((mac[0] & 1)
        || (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0)
    {
        return -1;
    }

    return 0;
}


void
xt_mac_format(const uint8_t mac[XT_MAC_LEN], char *out)
{
    size_t  i;

    static const char  hex[] = "0123456789ABCDEF";

    for (i = 0; i < XT_MAC_LEN; i++) {
        if (i > 0) {
            *out++ = ':';
        }
        *out++ = hex[mac[i] >> 4];
        *out++ = hex[mac[i] & 0xf];
    }

    *out = '\0';
}


int
xt_mac_normalize(const char *s, size_t len, char *out)
{
    uint8_t  mac[XT_MAC_LEN];

    if (xt_mac_parse(s, len, mac) != 0) {
        return -1;
    }

    xt_mac_format(mac, out);

    return 0;
}
