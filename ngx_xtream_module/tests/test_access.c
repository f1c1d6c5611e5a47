/* Unit tests of the allowed address / user agent / output checks. */

#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "xt_access.h"
#include "xt_snap_format.h"

#include "xt_test.h"

int  xt_test_passed, xt_test_failed;


static int
ip(const char *list, const char *addr)
{
    uint8_t  a[16], v4[4];

    if (inet_pton(AF_INET, addr, v4) == 1) {
        xt_access_addr_v4(a, v4);
    } else if (inet_pton(AF_INET6, addr, a) != 1) {
        return -1;
    }

    return xt_access_ip_allowed(list, strlen(list), a);
}


static int
ua(const char *list, const char *u)
{
    return xt_access_ua_allowed(list, strlen(list), u, strlen(u));
}


int
main(void)
{
    /* empty list: anyone */
    CHECK(ip("", "1.2.3.4") == 1);
    CHECK(ip(" , ,", "1.2.3.4") == 1);

    /* exact */
    CHECK(ip("1.2.3.4", "1.2.3.4") == 1);
    CHECK(ip("1.2.3.4", "1.2.3.5") == 0);
    CHECK(ip("10.0.0.1, 1.2.3.4 ", "1.2.3.4") == 1);

    /* CIDR */
    CHECK(ip("10.0.0.0/8", "10.200.3.4") == 1);
    CHECK(ip("10.0.0.0/8", "11.0.0.1") == 0);
    CHECK(ip("192.168.1.128/25", "192.168.1.200") == 1);
    CHECK(ip("192.168.1.128/25", "192.168.1.100") == 0);
    CHECK(ip("0.0.0.0/0", "8.8.8.8") == 1);
    CHECK(ip("0.0.0.0/0", "::1") == 0);           /* v4 rule, v6 client */
    CHECK(ip("1.2.3.4/32", "1.2.3.4") == 1);

    /* IPv6 and IPv4-mapped */
    CHECK(ip("::1", "::1") == 1);
    CHECK(ip("2001:db8::/32", "2001:db8:1::5") == 1);
    CHECK(ip("2001:db8::/32", "2001:db9::5") == 0);
    CHECK(ip("::ffff:1.2.3.4", "1.2.3.4") == 1);

    /* malformed entries never match, and do not open the list */
    CHECK(ip("1.2.3.4/33", "1.2.3.4") == 0);
    CHECK(ip("1.2.3.4/", "1.2.3.4") == 0);
    CHECK(ip("1.2.3.4/x", "1.2.3.4") == 0);
    CHECK(ip("1.2.3", "1.2.3.0") == 0);
    CHECK(ip("garbage", "1.2.3.4") == 0);
    CHECK(ip("2001:db8::/129", "2001:db8::1") == 0);
    CHECK(ip("1.2.3.4/0008", "1.2.3.4") == 0);
    CHECK(ip("garbage,1.2.3.4", "1.2.3.4") == 1);

    /* user agents: exact, case-sensitive, trimmed entries */
    CHECK(ua("", "anything") == 1);
    CHECK(ua("", "") == 1);
    CHECK(ua("VLC/3.0.18 LibVLC/3.0.18", "VLC/3.0.18 LibVLC/3.0.18") == 1);
    CHECK(ua("VLC/3.0.18 LibVLC/3.0.18", "vlc/3.0.18 libvlc/3.0.18") == 0);
    CHECK(ua("Kodi/20, VLC/3.0.18 LibVLC/3.0.18 ", "VLC/3.0.18 LibVLC/3.0.18")
          == 1);
    CHECK(ua("Kodi/20", "Kodi/20 extra") == 0);
    CHECK(ua("Kodi/20", "") == 0);
    CHECK(ua("Kodi/20", "Kodi") == 0);

    /* outputs */
    CHECK(xt_access_output_allowed(XT_OUT_TS, 0) == 1);
    CHECK(xt_access_output_allowed(XT_OUT_TS, 1) == 0);
    CHECK(xt_access_output_allowed(XT_OUT_M3U8, 1) == 1);
    CHECK(xt_access_output_allowed(XT_OUT_M3U8, 0) == 0);
    CHECK(xt_access_output_allowed(XT_OUT_TS | XT_OUT_M3U8, 0) == 1);
    CHECK(xt_access_output_allowed(0, 0) == 0);

    /* Host names written into URLs */
    CHECK(xt_access_host_valid("tv.example.com", 14) == 1);
    CHECK(xt_access_host_valid("my_box-1.lan", 12) == 1);
    CHECK(xt_access_host_valid("192.0.2.7", 9) == 1);
    CHECK(xt_access_host_valid("[2001:db8::1]", 13) == 1);
    CHECK(xt_access_host_valid("h.example\"tvg-logo=\"x", 21) == 0);
    CHECK(xt_access_host_valid("a b", 3) == 0);
    CHECK(xt_access_host_valid("a<b>", 4) == 0);
    CHECK(xt_access_host_valid("a'b", 3) == 0);
    CHECK(xt_access_host_valid("a\rb", 3) == 0);
    CHECK(xt_access_host_valid("[::1\"]", 6) == 0);
    CHECK(xt_access_host_valid("[]", 2) == 0);
    CHECK(xt_access_host_valid("", 0) == 0);

    printf("test_access: %d passed, %d failed\n", xt_test_passed,
           xt_test_failed);
    return xt_test_failed ? 1 : 0;
}
