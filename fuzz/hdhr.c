/*
 * Device-facing text (issue 17): a MAC address from a box (xt_mac.c), and
 * the HDHomeRun documents (xt_hdhr.c) over a hostile name and base URL:
 * the output fits its documented bound and is valid JSON text inside its
 * quotes (no raw control byte, no unescaped quote).
 *
 * Input: byte 0 splits the rest into a name and a base URL.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xt_hdhr.h"
#include "xt_mac.h"
#include "xt_text.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char           *out, mac_text[XT_MAC_TEXT_LEN + 1], seg[64];
    size_t          n, cut, i;
    uint8_t         mac[XT_MAC_LEN], again[XT_MAC_LEN];
    xt_hdhr_dev_t   d;

    if (xt_mac_parse((const char *) data, size, mac) == 0) {
        xt_mac_format(mac, mac_text);
        assert(strlen(mac_text) == XT_MAC_TEXT_LEN);
        assert(xt_mac_parse(mac_text, XT_MAC_TEXT_LEN, again) == 0);
        assert(memcmp(mac, again, XT_MAC_LEN) == 0);
    }

    n = xt_hdhr_path_segment(seg, sizeof(seg), (const char *) data, size);
    assert(n <= sizeof(seg));

    if (size < 1) {
        return 0;
    }

    cut = data[0] < size - 1 ? data[0] : size - 1;

    memset(&d, 0, sizeof(d));
    d.name = (const char *) data + 1;
    d.name_len = cut;
    d.base_url = (const char *) data + 1 + cut;
    d.base_url_len = size - 1 - cut;
    d.device_id = xt_hdhr_device_id((uint32_t) size, d.name, d.name_len);
    d.tuners = (uint32_t) size;

    assert(xt_hdhr_device_id_valid(d.device_id));

    out = malloc(XT_HDHR_DOC_MAX);
    assert(out != NULL);

    n = xt_hdhr_discover(&d, out, XT_HDHR_DOC_MAX);
    assert(n < XT_HDHR_DOC_MAX);
    assert(n > 0 || d.base_url_len >= XT_HDHR_URL_MAX);

    for (i = 0; i < n; i++) {
        assert((unsigned char) out[i] >= 0x20 && out[i] != 0x7f);
    }

    n = xt_hdhr_device_xml(&d, out, XT_HDHR_DOC_MAX);
    assert(n < XT_HDHR_DOC_MAX);

    free(out);

    return 0;
}
