#include "xt_test.h"

int  xt_test_passed, xt_test_failed;

int
main(void)
{
    test_config();
    test_secret();
    test_snap_writer();
    test_import();
    test_supervisor();
    test_events();
    test_events_socket();
    test_render();
    test_metrics_file();
    test_archive();
    test_epg();
    test_admin();
    test_admin_proxy();
    test_cluster();
    test_migrate();
    test_grow();
    test_common();
    printf("%d passed, %d failed\n", xt_test_passed, xt_test_failed);
    return xt_test_failed ? 1 : 0;
}
