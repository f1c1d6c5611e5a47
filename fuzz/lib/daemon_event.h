/*
 * The daemon's event parser (xtreamd/supervisor/xt_events_parse.c) seen from a fuzz
 * target that also includes the module's xt_event.h: the two headers
 * define types of the same names, so this wrapper keeps the daemon's out
 * of the target's translation unit.
 */

#ifndef FZ_DAEMON_EVENT_H
#define FZ_DAEMON_EVENT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int          type;          /* 1 open, 2 close, 3 start, ... */
    char         conn[17];
    uint32_t     line;
    uint32_t     stream;
    char         kind[12];
    char         ip[65];
    char         ua[257];
    int64_t      ts;
    uint64_t     bytes;
} fz_daemon_event_t;

/* 0 when xtreamd accepts the datagram (fields in *out), -1 with *why */
int fz_daemon_event_parse(const char *buf, size_t len, fz_daemon_event_t *out,
    const char **why);

#endif
