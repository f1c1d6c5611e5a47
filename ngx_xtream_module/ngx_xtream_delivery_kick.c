/*
 * A running connection ends when its line no longer allows it: banned,
 * disabled, expired or deleted, or "killed" from the admin API (its kick
 * generation in lines.snap moved past the one the connection started
 * under; docs/ADMIN-API.md).  The check needs no database: it reads the
 * current lines snapshot and the connection's zone record.  Called from
 * ngx_xtream_evicted() (TS ticks, on-demand waits, the VOD timer) and from
 * the HLS variant-playlist re-check.
 */
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_xtream_module.h"
#include "xt_entitle.h"
#include "ngx_xtream_delivery.h"


int
ngx_xtream_revoked(ngx_xtream_dreq_t *d, uint64_t key)
{
    int                    kicked;
    ngx_xtream_map_t      *m;
    ngx_xtream_zone_t     *zone;
    const xt_snap_line_t  *line;

    m = ngx_xtream_snap_peek(NGX_XTREAM_SNAP_LINES);
    if (m == NULL) {
        return 0;           /* no snapshot yet: nothing to go by */
    }

    line = xt_snap_line_by_id(&m->snap, d->line_id);
    if (line == NULL || xt_line_status(line, ngx_time()) != XT_STATUS_ACTIVE)
    {
        ngx_log_error(NGX_LOG_INFO, d->r->connection->log, 0,
                      "xtream: line %uD no longer active, ending its "
                      "connection", d->line_id);
        return 1;
    }

    zone = ngx_xtream_zone_get(d->r);
    if (zone == NULL) {
        return 0;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);
    kicked = xt_conns_kick(zone->sh->conns, d->line_id, key,
                           xt_snap_line_kick(&m->snap, line));
    ngx_shmtx_unlock(&zone->shpool->mutex);

    if (kicked) {
        ngx_log_error(NGX_LOG_INFO, d->r->connection->log, 0,
                      "xtream: line %uD: connections killed by an admin",
                      d->line_id);
    }

    return kicked;
}
