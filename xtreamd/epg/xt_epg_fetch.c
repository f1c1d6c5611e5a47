#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "xt_epg_fetch.h"

static int  xt_curl_ready;


int
xt_epg_url_is_http(const char *url)
{
    size_t  i, n = strlen(url);

    if (n > 2048 || !(strncmp(url, "http://", 7) == 0
                      || strncmp(url, "https://", 8) == 0))
    {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if ((unsigned char) url[i] <= 0x20 || (unsigned char) url[i] >= 0x7f) {
            return 0;
        }
    }
    return n > 8;
}


/* a validator from a response header: printable ASCII only, bounded;
   anything else is dropped (it is sent back in a later request) */
static void
xt_keep_header(char *dst, size_t cap, const char *v, size_t n)
{
    size_t  i;

    while (n && (v[0] == ' ' || v[0] == '\t')) {
        v++;
        n--;
    }
    while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ')) {
        n--;
    }
    dst[0] = '\0';
    if (n == 0 || n >= cap) {
        return;
    }
    for (i = 0; i < n; i++) {
        if ((unsigned char) v[i] < 0x20 || (unsigned char) v[i] > 0x7e) {
            return;
        }
    }
    memcpy(dst, v, n);
    dst[n] = '\0';
}


static size_t
xt_on_header(char *p, size_t size, size_t nmemb, void *ctx)
{
    xt_epg_fetch_t  *f = ctx;
    size_t           n = size * nmemb;

    if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        /* a new response (after a redirect): forget the previous one's */
        f->new_etag[0] = f->new_last_modified[0] = '\0';
    } else if (n > 5 && strncasecmp(p, "ETag:", 5) == 0) {
        xt_keep_header(f->new_etag, sizeof(f->new_etag), p + 5, n - 5);
    } else if (n > 14 && strncasecmp(p, "Last-Modified:", 14) == 0) {
        xt_keep_header(f->new_last_modified, sizeof(f->new_last_modified),
                       p + 14, n - 14);
    }
    return n;
}


static size_t
xt_on_body(char *p, size_t size, size_t nmemb, void *ctx)
{
    xt_epg_fetch_t  *f = ctx;
    size_t           n = size * nmemb, off = 0;
    ssize_t          w;

    if (f->max_bytes && f->bytes + n > f->max_bytes) {
        f->too_big = 1;
        return 0;                       /* aborts the transfer */
    }
    while (off < n) {
        w = write(f->fd, p + off, n - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            f->write_failed = errno ? errno : EIO;
            return 0;
        }
        off += (size_t) w;
    }
    f->bytes += n;
    return n;
}


static int
xt_on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
    xt_epg_fetch_t  *f = ctx;

    (void) ultotal;
    (void) ulnow;
    f->total = dltotal > 0 ? (uint64_t) dltotal : 0;
    if (f->progress) {
        f->progress(f->ctx, (uint64_t) dlnow, f->total);
    }
    return 0;
}


int
xt_epg_fetch(xt_epg_fetch_t *f)
{
    CURL               *c;
    CURLcode            rc;
    struct curl_slist  *hdr = NULL;
    char                line[400], errbuf[CURL_ERROR_SIZE];
    int                 ret = -1;

    f->status = 0;
    f->not_modified = f->too_big = f->write_failed = 0;
    f->bytes = f->total = 0;
    f->new_etag[0] = f->new_last_modified[0] = f->err[0] = '\0';
    if (!xt_epg_url_is_http(f->url)) {
        snprintf(f->err, sizeof(f->err), "not an http(s) URL");
        return -1;
    }
    if (!xt_curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
            snprintf(f->err, sizeof(f->err), "curl_global_init failed");
            return -1;
        }
        xt_curl_ready = 1;
    }
    c = curl_easy_init();
    if (c == NULL) {
        snprintf(f->err, sizeof(f->err), "curl_easy_init failed");
        return -1;
    }
    if (f->etag && f->etag[0]) {
        snprintf(line, sizeof(line), "If-None-Match: %s", f->etag);
        hdr = curl_slist_append(hdr, line);
    }
    if (f->last_modified && f->last_modified[0]) {
        snprintf(line, sizeof(line), "If-Modified-Since: %s",
                 f->last_modified);
        hdr = curl_slist_append(hdr, line);
    }
    errbuf[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, f->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long) f->connect_timeout_s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long) f->timeout_s);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "xtreamd-epg/1");
    /* Content-Encoding gzip/deflate is undone by curl; a .gz body without
       it is kept and recognised by its magic bytes */
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    if (f->max_bytes) {
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                         (curl_off_t) f->max_bytes);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, xt_on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, f);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, xt_on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, xt_on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, f);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);

    rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &f->status);
    if (f->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(f->err, sizeof(f->err), "download larger than %llu bytes",
                 (unsigned long long) f->max_bytes);
    } else if (f->write_failed) {
        snprintf(f->err, sizeof(f->err), "spool file: %s",
                 strerror(f->write_failed));
    } else if (rc != CURLE_OK) {
        snprintf(f->err, sizeof(f->err), "%s", errbuf[0] ? errbuf
                 : curl_easy_strerror(rc));
    } else if (f->status == 304) {
        f->not_modified = 1;
        ret = 0;
    } else if (f->status != 200) {
        snprintf(f->err, sizeof(f->err), "HTTP status %ld", f->status);
    } else {
        ret = 0;
    }
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    return ret;
}
