#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "xt_db.h"
#include "xt_log.h"
#include "admin/xt_admin.h"
#include "admin/xt_admin_http.h"
#include "admin/xt_admin_proxy.h"

struct xt_admin_http_s {
    struct MHD_Daemon  *d;
    const xt_config_t  *cf;
    char                proxy_key[XT_PROXY_KEY_MAX + 1];   /* "" = none */
};

/* one connection per server thread, closed when the thread ends */
static pthread_key_t   xt_db_key;
static pthread_once_t  xt_db_once = PTHREAD_ONCE_INIT;


static void
xt_thread_db_free(void *p)
{
    xt_db_t  *db = p;

    xt_db_close(db);
    free(db);
    mysql_thread_end();
}


static void
xt_db_key_make(void)
{
    (void) pthread_key_create(&xt_db_key, xt_thread_db_free);
}


static xt_db_t *
xt_thread_db(const xt_config_t *cf)
{
    xt_db_t  *db = pthread_getspecific(xt_db_key);

    if (db == NULL) {
        db = calloc(1, sizeof(*db));
        if (db == NULL) {
            return NULL;
        }
        mysql_thread_init();
        (void) pthread_setspecific(xt_db_key, db);
        /* admin work yields the CPU to the supervisor and to nginx on the
           same host: this server thread runs 10 nice levels lower than
           the daemon (Linux: per thread) */
        {
            id_t  tid = (id_t) syscall(SYS_gettid);
            int   nice = getpriority(PRIO_PROCESS, tid) + 10;

            (void) setpriority(PRIO_PROCESS, tid, nice > 19 ? 19 : nice);
        }
    }
    if (db->my && xt_db_gone(db)) {
        xt_db_close(db);
    }
    if (db->my == NULL && xt_db_connect(db, cf) != 0) {
        xt_log(XT_LOG_WARN, "admin api: database: %s", db->err);
    }
    return db;
}


int
xt_admin_parse_listen(const char *s, char *addr, size_t addrlen,
    unsigned *port)
{
    const char      *c = strrchr(s, ':');
    struct in_addr   a;
    unsigned long    p = 0;
    size_t           n;

    if (c == NULL || c == s || (size_t) (c - s) >= addrlen || c[1] == '\0'
        || strlen(c + 1) > 5)
    {
        return -1;
    }
    n = (size_t) (c - s);
    memcpy(addr, s, n);
    addr[n] = '\0';
    for (c++; *c; c++) {
        if (*c < '0' || *c > '9') {
            return -1;
        }
        p = p * 10 + (unsigned long) (*c - '0');
    }
    if (p < 1 || p > 65535 || inet_pton(AF_INET, addr, &a) != 1) {
        return -1;
    }
    *port = (unsigned) p;
    return 0;
}


/* per request, across the handler's calls */
typedef struct {
    char     *body;
    size_t    len;
    int       too_large;
    unsigned  nq;
    int       bad_query;
    char     *qk[XT_ADMIN_QMAX], *qv[XT_ADMIN_QMAX];
} xt_http_ctx_t;


static enum MHD_Result
xt_http_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
    xt_http_ctx_t  *ctx = cls;

    (void) kind;
    if (ctx->nq >= XT_ADMIN_QMAX || strlen(key) > 64
        || (value && strlen(value) > 1024))
    {
        ctx->bad_query = 1;
        return MHD_NO;
    }
    ctx->qk[ctx->nq] = strdup(key);
    ctx->qv[ctx->nq] = strdup(value ? value : "");
    if (ctx->qk[ctx->nq] == NULL || ctx->qv[ctx->nq] == NULL) {
        free(ctx->qk[ctx->nq]);
        free(ctx->qv[ctx->nq]);
        ctx->bad_query = 1;
        return MHD_NO;
    }
    ctx->nq++;
    return MHD_YES;
}


static void
xt_http_done(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
    xt_http_ctx_t  *ctx = *con_cls;
    unsigned        i;

    (void) cls;
    (void) c;
    (void) toe;
    if (ctx == NULL) {
        return;
    }
    for (i = 0; i < ctx->nq; i++) {
        free(ctx->qk[i]);
        free(ctx->qv[i]);
    }
    free(ctx->body);
    free(ctx);
    *con_cls = NULL;
}


static enum MHD_Result
xt_http_send(struct MHD_Connection *c, xt_admin_req_t *rq)
{
    struct MHD_Response  *resp;
    const unsigned char  *p;
    size_t                len;
    enum MHD_Result       ret;
    char                  ra[16];

    xt_admin_body(rq, &p, &len);
    resp = MHD_create_response_from_buffer(len, (void *) p,
                                           MHD_RESPMEM_MUST_COPY);
    if (resp == NULL) {
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (rq->set_cookie[0]) {
        MHD_add_response_header(resp, "Set-Cookie", rq->set_cookie);
    }
    if (rq->allow) {
        MHD_add_response_header(resp, "Allow", rq->allow);
    }
    if (rq->retry_after) {
        snprintf(ra, sizeof(ra), "%u", rq->retry_after);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    ret = MHD_queue_response(c, (unsigned) rq->status, resp);
    MHD_destroy_response(resp);
    return ret;
}


static enum MHD_Result
xt_http_error(struct MHD_Connection *c, const xt_config_t *cf, int status,
    const char *code, const char *msg)
{
    xt_admin_req_t   rq;
    enum MHD_Result  ret;

    xt_admin_req_init(&rq, NULL, cf);
    (void) xt_admin_err(&rq, status, code, NULL, "%s", msg);
    xt_admin_render_error(&rq);
    ret = xt_http_send(c, &rq);
    xt_admin_req_free(&rq);
    return ret;
}


static void
xt_http_address(struct MHD_Connection *c, const xt_admin_http_t *h,
    char *out, size_t outlen)
{
    const union MHD_ConnectionInfo  *ci;

    ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    xt_admin_client_address(ci ? ci->client_addr : NULL,
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Real-IP"),
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Xtream-Proxy-Key"),
        h->cf->admin_trusted_proxies, h->proxy_key, out, outlen);
}


static enum MHD_Result
xt_http_handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
    xt_admin_http_t  *h = cls;
    xt_http_ctx_t    *ctx = *con_cls;
    xt_admin_req_t    rq;
    enum MHD_Result   ret;
    const char       *cl;
    unsigned          i;

    (void) version;
    if (ctx == NULL) {
        ctx = calloc(1, sizeof(*ctx));
        if (ctx == NULL) {
            return MHD_NO;
        }
        *con_cls = ctx;
        cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                         MHD_HTTP_HEADER_CONTENT_LENGTH);
        /* read and drop an oversized body, then answer 413: answering
           before it is read would make a proxy see a reset, not a 413 */
        if (cl && (strlen(cl) > 9 || strtoul(cl, NULL, 10)
                                     > XT_ADMIN_BODY_MAX))
        {
            ctx->too_large = 1;
        }
        return MHD_YES;
    }

    if (*upload_data_size) {
        if (!ctx->too_large) {
            if (ctx->len + *upload_data_size > XT_ADMIN_BODY_MAX) {
                ctx->too_large = 1;
                free(ctx->body);
                ctx->body = NULL;
                ctx->len = 0;
            } else {
                char *nb = realloc(ctx->body, ctx->len + *upload_data_size + 1);
                if (nb == NULL) {
                    return MHD_NO;
                }
                ctx->body = nb;
                memcpy(ctx->body + ctx->len, upload_data, *upload_data_size);
                ctx->len += *upload_data_size;
                ctx->body[ctx->len] = '\0';
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }

    if (ctx->too_large) {
        return xt_http_error(c, h->cf, 413, "too_large",
                             "the body is larger than 256 KiB");
    }
    (void) MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, xt_http_arg,
                                     ctx);
    if (ctx->bad_query) {
        return xt_http_error(c, h->cf, 400, "bad_param",
                             "too many or too long query parameters");
    }
    if (strlen(url) >= sizeof(rq.path) || strlen(method) >= sizeof(rq.method))
    {
        return xt_http_error(c, h->cf, 404, "not_found", "no such path");
    }

    xt_admin_req_init(&rq, xt_thread_db(h->cf), h->cf);
    snprintf(rq.method, sizeof(rq.method), "%s", method);
    snprintf(rq.path, sizeof(rq.path), "%s", url);
    rq.nq = ctx->nq;
    for (i = 0; i < ctx->nq; i++) {
        rq.qk[i] = ctx->qk[i];
        rq.qv[i] = ctx->qv[i];
    }
    rq.body = ctx->body;
    rq.body_len = ctx->len;
    rq.cookie_sid = MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
                                                "xt_admin");
    rq.csrf_header = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 "X-CSRF-Token");
    xt_http_address(c, h, rq.address, sizeof(rq.address));
    /* the packaged site sends X-Forwarded-Proto $scheme: the session
       cookie is Secure whenever a trusted proxy says the panel was
       reached over HTTPS */
    {
        const union MHD_ConnectionInfo  *ci;
        const char  *proto = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                         "X-Forwarded-Proto");

        ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        rq.via_https = proto != NULL && strcmp(proto, "https") == 0
            && ci != NULL && ci->client_addr != NULL
            && xt_admin_proxy_trusted(ci->client_addr,
                   MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                               "X-Xtream-Proxy-Key"),
                   h->cf->admin_trusted_proxies, h->proxy_key);
    }

    xt_admin_handle(&rq);
    if (rq.status >= 500) {
        xt_log(XT_LOG_WARN, "admin api: %s %s: %d %s", rq.method, rq.path,
               rq.status, rq.err_msg);
    }
    ret = xt_http_send(c, &rq);
    xt_admin_req_free(&rq);
    return ret;
}


xt_admin_http_t *
xt_admin_http_start(const xt_config_t *cf, char *err, size_t errlen)
{
    xt_admin_http_t     *h;
    char                 addr[64];
    unsigned             port;
    struct sockaddr_in   sin;

    err[0] = '\0';
    if (cf->admin_listen[0] == '\0') {
        return NULL;
    }
    if (xt_admin_parse_listen(cf->admin_listen, addr, sizeof(addr), &port)
        != 0)
    {
        snprintf(err, errlen, "admin_listen \"%s\": want IPV4:PORT, e.g. "
                 "127.0.0.1:8090", cf->admin_listen);
        return NULL;
    }
    /* before any thread calls mysql_init() */
    if (mysql_library_init(0, NULL, NULL) != 0) {
        snprintf(err, errlen, "mysql_library_init failed");
        return NULL;
    }
    (void) pthread_once(&xt_db_once, xt_db_key_make);

    h = calloc(1, sizeof(*h));
    if (h == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    h->cf = cf;
    if (xt_admin_proxy_key_load(cf, h->proxy_key, sizeof(h->proxy_key), err,
                                errlen) != 0)
    {
        free(h);
        return NULL;
    }
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t) port);
    inet_pton(AF_INET, addr, &sin.sin_addr);

    h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL
                            | MHD_USE_ERROR_LOG,
                            (uint16_t) port, NULL, NULL,
                            xt_http_handler, h,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &sin,
                            MHD_OPTION_THREAD_POOL_SIZE,
                            (unsigned int) cf->admin_threads,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned int) 256,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) 30,
                            MHD_OPTION_NOTIFY_COMPLETED, xt_http_done, NULL,
                            MHD_OPTION_END);
    if (h->d == NULL) {
        snprintf(err, errlen, "admin_listen %s: cannot listen (port in use?)",
                 cf->admin_listen);
        free(h);
        return NULL;
    }
    xt_log(XT_LOG_INFO, "admin api on http://%s/admin/api/ (%u threads)",
           cf->admin_listen, cf->admin_threads);
    return h;
}


void
xt_admin_http_stop(xt_admin_http_t *h)
{
    if (h) {
        MHD_stop_daemon(h->d);
        free(h);
    }
}
