/* Unit tests of the per-line connection table (xt_conns.c). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_conns.h"

#include "xt_test.h"

int  xt_test_passed, xt_test_failed;

static int32_t  dead_pid = -1;

static int
alive(int32_t pid)
{
    return pid != dead_pid;
}

int
main(void)
{
    void        *mem;
    uint32_t     s1, s2, s3, s4, i, slot;
    uint64_t     k1;
    xt_conn_t    victim;
    xt_conns_t  *t;

    mem = malloc(xt_conns_size(8));
    t = xt_conns_init(mem, 8, 10000);

    /* reject policy: max 2 */
    CHECK(xt_conns_acquire(t, 7, 1, XT_CONN_STREAM, 0, 2, XT_POLICY_REJECT,
                           100, 1000, alive, &s1, NULL) == XT_ACQ_OK);
    k1 = xt_conns_get(t, s1)->key;
    CHECK(xt_conns_acquire(t, 7, 1, XT_CONN_STREAM, 0, 2, XT_POLICY_REJECT,
                           101, 1001, alive, &s2, NULL) == XT_ACQ_OK);
    CHECK(xt_conns_acquire(t, 7, 2, XT_CONN_STREAM, 0, 2, XT_POLICY_REJECT,
                           100, 1002, alive, &s3, NULL) == XT_ACQ_LIMIT);
    CHECK(xt_conns_count(t, 7, 1003, alive) == 2);

    /* another line is independent */
    CHECK(xt_conns_acquire(t, 8, 1, XT_CONN_STREAM, 0, 1, XT_POLICY_REJECT,
                           100, 1003, alive, &s3, NULL) == XT_ACQ_OK);
    CHECK(xt_conns_count(t, 8, 1003, alive) == 1);

    /* release frees a place; a stale release (wrong key) does nothing */
    xt_conns_release(t, s1, k1 + 1000);
    CHECK(xt_conns_count(t, 7, 1004, alive) == 2);
    xt_conns_release(t, s1, k1);
    CHECK(xt_conns_count(t, 7, 1004, alive) == 1);
    xt_conns_release(t, s1, k1);                    /* twice: harmless */
    CHECK(t->used == 2);

    /* replace-oldest: the newcomer wins, the oldest is marked evicted */
    CHECK(xt_conns_acquire(t, 7, 3, XT_CONN_STREAM, 0, 1,
                           XT_POLICY_REPLACE_OLDEST, 100, 2000, alive, &s4,
                           &victim) == XT_ACQ_REPLACED);
    CHECK(victim.pid == 101 && victim.started == 1001);
    CHECK(xt_conns_get(t, s2)->state == XT_CONN_EVICTED);
    CHECK(xt_conns_count(t, 7, 2001, alive) == 1);

    /* unlimited */
    for (i = 0; i < 3; i++) {
        CHECK(xt_conns_acquire(t, 9, 1, XT_CONN_STREAM, 0, 0,
                               XT_POLICY_REJECT, 100, 3000, alive, &slot,
                               NULL) == XT_ACQ_OK);
    }
    CHECK(t->used == 6);        /* the evicted record waits for its owner */

    /* full table */
    for (i = 0; i < 2; i++) {
        CHECK(xt_conns_acquire(t, 10, 1, XT_CONN_STREAM, 0, 0,
                               XT_POLICY_REJECT, 100, 3000, alive, &slot,
                               NULL) == XT_ACQ_OK);
    }
    CHECK(xt_conns_acquire(t, 10, 1, XT_CONN_STREAM, 0, 0, XT_POLICY_REJECT,
                           100, 3000, alive, &slot, NULL) == XT_ACQ_FULL);

    /* a dead worker's records are dropped when the line is looked at */
    dead_pid = 100;
    CHECK(xt_conns_count(t, 9, 3001, alive) == 0);
    CHECK(xt_conns_count(t, 10, 3001, alive) == 0);
    dead_pid = -1;

    /* HLS: one session counts once, refreshes, expires when idle */
    free(mem);
    mem = malloc(xt_conns_size(4));
    t = xt_conns_init(mem, 4, 10000);
    CHECK(xt_conns_acquire(t, 7, 5, XT_CONN_HLS, 0xabc, 1, XT_POLICY_REJECT,
                           1, 0, alive, &s1, NULL) == XT_ACQ_OK);
    CHECK(xt_conns_acquire(t, 7, 5, XT_CONN_HLS, 0xabc, 1, XT_POLICY_REJECT,
                           1, 5000, alive, &s2, NULL) == XT_ACQ_OK);
    CHECK(s1 == s2 && xt_conns_count(t, 7, 5000, alive) == 1);
    CHECK(xt_conns_acquire(t, 7, 5, XT_CONN_HLS, 0xdef, 1, XT_POLICY_REJECT,
                           1, 6000, alive, &s3, NULL) == XT_ACQ_LIMIT);
    CHECK(xt_conns_count(t, 7, 14000, alive) == 1);     /* seen at 5000 */
    CHECK(xt_conns_count(t, 7, 15001, alive) == 0);     /* idle > 10 s */
    CHECK(t->used == 0);

    /* HLS replace-oldest: the evicted session's next fetch is refused */
    CHECK(xt_conns_acquire(t, 7, 5, XT_CONN_HLS, 0x1, 1,
                           XT_POLICY_REPLACE_OLDEST, 1, 20000, alive, &s1,
                           NULL) == XT_ACQ_OK);
    CHECK(xt_conns_acquire(t, 7, 5, XT_CONN_HLS, 0x2, 1,
                           XT_POLICY_REPLACE_OLDEST, 1, 20001, alive, &s2,
                           &victim) == XT_ACQ_REPLACED);
    CHECK(victim.key == 0x1);
    CHECK(xt_conns_acquire(t, 7, 5, XT_CONN_HLS, 0x1, 1,
                           XT_POLICY_REPLACE_OLDEST, 1, 20002, alive, &s3,
                           NULL) == XT_ACQ_ENDED);
    CHECK(xt_conns_count(t, 7, 20003, alive) == 1);

    /* touch: refreshes a live session, reports evicted and unknown ones */
    CHECK(xt_conns_touch(t, 7, 0x2, 20500, &slot) == XT_ACQ_OK
          && slot == s2);
    CHECK(xt_conns_touch(t, 7, 0x1, 20500, &slot) == XT_ACQ_ENDED);
    CHECK(xt_conns_touch(t, 7, 0x3, 20500, &slot) == XT_ACQ_FULL);
    CHECK(xt_conns_touch(t, 8, 0x2, 20500, &slot) == XT_ACQ_FULL);
    CHECK(xt_conns_touch(t, 7, 0, 20500, &slot) == XT_ACQ_FULL);
    CHECK(xt_conns_count(t, 7, 20500 + 9999, alive) == 1);  /* refreshed */
    CHECK(xt_conns_touch(t, 7, 0x2, 20500 + 10001, &slot) == XT_ACQ_FULL);

    CHECK(xt_conns_get(t, 99) == NULL);
    xt_conns_release(t, 99, 1);                         /* out of range */

    /* admin kill: the first check records the kick generation, a later
       one with another value evicts (TS key and HLS session alike) */
    {
        void        *m2 = malloc(xt_conns_size(8));
        xt_conns_t  *k = xt_conns_init(m2, 8, 10000);
        uint32_t     a, b;
        uint64_t     ka;

        CHECK(xt_conns_acquire(k, 5, 1, XT_CONN_STREAM, 0, 0,
                               XT_POLICY_REJECT, 100, 1000, alive, &a, NULL)
              == XT_ACQ_OK);
        ka = xt_conns_get(k, a)->key;
        CHECK(xt_conns_acquire(k, 5, 1, XT_CONN_HLS, 0x77, 0,
                               XT_POLICY_REJECT, 100, 1000, alive, &b, NULL)
              == XT_ACQ_OK);
        CHECK(xt_conns_kick(k, 5, ka, 3) == 0);        /* recorded */
        CHECK(xt_conns_kick(k, 5, ka, 3) == 0);        /* same: lives */
        CHECK(xt_conns_kick(k, 5, 0x77, 3) == 0);
        CHECK(xt_conns_kick(k, 5, ka, 4) == 1);        /* killed */
        CHECK(xt_conns_get(k, a)->state == XT_CONN_EVICTED);
        CHECK(xt_conns_kick(k, 5, ka, 3) == 1);        /* stays ended */
        CHECK(xt_conns_touch(k, 5, 0x77, 1100, &slot) == XT_ACQ_OK);
        CHECK(xt_conns_kick(k, 5, 0x77, 4) == 1);
        CHECK(xt_conns_touch(k, 5, 0x77, 1200, &slot) == XT_ACQ_ENDED);
        CHECK(xt_conns_kick(k, 5, 0x99, 4) == 0);      /* unknown key */
        CHECK(xt_conns_kick(k, 6, ka, 9) == 0);        /* other line */
        CHECK(xt_conns_kick(k, 5, 0, 9) == 0);
        /* a new connection after the kill runs under the new value */
        CHECK(xt_conns_acquire(k, 5, 1, XT_CONN_STREAM, 0, 0,
                               XT_POLICY_REJECT, 100, 1300, alive, &a, NULL)
              == XT_ACQ_OK);
        ka = xt_conns_get(k, a)->key;
        CHECK(xt_conns_kick(k, 5, ka, 4) == 0);
        CHECK(xt_conns_kick(k, 5, ka, 4) == 0);
        free(m2);
    }

    free(mem);

    printf("test_conns: %d passed, %d failed\n", xt_test_passed,
           xt_test_failed);
    return xt_test_failed ? 1 : 0;
}
