/* Unit tests of the brute-force lock-out table (xt_flood.c). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_flood.h"

#include "xt_test.h"

int  xt_test_passed, xt_test_failed;

static void
addr_of(uint8_t *a, uint32_t n)
{
    memset(a, 0, XT_FLOOD_ADDR_LEN);
    memcpy(a + 12, &n, 4);
}

int
main(void)
{
    int          i;
    void        *mem;
    uint8_t      a[XT_FLOOD_ADDR_LEN], b[XT_FLOOD_ADDR_LEN];
    xt_flood_t  *t;

    mem = malloc(xt_flood_size(64));
    t = xt_flood_init(mem, 64, 3, 60, 300);
    addr_of(a, 1);
    addr_of(b, 2);

    CHECK(xt_flood_locked(t, a, 1000) == 0);
    CHECK(xt_flood_fail(t, a, "u", 1, 1000) == 0);
    CHECK(xt_flood_fail(t, a, "u", 1, 1001) == 0);
    CHECK(xt_flood_locked(t, a, 1001) == 0);
    CHECK(xt_flood_fail(t, a, "u", 1, 1002) == 300);        /* third: locked */
    CHECK(xt_flood_locked(t, a, 1002) == 300);
    CHECK(xt_flood_locked(t, b, 1002) == 0);        /* others unaffected */
    CHECK(xt_flood_locked(t, a, 1301) == 1);
    CHECK(xt_flood_locked(t, a, 1302) == 0);        /* lock over */

    /* failures spread beyond the window do not add up */
    CHECK(xt_flood_fail(t, b, "u", 1, 2000) == 0);
    CHECK(xt_flood_fail(t, b, "u", 1, 2030) == 0);
    CHECK(xt_flood_fail(t, b, "u", 1, 2061) == 0);
    CHECK(xt_flood_fail(t, b, "u", 1, 2062) == 0);
    CHECK(xt_flood_locked(t, b, 2062) == 0);

    /* a success clears that user's failures */
    xt_flood_success(t, b, "u", 1);
    CHECK(xt_flood_fail(t, b, "u", 1, 2063) == 0);
    CHECK(xt_flood_fail(t, b, "u", 1, 2064) == 0);
    CHECK(xt_flood_fail(t, b, "u", 1, 2065) == 300);

    /* issue 18: logging in to one's own line between guesses at another
       line's password clears nothing of the guesses */
    addr_of(a, 7);
    CHECK(xt_flood_fail(t, a, "victim", 6, 5000) == 0);
    xt_flood_success(t, a, "mine", 4);
    CHECK(xt_flood_fail(t, a, "victim", 6, 5001) == 0);
    xt_flood_success(t, a, "mine", 4);
    CHECK(xt_flood_fail(t, a, "victim", 6, 5002) == 300);
    /* a typo of one's own then the right password: forgiven, the other
       user's failures stay */
    addr_of(a, 8);
    CHECK(xt_flood_fail(t, a, "mine", 4, 6000) == 0);
    CHECK(xt_flood_fail(t, a, "victim", 6, 6001) == 0);
    xt_flood_success(t, a, "mine", 4);
    CHECK(xt_flood_fail(t, a, "mine", 4, 6002) == 0);
    CHECK(xt_flood_fail(t, a, "x", 1, 6003) == 300);
    /* a user's key is not an address's, nor another user's */
    addr_of(a, 9);
    CHECK(xt_flood_fail(t, a, "ab", 2, 7000) == 0);
    CHECK(xt_flood_fail(t, a, "a", 1, 7000) == 0);
    xt_flood_success(t, a, "b", 1);                 /* nothing to take back */
    CHECK(xt_flood_fail(t, a, "", 0, 7001) == 300);

    /* a flood of addresses stays within the table */
    for (i = 0; i < 100000; i++) {
        addr_of(a, 1000 + (uint32_t) i);
        (void) xt_flood_fail(t, a, "u", 1, 3000 + i);
    }
    CHECK(t->nslots == 64);

    /* disabled */
    t = xt_flood_init(mem, 64, 0, 60, 300);
    CHECK(xt_flood_fail(t, a, "u", 1, 1) == 0 && xt_flood_locked(t, a, 1) == 0);

    /* non-power-of-two sizes round down */
    t = xt_flood_init(mem, 50, 3, 60, 300);
    CHECK(t->nslots == 32);

    free(mem);

    printf("test_flood: %d passed, %d failed\n", xt_test_passed,
           xt_test_failed);
    return xt_test_failed ? 1 : 0;
}
