/*
 * Load reports (issue 11): every load_report_ms this server's xtreamd
 * upserts its server_load row on the write (primary) connection: live
 * connections (its live_connections rows), the machine's transmit rate
 * and CPU use since the previous report, and its running workers.  The
 * row's last_seen is what "healthy" is judged by.  A server without a
 * servers row reports nothing (a single box needs no row); load_report_ms
 * = 0 (the default) reports nothing at all.
 */
#ifndef XT_LOAD_REPORT_H
#define XT_LOAD_REPORT_H

#include <stddef.h>

#include "xt_config.h"
#include "xt_db.h"

typedef struct {
    double              last_ms;        /* monotonic, of the last report */
    unsigned long long  cpu_busy, cpu_total;
    unsigned long long  tx_bytes;
    double              tx_ms;
    unsigned            failed;         /* reports that did not reach the
                                           database, for the log */
} xt_load_t;

/* report when load_report_ms has passed since the last one; returns -1
   when the write failed (db->err), 0 otherwise */
int xt_load_report(xt_load_t *lr, xt_db_t *db, const xt_config_t *cf,
    unsigned streams_running, double now_ms);

/* at a clean stop: last_seen = 0, so the main stops sending viewers at
   once instead of after its node timeout */
void xt_load_report_gone(xt_db_t *db, const xt_config_t *cf);

/* /proc parsers, pure: 0 or -1 */
int xt_load_parse_stat(const char *text, unsigned long long *busy,
    unsigned long long *total);
int xt_load_parse_netdev(const char *text, unsigned long long *tx_bytes);

#endif
