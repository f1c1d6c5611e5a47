#include "xt_archive_policy.h"

/* off in xtreamctl and unless xtreamd has an archive_root */
static int       xt_archive_on;
static unsigned  xt_archive_server = 1;


void
xt_archive_policy_set(int enabled, unsigned server_id)
{
    xt_archive_on = enabled ? 1 : 0;
    xt_archive_server = server_id;
}


unsigned
xt_archive_policy_server(void)
{
    return xt_archive_server;
}


int
xt_archive_policy_enabled(void)
{
    return xt_archive_on;
}


unsigned
xt_archive_days(long long tv_archive, long long duration, long long on_demand,
    long long here)
{
    if (!xt_archive_on || !tv_archive || on_demand || !here || duration <= 0) {
        return 0;
    }
    return duration > 3650 ? 3650 : (unsigned) duration;
}
