/* xtreamd's metrics file: rendering and the atomic install
 * (xt_metrics_file.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xt_metrics_file.h"
#include "xt_test.h"


static char *
slurp(const char *path)
{
    FILE   *f = fopen(path, "r");
    char   *buf;
    long    n;

    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, (size_t) n + 1);
    if (buf && fread(buf, 1, (size_t) n, f) != (size_t) n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}


void
test_metrics_file(void)
{
    char          dir[] = "/tmp/xt-dm-test.XXXXXX", path[256], *s;
    xt_prom_t     p;
    struct stat   sb;

    xt_dm_start(1000);
    xt_dm_db(1);
    xt_dm_compile("lines", 12.5, 1, 7);
    xt_dm_compile("lines", 7.5, 1, 8);
    xt_dm_compile("catalog", 30, 0, 0);
    xt_dm_import("epg", 1500, 1);
    xt_dm_db(0);

    xt_prom_init(&p, NULL, 0, xt_prom_grow_malloc, NULL);
    xt_dm_render(&p, NULL, 0, 1234);
    xt_prom_raw(&p, "", 1);
    CHECK(!p.failed);
    s = p.buf;
    CHECK(strstr(s, "\nxtreamd_metrics_written_timestamp_seconds 1234\n"));
    CHECK(strstr(s, "\nxtreamd_start_timestamp_seconds 1000\n"));
    CHECK(strstr(s, "\nxtreamd_db_up 0\n"));
    CHECK(strstr(s, "\nxtreamd_db_connection_losses_total 1\n"));
    CHECK(strstr(s, "\nxtreamd_snapshot_builds_total{kind=\"lines\"} 2\n"));
    CHECK(strstr(s, "\nxtreamd_snapshot_builds_failures_total"
                    "{kind=\"catalog\"} 1\n"));
    CHECK(strstr(s, "\nxtreamd_snapshot_builds_last_duration_seconds"
                    "{kind=\"lines\"} 0.0075\n"));
    CHECK(strstr(s, "\nxtreamd_snapshot_builds_duration_seconds_total"
                    "{kind=\"lines\"} 0.02\n"));
    CHECK(strstr(s, "\nxtreamd_snapshot_generation{kind=\"lines\"} 8\n"));
    CHECK(strstr(s, "\nxtreamd_imports_total{kind=\"epg\"} 1\n"));
    CHECK(strstr(s, "\nxtreamd_imports_last_duration_seconds"
                    "{kind=\"epg\"} 1.5\n"));
    CHECK(strstr(s, "# TYPE xtreamd_imports_total counter\n"));
    CHECK(strstr(s, "xtreamd_workers_running") == NULL);   /* no sup */
    free(p.buf);

    /* installed atomically: the file is whole, no temporary left */
    CHECK(mkdtemp(dir) != NULL);
    CHECK(xt_dm_write(dir, NULL, 0, 99) == 0);
    snprintf(path, sizeof(path), "%s/%s", dir, XT_METRICS_FILE);
    s = slurp(path);
    CHECK(s && strstr(s, "xtreamd_metrics_written_timestamp_seconds 99\n"));
    CHECK(s && s[strlen(s) - 1] == '\n');
    free(s);
    snprintf(path, sizeof(path), "%s/%s.tmp", dir, XT_METRICS_FILE);
    CHECK(stat(path, &sb) != 0);
    snprintf(path, sizeof(path), "%s/%s", dir, XT_METRICS_FILE);
    unlink(path);
    rmdir(dir);

    /* a directory that is not there: an error, no crash */
    CHECK(xt_dm_write("/nonexistent/xt-dm", NULL, 0, 1) == -1);
}
