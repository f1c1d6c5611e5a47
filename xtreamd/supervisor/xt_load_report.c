/* Load reports to server_load (see xt_load_report.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xt_load_report.h"
#include "xt_log.h"


/* "cpu  user nice system idle iowait irq softirq steal ..." */
int
xt_load_parse_stat(const char *text, unsigned long long *busy,
    unsigned long long *total)
{
    unsigned long long  v[8];
    int                 n;

    memset(v, 0, sizeof(v));
    if (strncmp(text, "cpu ", 4) != 0) {
        return -1;
    }
    n = sscanf(text + 4, "%llu %llu %llu %llu %llu %llu %llu %llu",
               &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
    if (n < 4) {
        return -1;
    }
    *total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
    *busy = *total - v[3] - v[4];       /* idle and iowait */
    return 0;
}


/* the sum of every interface's transmitted bytes (the 9th number after
   "name:"); two header lines first */
int
xt_load_parse_netdev(const char *text, unsigned long long *tx_bytes)
{
    const char          *p = text, *colon, *nl;
    unsigned long long   v[9], sum = 0;
    int                  lines = 0, found = 0;

    while (*p) {
        nl = strchr(p, '\n');
        if (lines++ >= 2) {
            colon = strchr(p, ':');
            if (colon && (nl == NULL || colon < nl)
                && sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu "
                          "%llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                          &v[5], &v[6], &v[7], &v[8]) == 9)
            {
                sum += v[8];
                found = 1;
            }
        }
        if (nl == NULL) {
            break;
        }
        p = nl + 1;
    }
    if (!found) {
        return -1;
    }
    *tx_bytes = sum;
    return 0;
}


static int
xt_load_read(const char *path, char *buf, size_t size)
{
    FILE    *f;
    size_t   n;

    f = fopen(path, "re");
    if (f == NULL) {
        return -1;
    }
    n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = '\0';
    return 0;
}


int
xt_load_report(xt_load_t *lr, xt_db_t *db, const xt_config_t *cf,
    unsigned streams_running, double now_ms)
{
    static char          buf[16384];
    unsigned long long   busy = 0, total = 0, tx = 0;
    unsigned             cpu = 0, kbps = 0;
    MYSQL_STMT          *st;
    xt_binds_t           bs;
    int                  rc;

    if (cf->load_report_ms == 0
        || (lr->last_ms > 0 && now_ms - lr->last_ms < cf->load_report_ms))
    {
        return 0;
    }
    lr->last_ms = now_ms;

    if (xt_load_read("/proc/stat", buf, sizeof(buf)) == 0
        && xt_load_parse_stat(buf, &busy, &total) == 0)
    {
        if (lr->cpu_total && total > lr->cpu_total && busy >= lr->cpu_busy) {
            cpu = (unsigned) ((busy - lr->cpu_busy) * 100
                              / (total - lr->cpu_total));
        }
        lr->cpu_busy = busy;
        lr->cpu_total = total;
    }
    if (xt_load_read("/proc/net/dev", buf, sizeof(buf)) == 0
        && xt_load_parse_netdev(buf, &tx) == 0)
    {
        if (lr->tx_ms > 0 && tx >= lr->tx_bytes && now_ms > lr->tx_ms) {
            kbps = (unsigned) ((double) (tx - lr->tx_bytes) * 8.0
                               / (now_ms - lr->tx_ms));
        }
        lr->tx_bytes = tx;
        lr->tx_ms = now_ms;
    }

    if (db == NULL || db->my == NULL) {
        lr->failed++;
        return -1;
    }

    /* INSERT ... SELECT: no servers row, no report (and no FK error) */
    st = xt_db_prepare(db, "INSERT INTO server_load (server_id, "
                       "connections, out_kbps, cpu_pct, streams_running, "
                       "last_seen) SELECT s.id, (SELECT COUNT(*) FROM "
                       "live_connections c WHERE c.server_id = s.id), "
                       "?, ?, ?, ? FROM servers s WHERE s.id = ? "
                       "ON DUPLICATE KEY UPDATE connections = "
                       "VALUES(connections), out_kbps = VALUES(out_kbps), "
                       "cpu_pct = VALUES(cpu_pct), streams_running = "
                       "VALUES(streams_running), last_seen = "
                       "VALUES(last_seen)");
    if (st == NULL) {
        lr->failed++;
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, kbps);
    xt_bind_int(&bs, cpu);
    xt_bind_int(&bs, streams_running);
    xt_bind_int(&bs, (long long) time(NULL));
    xt_bind_int(&bs, cf->server_id);
    rc = xt_db_run(db, st, &bs);
    mysql_stmt_close(st);
    if (rc != 0) {
        if (lr->failed++ == 0) {
            xt_log(XT_LOG_WARN, "load report failed: %s", db->err);
        }
        return -1;
    }
    if (lr->failed) {
        xt_log(XT_LOG_INFO, "load reports reach the database again (%u "
               "missed)", lr->failed);
        lr->failed = 0;
    }
    return 0;
}


void
xt_load_report_gone(xt_db_t *db, const xt_config_t *cf)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;

    if (cf->load_report_ms == 0 || db == NULL || db->my == NULL) {
        return;
    }
    st = xt_db_prepare(db, "UPDATE server_load SET last_seen = 0 "
                       "WHERE server_id = ?");
    if (st == NULL) {
        return;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, cf->server_id);
    if (xt_db_run(db, st, &bs) != 0) {
        xt_log(XT_LOG_WARN, "marking this server stopped: %s", db->err);
    }
    mysql_stmt_close(st);
}
