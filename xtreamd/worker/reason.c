#include "reason.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <libavutil/error.h>

/* Host of scheme://[user@]host[:port]/..., "" when there is none. */
static void host_of(const char *url, char *host, size_t n)
{
    const char *p = strstr(url, "://");
    host[0] = 0;
    if (!p || n < 2)
        return;
    p += 3;
    size_t len = strcspn(p, "/?#");
    const char *at = memchr(p, '@', len);
    if (at) {
        len -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    if (*p == '[') { /* IPv6 literal */
        const char *e = memchr(p, ']', len);
        len = e ? (size_t)(e - p - 1) : 0;
        p++;
    } else {
        len = strcspn(p, ":/?#");
    }
    if (len >= n)
        len = n - 1;
    memcpy(host, p, len);
    host[len] = 0;
}

/* lavf reports a failed name lookup as a bare EIO: look it up again to say so. */
static int unresolvable(const char *host)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (res)
        freeaddrinfo(res);
    return rc == EAI_NONAME || rc == EAI_FAIL
#ifdef EAI_NODATA
           || rc == EAI_NODATA
#endif
        ;
}

void xtw_reason(int err, const char *url, int timed_out, char *buf, size_t n)
{
    char host[256];
    host_of(url, host, sizeof host);
    if (timed_out) {
        snprintf(buf, n, "timed out");
        return;
    }
    switch (err) {
    case AVERROR(ECONNREFUSED): snprintf(buf, n, "connection refused"); return;
    case AVERROR(ECONNRESET): snprintf(buf, n, "connection reset"); return;
    case AVERROR(ETIMEDOUT): snprintf(buf, n, "timed out"); return;
    case AVERROR(ENETUNREACH): snprintf(buf, n, "network unreachable"); return;
    case AVERROR(EHOSTUNREACH): snprintf(buf, n, "host unreachable"); return;
    case AVERROR(ENOENT): snprintf(buf, n, "no such file"); return;
    case AVERROR(EACCES): snprintf(buf, n, "permission denied"); return;
    case AVERROR_HTTP_BAD_REQUEST: snprintf(buf, n, "HTTP 400"); return;
    case AVERROR_HTTP_UNAUTHORIZED: snprintf(buf, n, "HTTP 401"); return;
    case AVERROR_HTTP_FORBIDDEN: snprintf(buf, n, "HTTP 403"); return;
    case AVERROR_HTTP_NOT_FOUND: snprintf(buf, n, "HTTP 404"); return;
    case AVERROR_HTTP_OTHER_4XX: snprintf(buf, n, "HTTP 4xx"); return;
    case AVERROR_HTTP_SERVER_ERROR: snprintf(buf, n, "HTTP 5xx"); return;
    case AVERROR_EOF: snprintf(buf, n, "end of input"); return;
    case AVERROR_INVALIDDATA: snprintf(buf, n, "not a media stream (invalid data)"); return;
    case AVERROR_PROTOCOL_NOT_FOUND: snprintf(buf, n, "unsupported protocol"); return;
    case AVERROR_STREAM_NOT_FOUND: snprintf(buf, n, "no audio or video stream"); return;
    }
    if (err == AVERROR(EIO) && host[0] && unresolvable(host)) {
        snprintf(buf, n, "cannot resolve %s", host);
        return;
    }
    char e[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(err, e, sizeof e);
    if (e[0] >= 'A' && e[0] <= 'Z' && !(e[1] >= 'A' && e[1] <= 'Z'))
        e[0] = (char)(e[0] + 32); /* "Input/output error" -> "input/output error" */
    snprintf(buf, n, "%s", e);
}
