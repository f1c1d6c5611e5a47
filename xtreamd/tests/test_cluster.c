/* The many-servers pieces of the daemon (issue 11): the db_write_* and
   load_report_ms keys, the read/write split, the /proc parsers of the
   load reports. */
#include <string.h>

#include "xt_config.h"
#include "xt_db_write.h"
#include "xt_load_report.h"
#include "xt_test.h"


static int
parse(xt_config_t *cf, const char *text, char *err)
{
    err[0] = '\0';
    return xt_config_parse(cf, text, strlen(text), err, 256);
}


void
test_cluster(void)
{
    xt_config_t          cf;
    char                 err[256];
    unsigned long long   busy, total, tx;

    /* one DSN: no split, no load reports (a single box) */
    CHECK(parse(&cf, "db_socket = /run/r.sock\n", err) == 0);
    CHECK(!xt_db_write_split(&cf) && cf.load_report_ms == 0
          && cf.db_write_port == 3306);

    CHECK(parse(&cf, "db_socket = /run/replica.sock\n"
                "db_write_host = 10.0.0.1\ndb_write_port = 3307\n"
                "db_write_user = node\ndb_write_password = p#w\n"
                "load_report_ms = 500\nserver_id = 3\n", err) == 0);
    CHECK(xt_db_write_split(&cf) && strcmp(cf.db_write_host, "10.0.0.1") == 0
          && cf.db_write_port == 3307 && strcmp(cf.db_write_user, "node") == 0
          && strcmp(cf.db_write_password, "p#w") == 0
          && cf.load_report_ms == 500 && cf.server_id == 3);
    CHECK(parse(&cf, "db_write_socket = /run/primary.sock\n", err) == 0
          && xt_db_write_split(&cf));
    CHECK(parse(&cf, "load_report_ms = 2000\n", err) == 0
          && cf.load_report_ms == 2000);

    CHECK(parse(&cf, "db_write_socket = primary.sock\n", err) == -1);
    CHECK(strcmp(err, "line 1: db_write_socket must be an absolute path")
          == 0);
    CHECK(parse(&cf, "load_report_ms = 600001\n", err) == -1);
    CHECK(strcmp(err, "line 1: load_report_ms must be an integer "
                 "0..600000") == 0);
    CHECK(parse(&cf, "db_write_port = 0\n", err) == -1);
    CHECK(parse(&cf, "db_write_host = a\ndb_write_host = b\n", err) == -1);
    CHECK(strcmp(err, "line 2: db_write_host set twice (first on line 1)")
          == 0);

    /* /proc/stat: busy = everything but idle and iowait */
    CHECK(xt_load_parse_stat("cpu  100 5 50 800 20 3 2 0 0 0\ncpu0 1 2 3 4\n",
                             &busy, &total) == 0);
    CHECK(total == 980 && busy == 160);
    CHECK(xt_load_parse_stat("cpu  1 2 3\n", &busy, &total) == -1);
    CHECK(xt_load_parse_stat("intr 1 2 3 4 5\n", &busy, &total) == -1);
    CHECK(xt_load_parse_stat("", &busy, &total) == -1);

    /* /proc/net/dev: the 9th counter after "name:" (transmit bytes) */
    CHECK(xt_load_parse_netdev(
        "Inter-|   Receive                            |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast"
        "|bytes    packets errs drop fifo colls carrier compressed\n"
        "    lo: 1000 10 0 0 0 0 0 0 7000 10 0 0 0 0 0 0\n"
        "  eth0:2000 20 0 0 0 0 0 0 500 5 0 0 0 0 0 0\n", &tx) == 0);
    CHECK(tx == 7500);
    CHECK(xt_load_parse_netdev("h1\nh2\n", &tx) == -1);
    CHECK(xt_load_parse_netdev("h1\nh2\n  lo: 1 2 3\n", &tx) == -1);
}
