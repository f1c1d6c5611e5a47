#include <string.h>

#include "xt_config.h"
#include "xt_test.h"


static int
parse(xt_config_t *cf, const char *text, char *err)
{
    err[0] = '\0';
    return xt_config_parse(cf, text, strlen(text), err, 256);
}


void
test_config(void)
{
    xt_config_t  cf;
    char         err[256];

    CHECK(parse(&cf, "# comment\n\ndb_socket = /run/my.sock\n"
                "db_password = se#cret   # trailing comment\n"
                "db_name=xt_1\r\npoll_interval_ms = 100\n"
                "snapshot_dir = /var/snap\nlog_file =\n", err) == 0);
    CHECK(strcmp(cf.db_socket, "/run/my.sock") == 0);
    CHECK(strcmp(cf.db_password, "se#cret") == 0);
    CHECK(strcmp(cf.db_name, "xt_1") == 0);
    CHECK(cf.poll_interval_ms == 100);
    CHECK(cf.log_file[0] == '\0');
    CHECK(cf.db_port == 3306 && cf.server_id == 1);

    CHECK(parse(&cf, "db_user = a\nbogus = 1\n", err) == -1);
    CHECK(strcmp(err, "line 2: unknown key \"bogus\"") == 0);
    CHECK(parse(&cf, "\n\npoll_interval_ms = 12x\n", err) == -1);
    CHECK(strcmp(err, "line 3: poll_interval_ms must be an integer "
                 "10..60000") == 0);
    CHECK(parse(&cf, "db_port = 70000\n", err) == -1);
    CHECK(strncmp(err, "line 1: db_port", 15) == 0);
    CHECK(parse(&cf, "snapshot_dir = relative/dir\n", err) == -1);
    CHECK(strcmp(err, "line 1: snapshot_dir must be an absolute path") == 0);
    CHECK(parse(&cf, "db_name = x;drop\n", err) == -1);
    CHECK(strncmp(err, "line 1: db_name must be", 23) == 0);
    CHECK(parse(&cf, "db_user = a\ndb_user = b\n", err) == -1);
    CHECK(strcmp(err, "line 2: db_user set twice (first on line 1)") == 0);
    CHECK(parse(&cf, "just words\n", err) == -1);
    CHECK(strcmp(err, "line 1: expected \"key = value\"") == 0);
    CHECK(xt_config_load(&cf, "/nonexistent/x.conf", err, 256) == -1);

    /* the proxies whose X-Real-IP the admin API believes (issue 18) */
    CHECK(parse(&cf, "log_file =\n", err) == 0);
    CHECK(strcmp(cf.admin_trusted_proxies, "127.0.0.1") == 0);
    CHECK(parse(&cf, "admin_trusted_proxies = 10.0.0.0/8, ::1\n", err) == 0);
    CHECK(strcmp(cf.admin_trusted_proxies, "10.0.0.0/8, ::1") == 0);
    CHECK(parse(&cf, "admin_trusted_proxies =\n", err) == 0);
    CHECK(cf.admin_trusted_proxies[0] == '\0');
    CHECK(parse(&cf, "admin_trusted_proxies = 127.0.0.1, 999.1.1.1\n", err)
          == -1);
    CHECK(strncmp(err, "line 1: admin_trusted_proxies must be", 37) == 0);
    CHECK(parse(&cf, "admin_trusted_proxies = 10.0.0.0/33\n", err) == -1);
}
