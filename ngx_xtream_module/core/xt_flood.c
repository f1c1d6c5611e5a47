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


/*
 * The table key of (addr, user): 0xff then 15 bytes of two FNV-1a hashes.
 * No client address starts with 0xff (ff00::/8 is multicast, never a
 * source; IPv4 is stored IPv4-mapped), so these keys never meet an
 * address's; two users colliding only share a counter.
 */
static void
xt_flood_user_key(const uint8_t *addr, const char *user, size_t len,
    uint8_t key[XT_FLOOD_ADDR_LEN])
{
    size_t    i;
    uint64_t  h1 = 14695981039346656037ull, h2 = 0x9e3779b97f4a7c15ull;

    for (i = 0; i < XT_FLOOD_ADDR_LEN + len; i++) {
        uint8_t  c = (i < XT_FLOOD_ADDR_LEN) ? addr[i]
                                             : (uint8_t) user[i - XT_FLOOD_ADDR_LEN];

        h1 = (h1 ^ c) * 1099511628211ull;
        h2 = (h2 ^ c) * 0x100000001b3ull + (h2 >> 29);
    }

    key[0] = 0xff;
    for (i = 1; i < 8; i++) {
        key[i] = (uint8_t) (h1 >> (8 * i));
    }
    for (i = 8; i < XT_FLOOD_ADDR_LEN; i++) {
        key[i] = (uint8_t) (h2 >> (8 * (i - 8)));
    }
}


/* one more failure in e's window; 1 when that reaches max_failures */
static int
xt_flood_count(xt_flood_t *t, xt_flood_ent_t *e, int64_t now)
{
    e->touched = now;

    if (now - e->window_start >= t->window) {
        e->window_start = now;
        e->failures = 0;
    }

    return ++e->failures >= t->max_failures;
}


int64_t
xt_flood_fail(xt_flood_t *t, const uint8_t *addr, const char *user,
    size_t len, int64_t now)
{
    uint8_t          key[XT_FLOOD_ADDR_LEN];
    xt_flood_ent_t  *e;

    if (t->max_failures == 0) {
        return 0;
    }

    xt_flood_user_key(addr, user, len, key);
    (void) xt_flood_count(t, xt_flood_find(t, key, 1), now);

    e = xt_flood_find(t, addr, 1);

    if (xt_flood_count(t, e, now)) {
        e->locked_until = now + t->lock_time;
        e->failures = 0;
        e->window_start = now;
        return t->lock_time;
    }

    return 0;
}


void
xt_flood_success(xt_flood_t *t, const uint8_t *addr, const char *user,
    size_t len)
{
    uint8_t          key[XT_FLOOD_ADDR_LEN];
    xt_flood_ent_t  *e, *u;

    xt_flood_user_key(addr, user, len, key);

    u = xt_flood_find(t, key, 0);
    if (u == NULL) {
        return;
    }

    e = xt_flood_find(t, addr, 0);

    if (e && e->locked_until == 0) {
        e->failures -= (u->failures < e->failures) ? u->failures
                                                    : e->failures;
    }

    u->failures = 0;
}
