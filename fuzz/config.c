/*
 * xtreamd.conf (xt_config.c) on any bytes: parsed into bounded fields or
 * refused with a "line N: ..." message.
 */

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "xt_config.h"


static void
bounded(const char *s, size_t size)
{
    assert(memchr(s, '\0', size) != NULL);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char          err[512];
    xt_config_t   cf;

    err[0] = '\0';
    if (xt_config_parse(&cf, (const char *) data, size, err, sizeof(err))
        != 0)
    {
        assert(err[0] != '\0');
        return 0;
    }

    bounded(cf.db_socket, sizeof(cf.db_socket));
    bounded(cf.db_host, sizeof(cf.db_host));
    bounded(cf.db_password, sizeof(cf.db_password));
    bounded(cf.db_name, sizeof(cf.db_name));
    bounded(cf.event_socket_group, sizeof(cf.event_socket_group));
    assert(cf.snapshot_dir[0] == '/');
    assert(cf.db_port >= 1 && cf.db_port <= 65535);
    assert(cf.poll_interval_ms >= 10 && cf.poll_interval_ms <= 60000);

    return 0;
}
