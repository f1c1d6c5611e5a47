/*
 * ngx_xtream_metrics_module: the Prometheus endpoint (xtream_metrics).
 * The one thing the delivery code calls: the census tag of a connection
 * it has just counted, so TS, movie and episode transfers are told apart.
 */
#ifndef NGX_XTREAM_METRICS_H
#define NGX_XTREAM_METRICS_H

#include "ngx_xtream_delivery.h"
#include "xt_metrics.h"

/* the metrics file xtreamd writes next to its snapshots */
#define NGX_XTREAM_XTREAMD_PROM      "xtreamd.prom"
#define NGX_XTREAM_XTREAMD_PROM_MAX  (16 * 1024 * 1024)

xt_mtag_e ngx_xtream_metrics_conn_tag(ngx_xtream_kind_e kind);

extern ngx_module_t  ngx_xtream_metrics_module;

#endif
