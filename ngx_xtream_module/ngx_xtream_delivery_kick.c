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
#include "xt_access.h"
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


uint32_t
ngx_xtream_line_kick(uint32_t line_id)
{
    ngx_xtream_map_t      *m;
    const xt_snap_line_t  *line;

    m = ngx_xtream_snap_peek(NGX_XTREAM_SNAP_LINES);
    if (m == NULL) {
        return 0;
    }

    line = xt_snap_line_by_id(&m->snap, line_id);

    return line ? xt_snap_line_kick(&m->snap, line) : 0;
}


/*
 * Session identity (docs/SECURITY.md "Subscribers: connection table"):
 * line, client address, kick generation and stream, never the User-Agent
 * (a client sets it per request; rotating it made a new session, and a
 * new connection record, per playlist request).
 */
uint64_t
ngx_xtream_hls_session(ngx_http_request_t *r,
    ngx_xtream_delivery_main_conf_t *dmcf, uint32_t line_id,
    uint32_t stream_id, uint32_t kick)
{
    return xt_token_session_key(dmcf->token_key, line_id,
                                (const char *) r->connection->addr_text.data,
                                r->connection->addr_text.len, kick,
                                stream_id);
}


int
ngx_xtream_line_ua_allowed(ngx_http_request_t *r, const xt_snap_t *lines,
    const xt_snap_line_t *line)
{
    ngx_str_t  *ua;

    if (line->allowed_uas.len == 0) {
        return 1;
    }

    ua = r->headers_in.user_agent ? &r->headers_in.user_agent->value : NULL;

    if (xt_access_ua_allowed(xt_snap_strp(lines, line->allowed_uas),
                             line->allowed_uas.len,
                             ua ? (const char *) ua->data : "",
                             ua ? ua->len : 0))
    {
        return 1;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "xtream: line %uD: user agent not allowed", line->id);

    return 0;
}
