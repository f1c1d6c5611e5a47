/* See daemon_event.h. */

#include <string.h>

#include "xt_events.h"
#include "daemon_event.h"


int
fz_daemon_event_parse(const char *buf, size_t len, fz_daemon_event_t *out,
    const char **why)
{
    xt_event_t  e;

    if (xt_event_parse(buf, len, &e, why) != 0) {
        return -1;
    }

    out->type = (int) e.type;
    memcpy(out->conn, e.conn, sizeof(out->conn));
    out->line = e.line;
    out->stream = e.stream;
    memcpy(out->kind, e.kind, sizeof(out->kind));
    memcpy(out->ip, e.ip, sizeof(out->ip));
    memcpy(out->ua, e.ua, sizeof(out->ua));
    out->ts = e.ts;
    out->bytes = e.bytes;

    return 0;
}
