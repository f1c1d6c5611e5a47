/*
 * Failed-login counting per client address, for brute-force lock-out
 * across nginx workers.  Each failure counts twice: for the address (what
 * locks it out) and for the address + username tried.  A good login takes
 * back only that username's failures from the address, so logging in to
 * one's own line between guesses at other lines clears nothing
 * (docs/SECURITY.md "Login lock-out").  A fixed table in shared memory (open addressing,
 * bounded probing; when every probed slot is busy the least recently
 * touched one is reused, so a flood of addresses cannot grow memory).  The
 * caller holds the zone lock.  Pure C.
 */

#ifndef XT_FLOOD_H
#define XT_FLOOD_H

#include <stddef.h>
#include <stdint.h>


#define XT_FLOOD_ADDR_LEN  16           /* IPv6, or IPv4-mapped */

typedef struct {
    uint8_t   addr[XT_FLOOD_ADDR_LEN];
    uint32_t  used;
    uint32_t  failures;
    int64_t   window_start;             /* s */
    int64_t   locked_until;             /* s */
    int64_t   touched;                  /* s */
} xt_flood_ent_t;

typedef struct {
    uint32_t  nslots;                   /* power of two */
    uint32_t  max_failures;             /* in one window */
    int64_t   window;                   /* s */
    int64_t   lock_time;                /* s */
    /* xt_flood_ent_t slots[nslots] follow */
} xt_flood_t;

size_t xt_flood_size(uint32_t nslots);
xt_flood_t *xt_flood_init(void *mem, uint32_t nslots, uint32_t max_failures,
    int64_t window, int64_t lock_time);

/* seconds the address stays locked out, 0 when it may try */
int64_t xt_flood_locked(xt_flood_t *t, const uint8_t *addr, int64_t now);

/* counts a failure of user (len bytes, may be empty) from addr; returns
   the lock time it starts (0 when none) */
int64_t xt_flood_fail(xt_flood_t *t, const uint8_t *addr, const char *user,
    size_t len, int64_t now);

/* a good login of user from addr: that user's failures are taken back
   from the address's count (others' stay) */
void xt_flood_success(xt_flood_t *t, const uint8_t *addr, const char *user,
    size_t len);

#endif /* XT_FLOOD_H */
