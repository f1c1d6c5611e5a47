/* Catch-up archive rules: who archives (and advertises), hour expiry, and
 * the config keys. */
#include <string.h>

#include "xt_archive_policy.h"
#include "xt_archive_prune.h"
#include "xt_config.h"
#include "xt_test.h"

void
test_archive(void)
{
    xt_config_t  cf;
    char         err[256];
    const char  *c = "archive_root = /var/lib/xtream/archive\n"
                     "archive_scan_seconds = 5\n";

    /* without an archive_root nothing archives, whatever the stream says */
    xt_archive_policy_set(0, 1);
    CHECK(xt_archive_days(1, 2, 0, 1) == 0);
    xt_archive_policy_set(1, 7);
    CHECK(xt_archive_policy_enabled() && xt_archive_policy_server() == 7);
    CHECK(xt_archive_days(1, 2, 0, 1) == 2);
    CHECK(xt_archive_days(0, 2, 0, 1) == 0);  /* tv_archive off */
    CHECK(xt_archive_days(1, 0, 0, 1) == 0);  /* no duration */
    CHECK(xt_archive_days(1, 2, 1, 1) == 0);  /* on-demand: no worker */
    CHECK(xt_archive_days(1, 2, 0, 0) == 0);  /* placed on another server */
    CHECK(xt_archive_days(1, -3, 0, 1) == 0);
    CHECK(xt_archive_days(1, 999999, 0, 1) == 3650);
    xt_archive_policy_set(0, 1);

    /* hour h covers [h*3600, h*3600+3600): gone once all of it is older */
    CHECK(!xt_archive_hour_expired(100, 1, 100 * 3600 + 3600 + 86400 - 1));
    CHECK(xt_archive_hour_expired(100, 1, 100 * 3600 + 3600 + 86400));
    CHECK(xt_archive_hour_expired(100, 0, 100 * 3600 + 3600));
    CHECK(!xt_archive_hour_expired(100, 0, 100 * 3600 + 3599));
    CHECK(!xt_archive_hour_expired(499051, 2, 1796583600 + 86400));

    CHECK(xt_config_parse(&cf, c, strlen(c), err, sizeof(err)) == 0);
    CHECK(strcmp(cf.archive_root, "/var/lib/xtream/archive") == 0);
    CHECK(cf.archive_scan_seconds == 5);
    CHECK(xt_config_parse(&cf, "x=1\n", 0, err, sizeof(err)) == 0
          && cf.archive_root[0] == '\0' && cf.archive_scan_seconds == 60);
    CHECK(xt_config_parse(&cf, "archive_scan_seconds = 0\n", 25, err,
                          sizeof(err)) == -1);
}
