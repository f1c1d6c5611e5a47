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

/*
 * The issue-18 flood: one line at max_connections 1 opens a new HLS session
 * per request (another key each time).  Replace-oldest frees each victim
 * at once, so the line never holds more than one record; the session it
 * displaced is told it ended; other lines are untouched.  Killed records,
 * unlimited lines and lines nobody looks up again are bounded too.
 */
static void
test_bounds(void)
{
    void        *mem;
    uint32_t     i, slot, other;
    uint64_t     ka;
    xt_conn_t    victim;
    xt_conns_t  *t;

    mem = malloc(xt_conns_size(64));
    t = xt_conns_init(mem, 64, 10000);
    CHECK(t->line_cap == 4);

    CHECK(xt_conns_acquire(t, 2, 1, XT_CONN_STREAM, 0, 1,
                           XT_POLICY_REPLACE_OLDEST, 100, 0, alive, &other,
                           NULL) == XT_ACQ_OK);

    for (i = 1; i <= 10000; i++) {
        CHECK(xt_conns_acquire(t, 1, 5, XT_CONN_HLS, i, 1,
                                     XT_POLICY_REPLACE_OLDEST, 1, i, alive,
                                     &slot, &victim)
                    == (i == 1 ? XT_ACQ_OK : XT_ACQ_REPLACED));
    }
    CHECK(t->used == 2);
    CHECK(xt_conns_count(t, 1, 10001, alive) == 1);
    /* the displaced session ends; an older one is only unknown (it would
       be admitted again, replacing the newest) */
    CHECK(xt_conns_touch(t, 1, 9999, 10001, &slot) == XT_ACQ_ENDED);
    CHECK(xt_conns_acquire(t, 1, 5, XT_CONN_HLS, 9999, 1,
                           XT_POLICY_REPLACE_OLDEST, 1, 10001, alive, &slot,
                           NULL) == XT_ACQ_ENDED);
    CHECK(xt_conns_touch(t, 1, 9998, 10001, &slot) == XT_ACQ_FULL);
    CHECK(xt_conns_touch(t, 1, 10000, 10001, &slot) == XT_ACQ_OK);
    CHECK(xt_conns_get(t, other) != NULL);

    /* a STREAM victim's record is gone at once; its late release is a
       no-op on whoever reuses the slot */
    ka = xt_conns_get(t, other)->key;
    CHECK(xt_conns_acquire(t, 2, 1, XT_CONN_STREAM, 0, 1,
                           XT_POLICY_REPLACE_OLDEST, 100, 20000, alive,
                           &slot, &victim) == XT_ACQ_REPLACED);
    CHECK(victim.key == ka);
    CHECK(xt_conns_get(t, other) == NULL || xt_conns_get(t, other)->key != ka);
    xt_conns_release(t, other, ka);
    CHECK(xt_conns_count(t, 2, 20000, alive) == 1);

    /* killed sessions: at most XT_CONNS_ENDED_MAX kept beside max */
    for (i = 0; i < 50; i++) {
        CHECK(xt_conns_acquire(t, 3, 5, XT_CONN_HLS, 1000 + i, 2,
                                     XT_POLICY_REJECT, 1, 20000, alive,
                                     &slot, NULL) == XT_ACQ_OK);
        (void) xt_conns_kick(t, 3, 1000 + i, 1);
        CHECK(xt_conns_kick(t, 3, 1000 + i, 2) == 1);
    }
    CHECK(t->used == 2 + 2 + XT_CONNS_ENDED_MAX);
    CHECK(xt_conns_touch(t, 3, 1049, 20001, &slot) == XT_ACQ_ENDED);

    /* an unlimited line: at most line_cap records */
    for (i = 0; i < 4; i++) {
        CHECK(xt_conns_acquire(t, 4, 1, XT_CONN_STREAM, 0, 0,
                               XT_POLICY_REPLACE_OLDEST, 100, 20000, alive,
                               &slot, NULL) == XT_ACQ_OK);
    }
    CHECK(xt_conns_acquire(t, 4, 1, XT_CONN_STREAM, 0, 0,
                           XT_POLICY_REPLACE_OLDEST, 100, 20000, alive,
                           &slot, NULL) == XT_ACQ_LIMIT);
    free(mem);

    /* a full table of idle sessions of lines nobody asks for again is
       swept for a newcomer, once per XT_CONNS_SWEEP_MS at most */
    mem = malloc(xt_conns_size(16));
    t = xt_conns_init(mem, 16, 10000);
    for (i = 0; i < 16; i++) {
        CHECK(xt_conns_acquire(t, 100 + i, 1, XT_CONN_HLS, 7, 1,
                                     XT_POLICY_REJECT, 1, 50000, alive,
                                     &slot, NULL) == XT_ACQ_OK);
    }
    CHECK(xt_conns_acquire(t, 99, 1, XT_CONN_HLS, 7, 1, XT_POLICY_REJECT, 1,
                           55000, alive, &slot, NULL) == XT_ACQ_FULL);
    CHECK(xt_conns_acquire(t, 99, 1, XT_CONN_HLS, 7, 1, XT_POLICY_REJECT, 1,
                           60001, alive, &slot, NULL) == XT_ACQ_OK);
    CHECK(t->used == 1);
    free(mem);
}


/* a table full of live records degrades the line that holds the most */
static void
test_full(void)
{
    void        *mem;
    uint32_t     i, slot, first = XT_CONNS_NIL;
    xt_conns_t  *t;

    mem = malloc(xt_conns_size(16));
    t = xt_conns_init(mem, 16, 10000);
    t->line_cap = 32;                   /* one unlimited line may fill it */

    for (i = 0; i < 16; i++) {
        CHECK(xt_conns_acquire(t, 5, 1, XT_CONN_STREAM, 0, 0,
                               XT_POLICY_REJECT, 100, 1000 + i, alive, &slot,
                               NULL) == XT_ACQ_OK);
        if (i == 0) {
            first = slot;
        }
    }
    CHECK(t->free == XT_CONNS_NIL);

    /* the line that filled it gets nothing more */
    CHECK(xt_conns_acquire(t, 5, 1, XT_CONN_STREAM, 0, 0, XT_POLICY_REJECT,
                           100, 2000, alive, &slot, NULL) == XT_ACQ_FULL);
    /* another line takes its oldest record */
    CHECK(xt_conns_acquire(t, 6, 1, XT_CONN_HLS, 0x66, 1, XT_POLICY_REJECT,
                           100, 2001, alive, &slot, NULL) == XT_ACQ_OK);
    CHECK(slot == first && xt_conns_get(t, slot)->line_id == 6);
    CHECK(xt_conns_count(t, 5, 2001, alive) == 15);
    CHECK(xt_conns_acquire(t, 7, 1, XT_CONN_STREAM, 0, 1, XT_POLICY_REJECT,
                           100, 2002, alive, &slot, NULL) == XT_ACQ_OK);
    CHECK(xt_conns_count(t, 5, 2002, alive) == 14);
    free(mem);
}


/* activity reports: 30 a minute per line, lines apart, many lines fit */
static void
test_reports(void)
{
    void        *mem;
    uint32_t     i, n;
    xt_conns_t  *t;

    mem = malloc(xt_conns_size(64));
    t = xt_conns_init(mem, 64, 10000);
    CHECK(t->nrates == 16);

    for (i = 0, n = 0; i < 100; i++) {
        n += xt_conns_report(t, 1, 1000 + i);
    }
    CHECK(n == XT_CONNS_REPORTS);
    CHECK(xt_conns_report(t, 2, 2000) == 1);            /* another line */
    CHECK(xt_conns_report(t, 1, 1000 + XT_CONNS_REPORT_MS - 1) == 0);
    CHECK(xt_conns_report(t, 1, 1000 + XT_CONNS_REPORT_MS) == 1);

    /* more lines than slots: the table stays in place, each line still
       gets its first report */
    for (i = 0, n = 0; i < 1000; i++) {
        n += xt_conns_report(t, 100 + i, 5000);
    }
    CHECK(n == 1000);

    /* per connection: reported once, then always; an unreported one may
       be reported later, when the line's budget allows */
    {
        uint32_t  a, b;

        CHECK(xt_conns_acquire(t, 7, 1, XT_CONN_HLS, 0x1, 0,
                               XT_POLICY_REJECT, 1, 9000, NULL, &a, NULL)
              == XT_ACQ_OK);
        CHECK(xt_conns_acquire(t, 7, 1, XT_CONN_HLS, 0x2, 0,
                               XT_POLICY_REJECT, 1, 9000, NULL, &b, NULL)
              == XT_ACQ_OK);
        CHECK(xt_conns_report_slot(t, a, 0x1, 9000) == 1);
        for (i = 1; i < XT_CONNS_REPORTS; i++) {
            (void) xt_conns_report(t, 7, 9000);
        }
        CHECK(xt_conns_report_slot(t, b, 0x2, 9001) == 0);    /* spent */
        CHECK(xt_conns_report_slot(t, a, 0x1, 9001) == 1);    /* still */
        CHECK(xt_conns_report_slot(t, a, 0x9, 9001) == -1);   /* not it */
        CHECK(xt_conns_report_slot(t, b, 0x2, 9000 + XT_CONNS_REPORT_MS)
              == 1);
    }
    free(mem);
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
    CHECK(t->line_cap == 1);            /* 8 / XT_CONNS_UNLIMITED_SHARE */
    t->line_cap = 8;                    /* here one line may take it all */

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

    /* replace-oldest: the newcomer wins, the oldest's record is freed at
       once (its owner finds it gone) */
    CHECK(xt_conns_acquire(t, 7, 3, XT_CONN_STREAM, 0, 1,
                           XT_POLICY_REPLACE_OLDEST, 100, 2000, alive, &s4,
                           &victim) == XT_ACQ_REPLACED);
    CHECK(victim.pid == 101 && victim.started == 1001);
    CHECK(s4 == s2 && xt_conns_get(t, s2)->stream_id == 3);  /* reused */
    CHECK(xt_conns_count(t, 7, 2001, alive) == 1);
    CHECK(t->used == 2);

    /* unlimited */
    for (i = 0; i < 3; i++) {
        CHECK(xt_conns_acquire(t, 9, 1, XT_CONN_STREAM, 0, 0,
                               XT_POLICY_REJECT, 100, 3000, alive, &slot,
                               NULL) == XT_ACQ_OK);
    }
    CHECK(t->used == 5);

    /* full table */
    for (i = 0; i < 3; i++) {
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

    test_bounds();
    test_reports();
    test_full();

    /* admin kill: the first check records the kick generation, a later
       one with another value evicts (TS key and HLS session alike) */
    {
        void        *m2 = malloc(xt_conns_size(8));
        xt_conns_t  *k = xt_conns_init(m2, 8, 10000);
        uint32_t     a, b;
        uint64_t     ka;

        k->line_cap = 8;

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

        /* the kill seen at admission: records admitted under another
           generation end, unrecorded and current ones live on */
        CHECK(xt_conns_acquire(k, 5, 1, XT_CONN_HLS, 0x55, 0,
                               XT_POLICY_REJECT, 100, 1300, alive, &b, NULL)
              == XT_ACQ_OK);
        xt_conns_kick_line(k, 5, 5);
        CHECK(xt_conns_get(k, a)->state == XT_CONN_EVICTED);
        CHECK(xt_conns_get(k, b)->state == XT_CONN_ACTIVE);
        CHECK(xt_conns_has(k, 5, 0x55, 1300) && xt_conns_has(k, 5, 0x77, 1300));
        CHECK(!xt_conns_has(k, 5, 0x56, 1300) && !xt_conns_has(k, 6, 0x55, 1300));
        free(m2);
    }

    free(mem);

    printf("test_conns: %d passed, %d failed\n", xt_test_passed,
           xt_test_failed);
    return xt_test_failed ? 1 : 0;
}
