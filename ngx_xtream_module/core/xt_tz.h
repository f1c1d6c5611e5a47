/*
 * The server time zone as pure data: a TZif file (RFC 8536) parsed once at
 * configuration time into a transition table plus the footer's POSIX rule
 * for instants past the table.  Offsets and local times are then pure
 * functions (no TZ environment, no localtime() global state).
 */

#ifndef XT_TZ_H
#define XT_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "xt_civil.h"       /* the UTC calendar helpers */


#define XT_TZ_NAME_MAX      64
#define XT_TZ_MAX_TRANS     2048
#define XT_TZ_FILE_MAX      (256 * 1024)
#define XT_TZ_TIME_LEN      19          /* "YYYY-MM-DD HH:MM:SS" */


typedef struct {
    int32_t   month;        /* 1..12 */
    int32_t   week;         /* 1..5, 5 = last */
    int32_t   wday;         /* 0 = Sunday */
    int32_t   secs;         /* local time of day of the change */
} xt_tz_rule_t;

typedef struct {
    char          name[XT_TZ_NAME_MAX + 1];
    uint32_t      ntrans;
    int32_t       initial_off;              /* before the first transition */
    int64_t       trans[XT_TZ_MAX_TRANS];   /* ascending unix seconds */
    int32_t       trans_off[XT_TZ_MAX_TRANS];

    /* footer rule, used after the last transition */
    int           has_rule;
    int           has_dst;
    int32_t       std_off;                  /* seconds east of UTC */
    int32_t       dst_off;
    xt_tz_rule_t  dst_start;
    xt_tz_rule_t  dst_end;
} xt_tz_t;


/* a zone name safe to join to the zoneinfo directory */
int xt_tz_name_valid(const char *name, size_t len);

/* UTC without reading any file */
void xt_tz_utc(xt_tz_t *tz);

/* parse TZif bytes; 0 or -1 with *err */
int xt_tz_parse(xt_tz_t *tz, const unsigned char *p, size_t len,
    const char **err);

/* validate name, read dir/name, parse; 0 or -1 with *err */
int xt_tz_load(xt_tz_t *tz, const char *dir, const char *name,
    const char **err);

/*
 * The instants the calendar functions take: years 0..9999 UTC.  Others are
 * clamped to the nearest (EPG times are imported as any int64_t >= 0, and
 * t + offset must not overflow).
 */
#define XT_TZ_T_MIN  (-62167219200LL)       /* 0000-01-01 00:00:00 UTC */
#define XT_TZ_T_MAX  253402300799LL         /* 9999-12-31 23:59:59 UTC */

static inline int64_t
xt_tz_clamp(int64_t t)
{
    return t < XT_TZ_T_MIN ? XT_TZ_T_MIN : t > XT_TZ_T_MAX ? XT_TZ_T_MAX : t;
}

/* seconds east of UTC at instant t */
int32_t xt_tz_offset(const xt_tz_t *tz, int64_t t);

/* "YYYY-MM-DD HH:MM:SS" of t in the zone into out (20 bytes, NUL added) */
void xt_tz_format(const xt_tz_t *tz, int64_t t, char *out);

#endif /* XT_TZ_H */
