/*
 * Proleptic Gregorian calendar arithmetic (400-year eras, valid for dates
 * before 1970 too), shared by the module (time zones, XMLTV, catch-up) and
 * xtreamd (XMLTV import).
 */
#ifndef XT_CIVIL_H
#define XT_CIVIL_H

#include <stdint.h>


/* days since 1970-01-01 of year y, month m (1-12), day d (1-31) */
int64_t xt_days_from_civil(int64_t y, int32_t m, int32_t d);
/* the date of day z since 1970-01-01 */
void xt_civil_from_days(int64_t z, int64_t *y, int32_t *m, int32_t *d);

#endif /* XT_CIVIL_H */
