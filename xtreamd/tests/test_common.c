/* common/: hex digits and calendar arithmetic, shared with the module. */
#include <string.h>

#include "xt_civil.h"
#include "xt_hex.h"
#include "xt_mac.h"
#include "xt_test.h"


void
test_common(void)
{
    static const unsigned char  bin[4] = { 0x00, 0x9f, 0xa0, 0xff };
    unsigned char               out[4];
    char                        hex[9];
    int64_t                     y, day;
    int32_t                     m, d;
    int                         ok = 1;
    uint8_t                     mac[6];
    char                        mtext[18];

    /* MACs: either case and separator in, one form out */
    CHECK(xt_mac_normalize("00:1a:79:ab:cd:ef", 17, mtext) == 0
          && strcmp(mtext, "00:1A:79:AB:CD:EF") == 0);
    CHECK(xt_mac_normalize("00-1A-79-0b-Cd-EF", 17, mtext) == 0
          && strcmp(mtext, "00:1A:79:0B:CD:EF") == 0);
    CHECK(xt_mac_parse("00:1A-79:AB:CD:EF", 17, mac) == -1);   /* mixed */
    CHECK(xt_mac_parse("00:1A:79:AB:CD:E", 16, mac) == -1);
    CHECK(xt_mac_parse("00:1A:79:AB:CD:EF ", 18, mac) == -1);
    CHECK(xt_mac_parse("00:1A:79:AB:CD:EG", 17, mac) == -1);
    CHECK(xt_mac_parse("001A79ABCDEF:::::", 17, mac) == -1);
    CHECK(xt_mac_parse("00:00:00:00:00:00", 17, mac) == -1);   /* zero */
    CHECK(xt_mac_parse("01:1A:79:AB:CD:EF", 17, mac) == -1);   /* multicast */
    CHECK(xt_mac_parse("00:1A:79:AB:CD:EF", 17, mac) == 0
          && mac[0] == 0 && mac[2] == 0x79 && mac[5] == 0xef);

    memset(hex, 'x', sizeof(hex));
    xt_hex_encode(hex, bin, sizeof(bin));
    CHECK(memcmp(hex, "009fa0ff", 8) == 0 && hex[8] == 'x');
    CHECK(xt_hex_decode_lower(out, "009fa0ff", 8) == 0
          && memcmp(out, bin, 4) == 0);
    /* the strict reader: lower case, whole bytes */
    CHECK(xt_hex_decode_lower(out, "009FA0ff", 8) == -1);
    CHECK(xt_hex_decode_lower(out, "009fa0f", 7) == -1);
    CHECK(xt_hex_decode_lower(out, "0g", 2) == -1);
    /* %XX takes either case; the case fold must not turn other bytes
       (0x10 | 0x20 == '0') into digits */
    CHECK(xt_hex_digit('F') == 15 && xt_hex_digit('f') == 15
          && xt_hex_digit('9') == 9);
    CHECK(xt_hex_digit(0x10) == -1 && xt_hex_digit(0x11) == -1
          && xt_hex_digit('G') == -1 && xt_hex_digit(0xc1) == -1);
    CHECK(xt_hex_digit_lower('F') == -1 && xt_hex_digit_lower('a') == 10);

    CHECK(xt_days_from_civil(1970, 1, 1) == 0);
    CHECK(xt_days_from_civil(2000, 3, 1) == 11017);
    CHECK(xt_days_from_civil(1969, 12, 31) == -1);
    CHECK(xt_days_from_civil(1600, 2, 29) == -135081);
    for (day = -800000; day <= 800000; day += 97) {
        xt_civil_from_days(day, &y, &m, &d);
        if (xt_days_from_civil(y, m, d) != day || m < 1 || m > 12 || d < 1
            || d > 31)
        {
            ok = 0;
            break;
        }
    }
    CHECK(ok);
}
