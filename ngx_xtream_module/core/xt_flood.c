/*
 * Brute-force lock-out table (see xt_flood.h).
 */

#include <string.h>

#include "xt_flood.h"


#define XT_FLOOD_PROBES  8


static xt_flood_ent_t *
xt_flood_slots(xt_flood_t *t)
{
    return (xt_flood_ent_t *) (t + 1);
}


static uint32_t
xt_flood_hash(const uint8_t *addr)
{
    size_t    i;
    uint32_t  h = 2166136261u;

    for (i = 0; i < XT_FLOOD_ADDR_LEN; i++) {
        h ^= addr[i];
        h *= 16777619u;
    }

    return h;
}


/* The entry for addr; with create, a free or the stalest probed slot. */
static xt_flood_ent_t *
xt_flood_find(xt_flood_t *t, const uint8_t *addr, int create)
{
    uint32_t         i, h;
    xt_flood_ent_t  *e, *victim;

    h = xt_flood_hash(addr);
    victim = NULL;

    for (i = 0; i < XT_FLOOD_PROBES; i++) {
        e = &xt_flood_slots(t)[(h + i) & (t->nslots - 1)];

        if (e->used && memcmp(e->addr, addr, XT_FLOOD_ADDR_LEN) == 0) {
            return e;
        }

        /* prefer a free slot, else the least recently touched */
        if (!e->used) {
            if (victim == NULL || victim->used) {
                victim = e;
            }

        } else if (victim == NULL
                   || (victim->used && e->touched < victim->touched))
        {
            victim = e;
        }
    }

    if (!create) {
        return NULL;
    }

    memset(victim, 0, sizeof(*victim));
    memcpy(victim->addr, addr, XT_FLOOD_ADDR_LEN);
    victim->used = 1;

    return victim;
}


size_t
xt_flood_size(uint32_t nslots)
{
    return sizeof(xt_flood_t) + sizeof(xt_flood_ent_t) * nslots;
}


xt_flood_t *
xt_flood_init(void *mem, uint32_t nslots, uint32_t max_failures,
    int64_t window, int64_t lock_time)
{
    xt_flood_t  *t = mem;

    /* nslots must be a power of two: round down */
    while (nslots & (nslots - 1)) {
        nslots &= nslots - 1;
    }

    memset(t, 0, xt_flood_size(nslots));
    t->nslots = nslots;
    t->max_failures = max_failures;
    t->window = window;
    t->lock_time = lock_time;

    return t;
}


int64_t
xt_flood_locked(xt_flood_t *t, const uint8_t *addr, int64_t now)
{
    xt_flood_ent_t  *e;

    if (t->max_failures == 0) {
        return 0;
    }

    e = xt_flood_find(t, addr, 0);

    return (e && e->locked_until > now) ? e->locked_until - now : 0;
}


int64_t
xt_flood_fail(xt_flood_t *t, const uint8_t *addr, int64_t now)
{
    xt_flood_ent_t  *e;

    if (t->max_failures == 0) {
        return 0;
    }

    e = xt_flood_find(t, addr, 1);
    e->touched = now;

    if (now - e->window_start >= t->window) {
        e->window_start = now;
        e->failures = 0;
    }

    if (++e->failures >= t->max_failures) {
        e->locked_until = now + t->lock_time;
        e->failures = 0;
        e->window_start = now;
        return t->lock_time;
    }

    return 0;
}


void
xt_flood_success(xt_flood_t *t, const uint8_t *addr)
{
    xt_flood_ent_t  *e = xt_flood_find(t, addr, 0);

    if (e && e->locked_until == 0) {
        e->failures = 0;
    }
}
