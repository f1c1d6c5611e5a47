/*
 * Sends a spliced list (xt_render_list.h) without copying the fragments:
 * each item becomes a tiny temp buf with the generated prefix and a
 * memory buf pointing straight into the mapped snapshot (the request holds
 * the snapshot references until its pool goes).  Output goes in rounds;
 * when the client is slow, generation stops until the write event, so
 * memory stays bounded by the busy bufs, not by the response size.
 */

#include "xt_render_list.h"
#include "ngx_xtream_module.h"


#define NGX_XTREAM_ROUND_ITEMS  256


typedef struct {
    xt_list_t           *list;
    ngx_chain_t         *free;
    ngx_chain_t         *busy;
    ngx_chain_t         *free_prefix;   /* temp bufs of XT_PREFIX_MAX */
    ngx_chain_t         *free_frag;     /* bufs into the snapshot */
    ngx_uint_t           done;
} ngx_xtream_list_ctx_t;


static ngx_chain_t *
ngx_xtream_list_link(ngx_http_request_t *r, ngx_chain_t **free,
    ngx_uint_t prefix)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    cl = *free;
    if (cl) {
        *free = cl->next;
        cl->next = NULL;
        return cl;
    }

    cl = ngx_alloc_chain_link(r->pool);
    if (cl == NULL) {
        return NULL;
    }

    b = prefix ? ngx_create_temp_buf(r->pool, XT_PREFIX_MAX)
               : ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NULL;
    }

    b->tag = (ngx_buf_tag_t) &ngx_xtream_module;
    cl->buf = b;
    cl->next = NULL;

    return cl;
}


/* sent bufs come back on ctx->free; sort them by kind for reuse */
static void
ngx_xtream_list_recycle(ngx_xtream_list_ctx_t *ctx)
{
    ngx_chain_t  *cl;

    while (ctx->free) {
        cl = ctx->free;
        ctx->free = cl->next;

        if (cl->buf->temporary) {
            cl->next = ctx->free_prefix;
            ctx->free_prefix = cl;

        } else {
            cl->next = ctx->free_frag;
            ctx->free_frag = cl;
        }
    }
}


static ngx_int_t
ngx_xtream_list_round(ngx_http_request_t *r, ngx_xtream_list_ctx_t *ctx)
{
    size_t        len;
    ngx_int_t     rc;
    ngx_buf_t    *b;
    ngx_uint_t    n;
    const char   *close;
    xt_piece_t    pc;
    ngx_chain_t  *out, **ll, *cl;

    out = NULL;
    ll = &out;

    for (n = 0; n < NGX_XTREAM_ROUND_ITEMS; n++) {
        if (!xt_list_next(ctx->list, &pc)) {
            close = xt_list_close(ctx->list, &len);

            cl = ngx_xtream_list_link(r, &ctx->free_frag, 0);
            if (cl == NULL) {
                return NGX_ERROR;
            }

            b = cl->buf;
            b->start = b->pos = (u_char *) close;
            b->end = b->last = (u_char *) close + len;
            b->memory = 1;
            b->last_buf = (r == r->main) ? 1 : 0;
            b->last_in_chain = 1;

            *ll = cl;
            ctx->done = 1;
            break;
        }

        cl = ngx_xtream_list_link(r, &ctx->free_prefix, 1);
        if (cl == NULL) {
            return NGX_ERROR;
        }

        b = cl->buf;
        b->pos = b->start;
        b->last = ngx_cpymem(b->start, pc.prefix, pc.prefix_len);
        *ll = cl;
        ll = &cl->next;

        cl = ngx_xtream_list_link(r, &ctx->free_frag, 0);
        if (cl == NULL) {
            return NGX_ERROR;
        }

        b = cl->buf;
        b->start = b->pos = (u_char *) pc.frag;
        b->end = b->last = (u_char *) pc.frag + pc.frag_len;
        b->memory = 1;
        b->last_buf = 0;
        b->last_in_chain = 0;
        *ll = cl;
        ll = &cl->next;
    }

    rc = ngx_http_output_filter(r, out);

    ngx_chain_update_chains(r->pool, &ctx->free, &ctx->busy, &out,
                            (ngx_buf_tag_t) &ngx_xtream_module);
    ngx_xtream_list_recycle(ctx);

    return rc;
}


/* rounds until done or the client is slow; NGX_DONE = continue later */
static ngx_int_t
ngx_xtream_list_pump(ngx_http_request_t *r, ngx_xtream_list_ctx_t *ctx)
{
    ngx_int_t                  rc;
    ngx_event_t               *wev;
    ngx_connection_t          *c;
    ngx_http_core_loc_conf_t  *clcf;

    c = r->connection;
    wev = c->write;

    for ( ;; ) {
        rc = ngx_xtream_list_round(r, ctx);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (ctx->done) {
            /* nginx's own writer drains whatever is still buffered */
            return rc;
        }

        if (r->buffered || c->buffered) {
            break;
        }
    }

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    if (!wev->delayed) {
        ngx_add_timer(wev, clcf->send_timeout);
    }

    if (ngx_handle_write_event(wev, clcf->send_lowat) != NGX_OK) {
        return NGX_ERROR;
    }

    return NGX_DONE;
}


static void
ngx_xtream_list_writer(ngx_http_request_t *r)
{
    ngx_int_t                  rc;
    ngx_chain_t               *none;
    ngx_event_t               *wev;
    ngx_connection_t          *c;
    ngx_xtream_list_ctx_t     *ctx;
    ngx_http_core_loc_conf_t  *clcf;

    c = r->connection;
    wev = c->write;
    ctx = ngx_http_get_module_ctx(r, ngx_xtream_module);
    none = NULL;

    if (wev->timedout) {
        ngx_log_error(NGX_LOG_INFO, c->log, NGX_ETIMEDOUT,
                      "client timed out");
        c->timedout = 1;
        ngx_http_finalize_request(r, NGX_HTTP_REQUEST_TIME_OUT);
        return;
    }

    if (wev->delayed) {
        clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);
        if (ngx_handle_write_event(wev, clcf->send_lowat) != NGX_OK) {
            ngx_http_finalize_request(r, NGX_ERROR);
        }
        return;
    }

    /* flush what is pending before generating more */
    rc = ngx_http_output_filter(r, NULL);
    ngx_chain_update_chains(r->pool, &ctx->free, &ctx->busy, &none,
                            (ngx_buf_tag_t) &ngx_xtream_module);
    ngx_xtream_list_recycle(ctx);

    if (rc == NGX_ERROR) {
        ngx_http_finalize_request(r, NGX_ERROR);
        return;
    }

    if (r->buffered || c->buffered) {
        clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);
        ngx_add_timer(wev, clcf->send_timeout);
        if (ngx_handle_write_event(wev, clcf->send_lowat) != NGX_OK) {
            ngx_http_finalize_request(r, NGX_ERROR);
        }
        return;
    }

    /* a stale send_timeout would fire later as a false "timed out" */
    if (wev->timer_set) {
        ngx_del_timer(wev);
    }

    rc = ngx_xtream_list_pump(r, ctx);
    if (rc == NGX_DONE) {
        return;
    }

    ngx_http_finalize_request(r, rc);
}


ngx_int_t
ngx_xtream_send_list(ngx_http_request_t *r, void *list)
{
    xt_list_t *l = list;

    ngx_int_t               rc;
    ngx_xtream_list_ctx_t  *ctx;

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_xtream_list_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->list = l;
    ngx_http_set_ctx(r, ctx, ngx_xtream_module);

    /* the fragments' sizes are known: one cheap pass gives the length */
    if (ngx_xtream_set_json_headers(r, NGX_HTTP_OK, (off_t) xt_list_size(l))
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    rc = ngx_xtream_list_pump(r, ctx);
    if (rc == NGX_DONE) {
        r->write_event_handler = ngx_xtream_list_writer;
    }

    return rc;
}
