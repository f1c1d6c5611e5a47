#include <stdint.h>
#include <stdlib.h>

#include "xt_grow.h"

#define XT_GROW_FIRST  256


int
xt_reserve(void **p, size_t *cap, size_t need, size_t elem)
{
    void    *np;
    size_t   nc;

    if (need <= *cap) {
        return 0;
    }
    if (elem == 0 || need > SIZE_MAX / elem) {
        return -1;
    }
    nc = *cap ? *cap : XT_GROW_FIRST;
    while (nc < need) {
        /* doubling past SIZE_MAX / elem: take exactly what is needed */
        nc = nc > SIZE_MAX / elem / 2 ? need : nc * 2;
    }
    np = realloc(*p, nc * elem);
    if (np == NULL) {
        return -1;
    }
    *p = np;
    *cap = nc;
    return 0;
}


int
xt_grow(void **p, size_t *cap, size_t n, size_t elem)
{
    if (n == SIZE_MAX) {
        return -1;
    }
    return xt_reserve(p, cap, n + 1, elem);
}
