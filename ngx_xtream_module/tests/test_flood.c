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
    CHECK(xt_flood_fail(t, a, 1000) == 0);
    CHECK(xt_flood_fail(t, a, 1001) == 0);
    CHECK(xt_flood_locked(t, a, 1001) == 0);
    CHECK(xt_flood_fail(t, a, 1002) == 300);        /* third: locked */
    CHECK(xt_flood_locked(t, a, 1002) == 300);
    CHECK(xt_flood_locked(t, b, 1002) == 0);        /* others unaffected */
    CHECK(xt_flood_locked(t, a, 1301) == 1);
    CHECK(xt_flood_locked(t, a, 1302) == 0);        /* lock over */

    /* failures spread beyond the window do not add up */
    CHECK(xt_flood_fail(t, b, 2000) == 0);
    CHECK(xt_flood_fail(t, b, 2030) == 0);
    CHECK(xt_flood_fail(t, b, 2061) == 0);
    CHECK(xt_flood_fail(t, b, 2062) == 0);
    CHECK(xt_flood_locked(t, b, 2062) == 0);

    /* a success clears the count */
    xt_flood_success(t, b);
    CHECK(xt_flood_fail(t, b, 2063) == 0);
    CHECK(xt_flood_fail(t, b, 2064) == 0);
    CHECK(xt_flood_fail(t, b, 2065) == 300);

    /* a flood of addresses stays within the table */
    for (i = 0; i < 100000; i++) {
        addr_of(a, 1000 + (uint32_t) i);
        (void) xt_flood_fail(t, a, 3000 + i);
    }
    CHECK(t->nslots == 64);

    /* disabled */
    t = xt_flood_init(mem, 64, 0, 60, 300);
    CHECK(xt_flood_fail(t, a, 1) == 0 && xt_flood_locked(t, a, 1) == 0);

    /* non-power-of-two sizes round down */
    t = xt_flood_init(mem, 50, 3, 60, 300);
    CHECK(t->nslots == 32);

    free(mem);

    printf("test_flood: %d passed, %d failed\n", xt_test_passed,
           xt_test_failed);
    return xt_test_failed ? 1 : 0;
}
