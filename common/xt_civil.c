/* Proleptic Gregorian calendar arithmetic (xt_civil.h). */
#include "xt_civil.h"


/* days since 1970-01-01 of year y, month m (1-12), day d (1-31) */
int64_t
xt_days_from_civil(int64_t y, int32_t m, int32_t d)
{
    int64_t  era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}


/* the date of day z since 1970-01-01 */
void
xt_civil_from_days(int64_t z, int64_t *y, int32_t *m, int32_t *d)
{
    int64_t  era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;

    *d = (int32_t) (doy - (153 * mp + 2) / 5 + 1);
    *m = (int32_t) (mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}
