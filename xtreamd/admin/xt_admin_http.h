/*
 * The admin API's HTTP server inside xtreamd: libmicrohttpd with its own
 * thread pool (admin_threads), each thread with its own MariaDB
 * connection (a libmariadb connection is never shared between threads).
 * The supervisor's poll loop never waits on it: the two share nothing but
 * the database, and stream start/stop reach the supervisor through rows of
 * stream_commands, as from any other xtreamd or xtreamctl.
 */
#ifndef XT_ADMIN_HTTP_H
#define XT_ADMIN_HTTP_H

#include "xt_config.h"

typedef struct xt_admin_http_s  xt_admin_http_t;

/* NULL with err set when admin_listen is bad or the port is taken; also
   NULL (err "") when admin_listen is empty */
xt_admin_http_t *xt_admin_http_start(const xt_config_t *cf, char *err,
    size_t errlen);
void xt_admin_http_stop(xt_admin_http_t *h);

/* "127.0.0.1:8090" -> address and port; 0 or -1 */
int xt_admin_parse_listen(const char *s, char *addr, size_t addrlen,
    unsigned *port);

#endif
