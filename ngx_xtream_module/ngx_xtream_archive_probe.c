/*
 * Does the catch-up archive hold a moment?  For has_archive in
 * get_simple_data_table: the worker's hour indexes (docs/CONTRACTS.md
 * "Catch-up archive") are sorted fixed-size records, so a probe is a
 * binary search with pread, never a whole-file read.  The last hour file
 * opened stays open for the next probe (programmes come in start order).
 */

#include "ngx_xtream_delivery.h"
#include "ngx_xtream_archive_probe.h"


void
ngx_xtream_archive_probe_init(ngx_xtream_archive_probe_t *p,
    ngx_http_request_t *r)
{
    ngx_xtream_delivery_main_conf_t  *dmcf;

    ngx_memzero(p, sizeof(ngx_xtream_archive_probe_t));
    p->fd = NGX_INVALID_FILE;
    p->log = r->connection->log;

    dmcf = ngx_http_get_module_main_conf(r, ngx_xtream_delivery_module);
    if (dmcf != NULL && dmcf->archive_root.len > 0
        && dmcf->archive_root.len < sizeof(p->path) - 64)
    {
        p->root = dmcf->archive_root;
    }
}


void
ngx_xtream_archive_probe_done(ngx_xtream_archive_probe_t *p)
{
    if (p->fd != NGX_INVALID_FILE) {
        (void) ngx_close_file(p->fd);
        p->fd = NGX_INVALID_FILE;
    }
}


/* the hour file of (stream, h) open in p->fd with p->nrec records; 0, or
   -1 when there is none */
static int
ngx_xtream_archive_hour(ngx_xtream_archive_probe_t *p, uint32_t stream,
    int64_t h)
{
    ngx_file_info_t  fi;

    if (p->fd != NGX_INVALID_FILE && p->stream == stream && p->hour == h) {
        return 0;
    }

    ngx_xtream_archive_probe_done(p);
    p->stream = stream;
    p->hour = h;

    (void) ngx_sprintf(p->path, "%V/%uD/%L/index%Z", &p->root, stream, h);

    p->fd = ngx_open_file(p->path, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (p->fd == NGX_INVALID_FILE) {
        return -1;
    }

    if (ngx_fd_info(p->fd, &fi) == NGX_FILE_ERROR) {
        ngx_xtream_archive_probe_done(p);
        return -1;
    }

    /* a torn tail (a crash mid-append) is not a record */
    p->nrec = (size_t) ngx_file_size(&fi) / XT_ARCH_REC_LEN;

    return 0;
}


static int
ngx_xtream_archive_rec(ngx_xtream_archive_probe_t *p, size_t i,
    xt_arch_seg_t *seg)
{
    char  rec[XT_ARCH_REC_LEN];

    if (pread(p->fd, rec, XT_ARCH_REC_LEN, (off_t) (i * XT_ARCH_REC_LEN))
        != XT_ARCH_REC_LEN
        || xt_arch_record(rec, seg) != 0)
    {
        ngx_log_error(NGX_LOG_ERR, p->log, 0,
                      "xtream: archive index \"%s\" record %uz unreadable",
                      p->path, i);
        return -1;
    }

    return 0;
}


int
ngx_xtream_archive_covers(void *ctx, uint32_t stream, int64_t from,
    int64_t to)
{
    ngx_xtream_archive_probe_t *p = ctx;

    size_t         lo, hi, mid;
    int64_t        h, from_ms, to_ms;
    xt_arch_seg_t  seg;

    if (p->root.len == 0 || to <= from) {
        return 0;
    }

    from_ms = from * 1000;
    to_ms = to * 1000;

    /* a segment listed in the previous hour may reach into the window */
    for (h = from_ms / XT_ARCH_HOUR_MS - 1;
         h <= (to_ms - 1) / XT_ARCH_HOUR_MS;
         h++)
    {
        if (ngx_xtream_archive_hour(p, stream, h) != 0 || p->nrec == 0) {
            continue;
        }

        /* the last record starting before to_ms: records are in start
           order and do not overlap, so only it can reach from_ms */
        lo = 0;
        hi = p->nrec;

        while (lo < hi) {
            mid = lo + (hi - lo) / 2;

            if (ngx_xtream_archive_rec(p, mid, &seg) != 0) {
                return 0;
            }

            if (seg.start_ms < to_ms) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }

        if (lo == 0 || ngx_xtream_archive_rec(p, lo - 1, &seg) != 0) {
            continue;
        }

        if (seg.bytes > 0
            && seg.start_ms + (seg.dur_ms ? seg.dur_ms : 1) > from_ms)
        {
            return 1;
        }
    }

    return 0;
}
