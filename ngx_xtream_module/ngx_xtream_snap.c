/*
 * Per-worker snapshot maps.  A cancelable timer stats each file every
 * xtream_snapshot_poll; a changed file is opened, mapped read-only and
 * validated BEFORE it replaces the current generation.  Requests hold a
 * reference (released by a pool cleanup), so an old generation stays
 * mapped until its last request ends.  The request path never stats.
 */

#include <sys/mman.h>

#include "ngx_xtream_module.h"


#define NGX_XTREAM_SNAP_MAX  ((off_t) 4 * 1024 * 1024 * 1024)


typedef struct {
    const char              *file;
    uint32_t                 kind;
    ngx_str_t                path;          /* NUL-terminated */
    ngx_xtream_map_t        *current;

    /* identity of the last file looked at, good or bad: a corrupt file is
       tried (and logged) once, not every poll */
    ngx_file_uniq_t          uniq;
    time_t                   mtime;
    long                     mtime_nsec;    /* two files of one size in one
                                               second, the inode reused */
    off_t                    size;
} ngx_xtream_slot_t;


static ngx_xtream_slot_t  ngx_xtream_slots[NGX_XTREAM_SNAP_NKINDS] = {
    { XT_SNAP_FILE_LINES, XT_SNAP_KIND_LINES, ngx_null_string, NULL,
      0, 0, 0, -1 },
    { XT_SNAP_FILE_CATALOG, XT_SNAP_KIND_CATALOG, ngx_null_string, NULL,
      0, 0, 0, -1 },
    { XT_SNAP_FILE_EPG, XT_SNAP_KIND_EPG, ngx_null_string, NULL,
      0, 0, 0, -1 },
    { XT_SNAP_FILE_CLUSTER, XT_SNAP_KIND_CLUSTER, ngx_null_string, NULL,
      0, 0, 0, -1 }
};

static ngx_event_t        ngx_xtream_snap_timer;
/* timer events log ngx_event_ident(ev->data) at debug level, which reads
   a connection: point data at a dummy one, as core's cleaner event does */
static ngx_connection_t   ngx_xtream_snap_dummy;
static ngx_msec_t         ngx_xtream_snap_poll;


static void
ngx_xtream_map_release(ngx_xtream_map_t *m)
{
    if (--m->refs > 0) {
        return;
    }

    if (munmap(m->addr, m->size) == -1) {
        ngx_log_error(NGX_LOG_ALERT, ngx_cycle->log, ngx_errno,
                      "munmap() of an xtream snapshot failed");
    }

    ngx_free(m);
}


static void
ngx_xtream_snap_load(ngx_xtream_slot_t *slot, ngx_log_t *log)
{
    u_char            *addr;
    ngx_fd_t           fd;
    const char        *err;
    ngx_file_info_t    fi;
    ngx_xtream_map_t  *m, *old;

    if (ngx_file_info(slot->path.data, &fi) == NGX_FILE_ERROR) {
        if (slot->size != -2) {
            /* missing until xtreamd writes it: say so once */
            ngx_log_error(NGX_LOG_WARN, log, ngx_errno,
                          ngx_file_info_n " \"%s\" failed", slot->path.data);
            slot->size = -2;
        }
        return;
    }

    if (ngx_file_uniq(&fi) == slot->uniq
        && ngx_file_mtime(&fi) == slot->mtime
        && fi.st_mtim.tv_nsec == slot->mtime_nsec
        && ngx_file_size(&fi) == slot->size)
    {
        return;
    }

    fd = ngx_open_file(slot->path.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_ERR, log, ngx_errno,
                      ngx_open_file_n " \"%s\" failed", slot->path.data);
        return;
    }

    /* the path may be replaced again meanwhile: trust only the open fd */
    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ERR, log, ngx_errno,
                      ngx_fd_info_n " \"%s\" failed", slot->path.data);
        ngx_close_file(fd);
        return;
    }

    slot->uniq = ngx_file_uniq(&fi);
    slot->mtime = ngx_file_mtime(&fi);
    slot->mtime_nsec = fi.st_mtim.tv_nsec;
    slot->size = ngx_file_size(&fi);

    if (!ngx_is_file(&fi) || slot->size < (off_t) sizeof(xt_snap_header_t)
        || slot->size > NGX_XTREAM_SNAP_MAX)
    {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "xtream snapshot \"%s\" refused: not a regular file "
                      "of plausible size (%O bytes), keeping generation %uL",
                      slot->path.data, slot->size,
                      slot->current ? slot->current->snap.hdr->generation : 0);
        ngx_close_file(fd);
        return;
    }

    addr = mmap(NULL, (size_t) slot->size, PROT_READ, MAP_SHARED, fd, 0);
    ngx_close_file(fd);

    if (addr == MAP_FAILED) {
        ngx_log_error(NGX_LOG_ERR, log, ngx_errno,
                      "mmap(\"%s\") failed", slot->path.data);
        return;
    }

    m = ngx_alloc(sizeof(ngx_xtream_map_t), log);
    if (m == NULL) {
        munmap(addr, (size_t) slot->size);
        slot->size = -1;        /* retry on the next poll */
        return;
    }

    m->addr = addr;
    m->size = (size_t) slot->size;
    m->refs = 1;

    if (xt_snap_open(&m->snap, addr, m->size, slot->kind, &err) != 0) {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "xtream snapshot \"%s\" refused: %s, keeping "
                      "generation %uL", slot->path.data, err,
                      slot->current ? slot->current->snap.hdr->generation : 0);
        munmap(addr, m->size);
        ngx_free(m);
        return;
    }

    old = slot->current;
    slot->current = m;

    ngx_log_error(NGX_LOG_INFO, log, 0,
                  "xtream snapshot \"%s\" generation %uL mapped",
                  slot->path.data, m->snap.hdr->generation);

    if (old) {
        ngx_xtream_map_release(old);
    }
}


static void
ngx_xtream_snap_tick(ngx_event_t *ev)
{
    ngx_uint_t  i;

    if (ngx_exiting || ngx_terminate || ngx_quit) {
        return;
    }

    for (i = 0; i < NGX_XTREAM_SNAP_NKINDS; i++) {
        ngx_xtream_snap_load(&ngx_xtream_slots[i], ev->log);
    }

    ngx_add_timer(ev, ngx_xtream_snap_poll);
}


ngx_int_t
ngx_xtream_snap_init_process(ngx_cycle_t *cycle,
    ngx_xtream_main_conf_t *xmcf)
{
    u_char             *p;
    size_t              len;
    ngx_uint_t          i;
    ngx_xtream_slot_t  *slot;

    for (i = 0; i < NGX_XTREAM_SNAP_NKINDS; i++) {
        slot = &ngx_xtream_slots[i];

        len = xmcf->snapshot_dir.len + 1 + ngx_strlen(slot->file) + 1;
        p = ngx_pnalloc(cycle->pool, len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        slot->path.data = p;
        slot->path.len = ngx_sprintf(p, "%V/%s%Z", &xmcf->snapshot_dir,
                                     slot->file) - p - 1;

        ngx_xtream_snap_load(slot, cycle->log);
    }

    ngx_xtream_snap_poll = xmcf->snapshot_poll;
    ngx_xtream_snap_dummy.fd = (ngx_socket_t) -1;

    ngx_xtream_snap_timer.handler = ngx_xtream_snap_tick;
    ngx_xtream_snap_timer.data = &ngx_xtream_snap_dummy;
    ngx_xtream_snap_timer.log = cycle->log;
    /* a pending poll must not hold a worker that is shutting down */
    ngx_xtream_snap_timer.cancelable = 1;

    ngx_add_timer(&ngx_xtream_snap_timer, ngx_xtream_snap_poll);

    return NGX_OK;
}


void
ngx_xtream_snap_exit_process(void)
{
    ngx_uint_t  i;

    for (i = 0; i < NGX_XTREAM_SNAP_NKINDS; i++) {
        if (ngx_xtream_slots[i].current) {
            ngx_xtream_map_release(ngx_xtream_slots[i].current);
            ngx_xtream_slots[i].current = NULL;
        }
    }
}


static void
ngx_xtream_snap_cleanup(void *data)
{
    ngx_xtream_map_release(data);
}


ngx_xtream_map_t *
ngx_xtream_snap_acquire(ngx_http_request_t *r, ngx_xtream_snap_kind_e kind)
{
    ngx_xtream_map_t    *m;
    ngx_pool_cleanup_t  *cln;

    m = ngx_xtream_slots[kind].current;
    if (m == NULL) {
        return NULL;
    }

    /* cleanup first: a failed allocation cannot leak a reference */
    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    m->refs++;
    cln->handler = ngx_xtream_snap_cleanup;
    cln->data = m;

    return m;
}


ngx_xtream_map_t *
ngx_xtream_snap_peek(ngx_xtream_snap_kind_e kind)
{
    return ngx_xtream_slots[kind].current;
}
