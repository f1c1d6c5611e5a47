/* xt_grow / xt_reserve: doubling, index room, refused overflow. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xt_grow.h"
#include "xt_test.h"


void
test_grow(void)
{
    uint32_t  *v = NULL, *keep;
    char      *b = NULL;
    size_t     cap = 0, bcap = 0, i;
    int        ok = 1;

    /* the first allocation, then doubling; the contents stay */
    CHECK(xt_grow((void **) &v, &cap, 0, sizeof(*v)) == 0);
    CHECK(v != NULL && cap == 256);
    for (i = 0; i < 1000; i++) {
        if (xt_grow((void **) &v, &cap, i, sizeof(*v)) != 0 || cap <= i) {
            ok = 0;
            break;
        }
        v[i] = (uint32_t) i * 7;
    }
    CHECK(ok && cap == 1024);
    for (i = 0; i < 1000 && v[i] == (uint32_t) i * 7; i++) { }
    CHECK(i == 1000);
    /* room already there: nothing moves */
    keep = v;
    CHECK(xt_grow((void **) &v, &cap, 1023, sizeof(*v)) == 0 && v == keep
          && cap == 1024);

    /* n * elem past SIZE_MAX is refused and the array is left alone */
    CHECK(xt_grow((void **) &v, &cap, SIZE_MAX / 2, sizeof(*v)) == -1);
    CHECK(xt_grow((void **) &v, &cap, SIZE_MAX, 1) == -1);
    CHECK(xt_reserve((void **) &v, &cap, SIZE_MAX / sizeof(*v) + 1,
                     sizeof(*v)) == -1);
    CHECK(v == keep && cap == 1024 && v[999] == 999 * 7);
    free(v);

    /* bytes: room for exactly need */
    CHECK(xt_reserve((void **) &b, &bcap, 0, 1) == 0 && b == NULL
          && bcap == 0);
    CHECK(xt_reserve((void **) &b, &bcap, 300, 1) == 0 && bcap == 512);
    memset(b, 'x', 300);
    CHECK(xt_reserve((void **) &b, &bcap, 512, 1) == 0 && bcap == 512);
    CHECK(xt_reserve((void **) &b, &bcap, 513, 1) == 0 && bcap == 1024
          && b[299] == 'x');
    free(b);
}
