/*
 * Live HLS.  /live/U/P/ID.m3u8 (checked by ngx_xtream_delivery_handler.c)
 * answers the worker's playlist rewritten so that every URL carries a
 * signed token:
 *   one variant   the variant's media playlist, segments
 *                 /hls/ID/V/SEQ.ts?t=TOKEN
 *   several       the master playlist, variants /hls/ID/V/index.m3u8?t=TOKEN
 * Segment and variant-playlist requests are checked by the token (constant
 * time) and the line's state in the current snapshot (a binary search),
 * and keep the viewer's session alive in the zone.
 */

#include "xt_entitle.h"
#include "xt_m3u8.h"
#include "xt_timeshift.h"
#include "ngx_xtream_delivery.h"


typedef struct {
    ngx_xtream_dreq_t  *d;
} ngx_xtream_sign_ctx_t;


int
ngx_xtream_out_sink(void *ctx, const char *p, size_t len)
{
    ngx_xtream_out_t  *o = ctx;

    if ((size_t) (o->end - o->pos) < len) {
        return -1;
    }

    o->pos = ngx_cpymem(o->pos, p, len);

    return 0;
}


static size_t
ngx_xtream_hls_sign(void *ctx, uint32_t variant, char *buf, size_t size)
{
    ngx_xtream_sign_ctx_t *sc = ctx;

    xt_token_t          t;
    ngx_xtream_dreq_t  *d = sc->d;

    t.expires = (int64_t) ngx_time() + d->dmcf->token_ttl;
    t.line_id = d->line_id;
    t.stream_id = d->stream_id;
    t.variant = variant;
    t.session = d->session;

    return xt_token_sign_key(d->dmcf->token_key, &t, buf, size);
}


ngx_int_t
ngx_xtream_delivery_header(ngx_http_request_t *r, const char *key,
    const char *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.data = (u_char *) key;
    h->key.len = ngx_strlen(key);
    h->value.data = (u_char *) value;
    h->value.len = ngx_strlen(value);

    return NGX_OK;
}


ngx_int_t
ngx_xtream_send_playlist(ngx_http_request_t *r, u_char *data, size_t len)
{
    ngx_int_t     rc;
    ngx_buf_t    *b;
    ngx_chain_t   out;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = (off_t) len;
    ngx_str_set(&r->headers_out.content_type,
                "application/vnd.apple.mpegurl");
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    if (ngx_xtream_delivery_header(r, "Cache-Control", "no-cache") != NGX_OK
        || ngx_xtream_delivery_header(r, "Access-Control-Allow-Origin", "*")
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = data;
    b->last = data + len;
    b->memory = 1;
    b->last_buf = (r == r->main);
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/* HEAD: the headers of a playlist answer without reading or rewriting
   the playlist (its length is only known by doing that, and RFC 9110
   lets a HEAD answer omit it) */
ngx_int_t
ngx_xtream_send_playlist_head(ngx_http_request_t *r)
{
    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = -1;
    ngx_str_set(&r->headers_out.content_type,
                "application/vnd.apple.mpegurl");
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    if (ngx_xtream_delivery_header(r, "Cache-Control", "no-cache") != NGX_OK
        || ngx_xtream_delivery_header(r, "Access-Control-Allow-Origin", "*")
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_send_header(r);
}


/* room for the rewritten playlist: every line may gain a prefix + token */
static u_char *
ngx_xtream_out_alloc(ngx_http_request_t *r, ngx_str_t *pl, size_t prefix,
    ngx_xtream_out_t *o)
{
    size_t   n, size;
    u_char  *p;

    n = 1;
    for (p = pl->data; p < pl->data + pl->len; p++) {
        n += (*p == '\n');
    }

    size = pl->len + n * (prefix + 4 + XT_TOKEN_MAX_LEN + 2);

    o->pos = ngx_pnalloc(r->pool, size);
    if (o->pos == NULL) {
        return NULL;
    }

    o->end = o->pos + size;

    return o->pos;
}


static ngx_int_t
ngx_xtream_hls_media(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    uint32_t variant)
{
    u_char                 *start, *p;
    size_t                  tlen;
    ngx_int_t               rc;
    ngx_str_t               path, pl;
    ngx_xtream_out_t        o;
    ngx_xtream_sign_ctx_t   sc;
    u_char                  prefix[64];
    char                    token[XT_TOKEN_MAX_LEN + 1];

    if (r->method == NGX_HTTP_HEAD) {
        return ngx_xtream_send_playlist_head(r);
    }

    path.len = d->dmcf->media_root.len + 64;
    path.data = ngx_pnalloc(r->pool, path.len);
    if (path.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_sprintf(path.data, "%V/%uD/%uD/index.m3u8%Z",
                    &d->dmcf->media_root, d->stream_id, variant);
    path.len = p - path.data - 1;

    rc = ngx_xtream_read_small(r, &path, &pl);
    if (rc == NGX_DECLINED) {
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }
    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    sc.d = d;
    tlen = ngx_xtream_hls_sign(&sc, variant, token, sizeof(token));
    if (tlen == 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_sprintf(prefix, "/hls/%uD/%uD/", d->stream_id, variant);

    start = ngx_xtream_out_alloc(r, &pl, p - prefix, &o);
    if (start == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (xt_m3u8_rewrite_media((const char *) pl.data, pl.len,
                              (const char *) prefix, p - prefix, token, tlen,
                              ngx_xtream_out_sink, &o)
        != 0)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xtream: playlist \"%s\" is not a worker playlist",
                      path.data);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_xtream_send_playlist(r, start, o.pos - start);
}


/* the variant of a one-variant master, or -1 when there are several */
static ngx_int_t
ngx_xtream_single_variant(ngx_str_t *pl)
{
    u_char     *p, *end, *nl, *q;
    ngx_int_t   v, n;

    v = -1;
    n = 0;
    p = pl->data;
    end = pl->data + pl->len;

    while (p < end) {
        nl = ngx_strlchr(p, end, '\n');
        if (nl == NULL) {
            nl = end;
        }

        if (nl > p && *p != '#' && *p != '\r') {
            n++;

            for (q = p; q < nl && *q >= '0' && *q <= '9'; q++) {
                /* void */
            }

            v = (q > p && q - p < 3) ? ngx_atoi(p, q - p) : NGX_ERROR;
        }

        p = nl + 1;
    }

    return (n == 1 && v >= 0) ? v : -1;
}


/*
 * Refreshes the session of d in the zone.  NGX_OK with *touched: XT_ACQ_OK
 * when the session is live, anything else when it must be admitted again;
 * NGX_HTTP_FORBIDDEN when the session was ended (evicted); 500 without a
 * zone.  Nothing is sent here.
 */
static ngx_int_t
ngx_xtream_hls_touch(ngx_xtream_dreq_t *d, xt_acq_rc_e *touched)
{
    uint32_t            slot;
    ngx_xtream_zone_t  *zone;

    zone = ngx_xtream_zone_get(d->r);
    if (zone == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);
    *touched = xt_conns_touch(zone->sh->conns, d->line_id, d->session,
                              (int64_t) ngx_current_msec, &slot);
    ngx_shmtx_unlock(&zone->shpool->mutex);

    if (*touched == XT_ACQ_OK) {
        d->slot = slot;
        d->key = d->session;
        d->slotted = 1;
    }

    return (*touched == XT_ACQ_ENDED) ? NGX_HTTP_FORBIDDEN : NGX_OK;
}


/*
 * Admits the viewer's HLS session (live or catch-up): its id from line,
 * address, kick generation and stream, a refresh when it is live in the
 * zone, else counted under max_conns; then the "open" event (an HLS
 * session has no close: xtreamd ends it when these stop).  A viewer whose
 * session of the previous kick generation is still in the zone was killed
 * by an admin: refused until that session idles out (xtream_hls_idle), as
 * for a replace-oldest eviction.  NGX_OK, or the status to answer (nothing
 * is sent here).
 */
ngx_int_t
ngx_xtream_hls_admit(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    uint32_t max_conns)
{
    int                  killed;
    uint32_t             kick;
    uint64_t             prev;
    ngx_int_t            rc;
    xt_acq_rc_e          touched;
    ngx_xtream_zone_t   *zone;

    kick = ngx_xtream_line_kick(d->line_id);

    d->session = ngx_xtream_hls_session(r, d->dmcf, d->line_id, d->stream_id,
                                        kick);
    if (d->session == 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_xtream_hls_touch(d, &touched);
    if (rc != NGX_OK) {
        return rc;
    }

    if (touched == XT_ACQ_OK) {
        ngx_xtream_event(d, "open");
        return NGX_OK;
    }

    if (kick != 0) {
        prev = ngx_xtream_hls_session(r, d->dmcf, d->line_id, d->stream_id,
                                      kick - 1);
        zone = ngx_xtream_zone_get(d->r);

        ngx_shmtx_lock(&zone->shpool->mutex);
        killed = xt_conns_has(zone->sh->conns, d->line_id, prev,
                              (int64_t) ngx_current_msec);
        ngx_shmtx_unlock(&zone->shpool->mutex);

        if (killed) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "xtream: line %uD: hls session killed by an "
                          "admin", d->line_id);
            return NGX_HTTP_FORBIDDEN;
        }
    }

    rc = ngx_xtream_count(r, d, XT_CONN_HLS, max_conns);
    if (rc != NGX_OK) {
        return rc;
    }

    ngx_xtream_event(d, "open");

    return NGX_OK;
}


ngx_int_t
ngx_xtream_hls_live(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    uint32_t max_conns)
{
    u_char                 *start, *p;
    ngx_int_t               rc, v;
    ngx_str_t               path, pl;
    ngx_xtream_out_t        o;
    ngx_xtream_sign_ctx_t   sc;
    u_char                  prefix[32];

    /* HEAD (a player's probe): every check passed and the master exists
       (ngx_xtream_live_answer); no session is admitted (it would evict
       someone under replace-oldest) and nothing is read */
    if (r->method == NGX_HTTP_HEAD) {
        return ngx_xtream_send_playlist_head(r);
    }

    rc = ngx_xtream_hls_admit(r, d, max_conns);
    if (rc != NGX_OK) {
        return ngx_xtream_send_status(r, rc);
    }

    path.len = d->dmcf->media_root.len + 32;
    path.data = ngx_pnalloc(r->pool, path.len);
    if (path.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_sprintf(path.data, "%V/%uD/master.m3u8%Z",
                    &d->dmcf->media_root, d->stream_id);
    path.len = p - path.data - 1;

    rc = ngx_xtream_read_small(r, &path, &pl);
    if (rc == NGX_DECLINED) {
        /* not running (yet) */
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }
    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    v = ngx_xtream_single_variant(&pl);
    if (v >= 0) {
        return ngx_xtream_hls_media(r, d, (uint32_t) v);
    }

    sc.d = d;
    p = ngx_sprintf(prefix, "/hls/%uD/", d->stream_id);

    start = ngx_xtream_out_alloc(r, &pl, p - prefix, &o);
    if (start == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (xt_m3u8_rewrite_master((const char *) pl.data, pl.len,
                               (const char *) prefix, p - prefix,
                               ngx_xtream_hls_sign, &sc, ngx_xtream_out_sink,
                               &o)
        != 0)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xtream: playlist \"%s\" is not a worker playlist",
                      path.data);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_xtream_send_playlist(r, start, o.pos - start);
}


static ngx_int_t
ngx_xtream_hls_segment(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    xt_route_t *rt)
{
    u_char                    *p;
    ngx_int_t                  rc;
    ngx_buf_t                 *b;
    ngx_str_t                  path, *root;
    ngx_chain_t                out;
    ngx_file_info_t            fi;
    ngx_pool_cleanup_t        *cln;
    ngx_pool_cleanup_file_t   *clnf;
    ngx_fd_t                   fd;
    ngx_err_t                  err;

    /* a catch-up segment (variant "archive"): seq is its start in ms,
       under its hour's directory of the archive */
    root = (rt->variant == XT_ROUTE_ARCHIVE_VARIANT) ? &d->dmcf->archive_root
                                                     : &d->dmcf->media_root;
    if (root->len == 0) {
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }

    path.len = root->len + 64;
    path.data = ngx_pnalloc(r->pool, path.len);
    if (path.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rt->variant == XT_ROUTE_ARCHIVE_VARIANT) {
        p = ngx_sprintf(path.data, "%V/%uD/%uL/%uL.ts%Z", root, rt->id,
                        rt->seq / XT_ARCH_HOUR_MS, rt->seq);

    } else {
        p = ngx_sprintf(path.data, "%V/%uD/%uD/%uL.ts%Z", root, rt->id,
                        rt->variant, rt->seq);
    }

    path.len = p - path.data - 1;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_pool_cleanup_file_t));
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    fd = ngx_open_file(path.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        err = ngx_errno;

        if (err != NGX_ENOENT && err != NGX_ENOTDIR) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, err,
                          ngx_open_file_n " \"%s\" failed", path.data);
        }

        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }

    cln->handler = ngx_pool_cleanup_file;
    clnf = cln->data;
    clnf->fd = fd;
    clnf->name = path.data;
    clnf->log = r->pool->log;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = ngx_file_size(&fi);
    r->headers_out.last_modified_time = ngx_file_mtime(&fi);
    ngx_str_set(&r->headers_out.content_type, "video/mp2t");
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    if (ngx_xtream_delivery_header(r, "Access-Control-Allow-Origin", "*")
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only
        || ngx_file_size(&fi) == 0)
    {
        return rc == NGX_OK && !r->header_only
               ? ngx_http_send_special(r, NGX_HTTP_LAST) : rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->file = ngx_pcalloc(r->pool, sizeof(ngx_file_t));
    if (b->file == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->file_pos = 0;
    b->file_last = ngx_file_size(&fi);
    b->in_file = 1;
    b->last_buf = (r == r->main);
    b->last_in_chain = 1;
    b->file->fd = fd;
    b->file->name = path;
    b->file->log = r->connection->log;
    b->file->directio = 0;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


ngx_int_t
ngx_xtream_hls_token_request(ngx_http_request_t *r, xt_route_t *rt)
{
    ngx_int_t                rc;
    ngx_str_t                arg;
    ngx_uint_t               stale;
    int64_t                  ahead;
    xt_token_t               t;
    xt_acq_rc_e              touched;
    xt_token_rc_e            trc;
    ngx_xtream_map_t        *m;
    ngx_xtream_dreq_t       *d;
    const xt_snap_line_t    *line;
    ngx_xtream_delivery_main_conf_t  *dmcf;

    dmcf = ngx_http_get_module_main_conf(r, ngx_xtream_delivery_module);

    if (ngx_http_arg(r, (u_char *) "t", 1, &arg) != NGX_OK) {
        return ngx_xtream_send_status(r, NGX_HTTP_FORBIDDEN);
    }

    ngx_memzero(&t, sizeof(xt_token_t));
    t.stream_id = rt->id;

    trc = xt_token_verify_key(dmcf->token_key, (const char *) arg.data,
                              arg.len, (int64_t) ngx_time(), &t);

    /* a variant playlist URL comes from the master, which players fetch
       once: its token may outlive xtream_token_ttl while the viewer's
       session is live (checked below); segment tokens may not */
    stale = (trc == XT_TOKEN_EXPIRED && rt->kind == XT_ROUTE_HLS_PLAYLIST);

    if ((trc != XT_TOKEN_OK && !stale) || t.variant != rt->variant) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: hls token refused (%s)",
                      trc == XT_TOKEN_EXPIRED ? "expired"
                      : trc == XT_TOKEN_OK ? "other variant"
                      : trc == XT_TOKEN_BAD_MAC ? "bad mac" : "malformed");
        return ngx_xtream_send_status(r, NGX_HTTP_FORBIDDEN);
    }

    /* tokens carry wall-clock expiry: after the clock is stepped back, a
       segment token issued before the step would stay valid for the step
       on top of its xtream_token_ttl; one that expires further ahead than
       a token issued now could is refused (the player's next playlist
       fetch brings fresh ones) */
    ahead = (int64_t) dmcf->token_ttl + NGX_XTREAM_TOKEN_SLACK;
    if (t.variant == XT_ROUTE_ARCHIVE_VARIANT) {
        /* catch-up tokens are issued for the whole window */
        ahead += (int64_t) XT_TS_MAX_MINUTES * 60 + NGX_XTREAM_ARCHIVE_PAUSE;
    }

    if (rt->kind == XT_ROUTE_HLS_SEGMENT
        && t.expires - (int64_t) ngx_time() > ahead)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: hls token refused (expires %L s ahead, more "
                      "than xtream_token_ttl: the clock went back?)",
                      t.expires - (int64_t) ngx_time());
        return ngx_xtream_send_status(r, NGX_HTTP_FORBIDDEN);
    }

    /*
     * Every request, segments included (live and catch-up), re-checks the
     * line in the current lines snapshot: a ban, expiry, disable or
     * deletion refuses the next request once the snapshot arrives.  The
     * token belongs to the viewer it was issued to: its session id is
     * HMAC(line | client address | kick generation | stream), so a token
     * used from another address is refused (it would otherwise ride on
     * that viewer's session past max_connections and the line's
     * allowed_ips), and so is every token issued before an admin kill.
     */
    m = ngx_xtream_snap_peek(NGX_XTREAM_SNAP_LINES);
    if (m == NULL) {
        return ngx_xtream_send_status(r, NGX_HTTP_SERVICE_UNAVAILABLE);
    }

    line = xt_snap_line_by_id(&m->snap, t.line_id);
    if (line == NULL || xt_line_status(line, ngx_time()) != XT_STATUS_ACTIVE)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: hls token of line %uD refused (line no "
                      "longer active)", t.line_id);
        return ngx_xtream_send_status(r, NGX_HTTP_FORBIDDEN);
    }

    /* the User-Agent is not part of the session: the line's UA lock is
       checked on every request instead */
    if (!ngx_xtream_line_ua_allowed(r, &m->snap, line)) {
        return ngx_xtream_send_status(r, NGX_HTTP_FORBIDDEN);
    }

    if (ngx_xtream_hls_session(r, dmcf, t.line_id, rt->id,
                               xt_snap_line_kick(&m->snap, line))
        != t.session)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: hls token of line %uD refused (another "
                      "address, or killed by an admin)", t.line_id);
        return ngx_xtream_send_status(r, NGX_HTTP_FORBIDDEN);
    }

    d = ngx_xtream_dreq_create(r);
    if (d == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    d->kind = (rt->kind == XT_ROUTE_HLS_SEGMENT) ? NGX_XTREAM_KIND_HLS_SEGMENT
                                                 : NGX_XTREAM_KIND_HLS_PLAYLIST;
    d->line_id = t.line_id;
    d->stream_id = rt->id;
    d->session = t.session;

    rc = ngx_xtream_hls_touch(d, &touched);
    if (rc == NGX_HTTP_FORBIDDEN) {
        return ngx_xtream_send_status(r, rc);
    }

    if (rc != NGX_OK) {
        return rc;
    }

    if (stale && touched != XT_ACQ_OK) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xtream: hls token refused (expired, session idle)");
        return ngx_xtream_send_status(r, NGX_HTTP_FORBIDDEN);
    }

    if (touched != XT_ACQ_OK) {
        /* the session idled out (or the zone is new): admit it again
           under the line's current limit */
        if (r->method != NGX_HTTP_HEAD) {
            rc = ngx_xtream_count(r, d, XT_CONN_HLS, line->max_connections);
            if (rc != NGX_OK) {
                return ngx_xtream_send_status(r, rc);
            }

            ngx_xtream_event(d, "open");
        }

    } else if (rt->kind == XT_ROUTE_HLS_PLAYLIST
               && r->method != NGX_HTTP_HEAD)
    {
        ngx_xtream_event(d, "open");        /* refresh, see above */
    }

    if (rt->kind == XT_ROUTE_HLS_PLAYLIST) {
        return ngx_xtream_hls_media(r, d, rt->variant);
    }

    return ngx_xtream_hls_segment(r, d, rt);
}
