/*
 * Unit tests of the module's pure-C pieces (no nginx).
 */

#include "xt_test.h"

int  xt_test_passed;
int  xt_test_failed;


int
main(void)
{
    test_snapshot();
    test_password();
    test_args();
    test_tz();
    test_render();
    test_api();
    test_hdhr();

    printf("%d passed, %d failed\n", xt_test_passed, xt_test_failed);

    return xt_test_failed ? 1 : 0;
}
