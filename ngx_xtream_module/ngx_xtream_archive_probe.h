/*
 * Archive probes for has_archive (ngx_xtream_archive_probe.c): whether the
 * catch-up archive of a stream holds a segment in a time window.
 */

#ifndef NGX_XTREAM_ARCHIVE_PROBE_H
#define NGX_XTREAM_ARCHIVE_PROBE_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "xt_timeshift.h"


typedef struct {
    ngx_str_t    root;          /* xtream_archive_root; empty: no archive */
    ngx_log_t   *log;
    ngx_fd_t     fd;            /* the hour index last opened */
    uint32_t     stream;
    int64_t      hour;
    size_t       nrec;
    u_char       path[NGX_MAX_PATH];
} ngx_xtream_archive_probe_t;


void ngx_xtream_archive_probe_init(ngx_xtream_archive_probe_t *p,
    ngx_http_request_t *r);
void ngx_xtream_archive_probe_done(ngx_xtream_archive_probe_t *p);

/* xt_epg_req_t.archived: 1 when a segment overlaps [from, to) */
int ngx_xtream_archive_covers(void *ctx, uint32_t stream, int64_t from,
    int64_t to);

#endif /* NGX_XTREAM_ARCHIVE_PROBE_H */
