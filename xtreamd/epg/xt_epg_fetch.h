/*
 * EPG download over HTTP(S) with libcurl into an open spool file:
 * connect and total timeouts, a size cap, http/https only (also on
 * redirects), conditional requests from the validators of the last good
 * import (If-None-Match / If-Modified-Since; 304 = nothing to do).
 */
#ifndef XT_EPG_FETCH_H
#define XT_EPG_FETCH_H

#include <stdint.h>

typedef struct {
    /* in */
    const char  *url;
    const char  *etag, *last_modified;      /* "" = not sent */
    unsigned     connect_timeout_s, timeout_s;
    uint64_t     max_bytes;
    int          fd;                        /* written from offset 0 */
    void       (*progress)(void *ctx, uint64_t now, uint64_t total);
    void        *ctx;
    /* out */
    long         status;
    int          not_modified;
    char         new_etag[256], new_last_modified[64];
    uint64_t     bytes, total;
    int          too_big, write_failed;
    char         err[512];
} xt_epg_fetch_t;

/* 0: a 200 body is in fd, or not_modified; -1: f->err */
int xt_epg_fetch(xt_epg_fetch_t *f);

/* 1 when url is an http:// or https:// URL we accept (ASCII, no blanks
   or control characters, at most 2048 bytes) */
int xt_epg_url_is_http(const char *url);

#endif
