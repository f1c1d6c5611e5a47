/*
 * Time zones from the system's tzdata: UTC, Europe/London summer and
 * winter, America/New_York, the POSIX rule past the table, bad names and
 * bad files.
 */

#include <stdint.h>
#include <string.h>

#include "xt_tz.h"
#include "xt_test.h"


#define ZI  "/usr/share/zoneinfo"


/* a TZif v2 file of one type (offset 0) and the given footer rule */
static size_t
tzif_with_footer(unsigned char *buf, const char *footer)
{
    size_t  n = 0, i;

    for (i = 0; i < 2; i++) {           /* the v1 block, then the v2 one */
        memset(buf + n, 0, 44 + 6 + 4);
        memcpy(buf + n, "TZif2", 5);
        buf[n + 39] = 1;                /* typecnt */
        buf[n + 43] = 4;                /* charcnt */
        memcpy(buf + n + 44 + 6, "UTC", 4);
        n += 44 + 6 + 4;
    }

    n += (size_t) sprintf((char *) buf + n, "\n%s\n", footer);

    return n;
}


void
test_tz(void)
{
    char            out[XT_TZ_TIME_LEN + 1];
    xt_tz_t         tz;
    const char     *err;
    unsigned char   junk[64], tzif[256];

    CHECK(xt_tz_load(&tz, ZI, "UTC", &err) == 0);
    CHECK(xt_tz_offset(&tz, 1700000000) == 0);
    xt_tz_format(&tz, 1700000000, out);
    CHECK(strcmp(out, "2023-11-14 22:13:20") == 0);
    xt_tz_format(&tz, 0, out);
    CHECK(strcmp(out, "1970-01-01 00:00:00") == 0);

    xt_tz_utc(&tz);
    CHECK(strcmp(tz.name, "UTC") == 0 && xt_tz_offset(&tz, 1) == 0);

    CHECK(xt_tz_load(&tz, ZI, "Europe/London", &err) == 0);
    CHECK(strcmp(tz.name, "Europe/London") == 0);
    /* 2023-07-01 12:00:00 UTC: BST */
    CHECK(xt_tz_offset(&tz, 1688212800) == 3600);
    xt_tz_format(&tz, 1688212800, out);
    CHECK(strcmp(out, "2023-07-01 13:00:00") == 0);
    /* 2023-01-15 12:00:00 UTC: GMT */
    CHECK(xt_tz_offset(&tz, 1673784000) == 0);
    /* change at 2023-03-26 01:00:00 UTC */
    CHECK(xt_tz_offset(&tz, 1679792399) == 0);
    CHECK(xt_tz_offset(&tz, 1679792400) == 3600);
    /* far future, past the table: the footer rule (July, Jan 2100) */
    CHECK(xt_tz_offset(&tz, 4118587200LL) == 3600);
    CHECK(xt_tz_offset(&tz, 4102444800LL) == 0);

    CHECK(xt_tz_load(&tz, ZI, "America/New_York", &err) == 0);
    CHECK(xt_tz_offset(&tz, 1688212800) == -4 * 3600);
    CHECK(xt_tz_offset(&tz, 1673784000) == -5 * 3600);
    xt_tz_format(&tz, 1673784000, out);
    CHECK(strcmp(out, "2023-01-15 07:00:00") == 0);
    /* 2023-11-05 06:00 UTC = 01:00 EST: the fall-back instant */
    CHECK(xt_tz_offset(&tz, 1699164000) == -5 * 3600);
    CHECK(xt_tz_offset(&tz, 1699163999) == -4 * 3600);
    CHECK(xt_tz_offset(&tz, 4118587200LL) == -4 * 3600);

    /* southern hemisphere rule, past the table */
    CHECK(xt_tz_load(&tz, ZI, "Australia/Sydney", &err) == 0);
    CHECK(xt_tz_offset(&tz, 4102444800LL) == 11 * 3600);    /* Jan 2100 */
    CHECK(xt_tz_offset(&tz, 4118587200LL) == 10 * 3600);    /* Jul 2100 */

    /* instants past year 9999 (EPG times are imported as any int64_t >= 0)
       are clamped, never overflowing t + offset: found by fuzz/tz.c */
    CHECK(xt_tz_offset(&tz, INT64_MAX) == 11 * 3600);       /* Sydney, Dec */
    xt_tz_format(&tz, INT64_MIN, out);
    CHECK(strncmp(out, "0000-01-01", 10) == 0);
    CHECK(xt_tz_load(&tz, ZI, "Europe/London", &err) == 0);
    xt_tz_format(&tz, INT64_MAX, out);
    CHECK(strcmp(out, "9999-12-31 23:59:59") == 0);
    CHECK(xt_tz_offset(&tz, XT_TZ_T_MAX + 1)
          == xt_tz_offset(&tz, XT_TZ_T_MAX));
    CHECK(xt_tz_load(&tz, ZI, "Asia/Kolkata", &err) == 0);
    xt_tz_format(&tz, INT64_MAX, out);                      /* +05:30 */
    CHECK(strlen(out) == XT_TZ_TIME_LEN && strncmp(out, "9999-", 5) == 0);

    /* names that must never reach the filesystem */
    CHECK(!xt_tz_name_valid("../etc/passwd", 13));
    CHECK(!xt_tz_name_valid("/etc/passwd", 11));
    CHECK(!xt_tz_name_valid("Europe/../../etc", 16));
    CHECK(!xt_tz_name_valid("Europe//London", 14));
    CHECK(!xt_tz_name_valid("Europe/", 7));
    CHECK(!xt_tz_name_valid("", 0));
    CHECK(!xt_tz_name_valid("Europe/Lon don", 14));
    CHECK(xt_tz_name_valid("Etc/GMT+5", 9));
    CHECK(xt_tz_load(&tz, ZI, "../../etc/passwd", &err) == -1);
    CHECK(xt_tz_load(&tz, ZI, "No/Such_Zone", &err) == -1);

    /* not TZif, or a header promising more than there is */
    memset(junk, 0, sizeof(junk));
    CHECK(xt_tz_parse(&tz, junk, sizeof(junk), &err) == -1);
    memcpy(junk, "TZif2", 5);
    junk[35] = 200;     /* timecnt */
    junk[39] = 1;       /* typecnt */
    CHECK(xt_tz_parse(&tz, junk, sizeof(junk), &err) == -1);
    CHECK(xt_tz_parse(&tz, junk, 10, &err) == -1);

    /* footer offsets: what RFC 8536 allows (rule times may reach 167 h,
       offsets not: the fuzzer's "XXX-100" made 100 h): found by fuzz/tz.c */
    CHECK(xt_tz_parse(&tz, tzif, tzif_with_footer(tzif, "CET-1CEST,M3.5.0,"
                                                  "M10.5.0/3"), &err) == 0);
    CHECK(tz.std_off == 3600 && tz.dst_off == 7200 && tz.has_dst);
    CHECK(xt_tz_parse(&tz, tzif, tzif_with_footer(tzif, "<+26>-26"), &err)
          == 0 && tz.std_off == 26 * 3600);
    CHECK(xt_tz_parse(&tz, tzif, tzif_with_footer(tzif, "XXX-100"), &err)
          == -1);
    CHECK(xt_tz_parse(&tz, tzif, tzif_with_footer(tzif, "AAA26BBB,M3.5.0,"
                                                  "M10.5.0"), &err) == -1);
    CHECK(xt_tz_parse(&tz, tzif, tzif_with_footer(tzif, "AAA0BBB-30,M3.5.0,"
                                                  "M10.5.0"), &err) == -1);
}
