/* common/: hex digits and calendar arithmetic, shared with the module. */
#include <string.h>

#include "xt_civil.h"
#include "xt_hex.h"
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
