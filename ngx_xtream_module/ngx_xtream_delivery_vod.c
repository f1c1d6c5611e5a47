/*
 * Movies and episodes: authorised and counted by the handler, then handed
 * to nginx's static serving through an internal redirect to the location
 * named by xtream_vod_location (internal; alias <vod root>/), so Range
 * (206/416), sendfile and open_file_cache work as usual.  The file path
 * comes from the snapshot record, never from the URL.  The count lives in
 * a pool cleanup, which survives the redirect and runs when the transfer
 * ends.
 */

#include "ngx_xtream_delivery.h"


/* the compiler validated it; check again, cheaply */
static ngx_int_t
ngx_xtream_vod_path_ok(const u_char *p, size_t len)
{
    size_t  i, seg;

    if (len == 0 || len > 2048 || p[0] == '/') {
        return 0;
    }

    seg = 0;

    for (i = 0; i <= len; i++) {
        if (i == len || p[i] == '/') {
            if ((i - seg == 2 && p[seg] == '.' && p[seg + 1] == '.')
                || (i - seg == 1 && p[seg] == '.') || i == seg)
            {
                return 0;
            }

            seg = i + 1;
            continue;
        }

        if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\' || p[i] == '?'
            || p[i] == '#')
        {
            return 0;
        }
    }

    return 1;
}


ngx_int_t
ngx_xtream_vod_start(ngx_http_request_t *r, ngx_xtream_dreq_t *d,
    const char *path, size_t path_len, uint32_t max_conns)
{
    u_char           *p;
    ngx_int_t         rc;
    ngx_str_t         uri, file;
    ngx_file_info_t   fi;
    ngx_xtream_delivery_main_conf_t  *dmcf = d->dmcf;

    if (dmcf->vod_location.len == 0
        || !ngx_xtream_vod_path_ok((const u_char *) path, path_len))
    {
        if (dmcf->vod_location.len) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "xtream: refused VOD path \"%*s\" of title %uD",
                          path_len, path, d->stream_id);
        }
        return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
    }

    /* existence, before a connection is counted */
    if (dmcf->vod_root.len) {
        file.len = dmcf->vod_root.len + 1 + path_len;
        file.data = ngx_pnalloc(r->pool, file.len + 1);
        if (file.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_sprintf(file.data, "%V/%*s%Z", &dmcf->vod_root, path_len, path);

        if (ngx_file_info(file.data, &fi) == NGX_FILE_ERROR
            || !ngx_is_file(&fi))
        {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "xtream: VOD file \"%s\" of title %uD is missing",
                          file.data, d->stream_id);
            return ngx_xtream_send_status(r, NGX_HTTP_NOT_FOUND);
        }
    }

    rc = ngx_xtream_count(r, d, XT_CONN_STREAM, max_conns);
    if (rc != NGX_OK) {
        return ngx_xtream_send_status(r, rc);
    }

    d->counted = 1;
    ngx_xtream_event(d, "open");

    uri.len = dmcf->vod_location.len + path_len;
    uri.data = ngx_pnalloc(r->pool, uri.len);
    if (uri.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(uri.data, dmcf->vod_location.data, dmcf->vod_location.len);
    ngx_memcpy(p, path, path_len);

    return ngx_http_internal_redirect(r, &uri, NULL);
}
