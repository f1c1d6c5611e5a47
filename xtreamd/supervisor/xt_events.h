/*
 * Event sink: the unix datagram socket the module sends to (CONTRACTS.md
 * "Event datagrams").  One datagram = one JSON object of at most 2048
 * bytes; anything else is counted and dropped, never fatal.
 */
#ifndef XT_EVENTS_H
#define XT_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "xt_db.h"

#define XT_EVENT_MAX       2048
#define XT_EVENT_UA_MAX    256
#define XT_EVENT_IP_MAX    64

/* the socket file's mode: nginx workers as xtreamd's user, or in the
   group event_socket_group; never other users (docs/SECURITY.md) */
#define XT_EVENTS_MODE_OWNER  0600
#define XT_EVENTS_MODE_GROUP  0660

typedef enum {
    XT_EV_OPEN = 1,
    XT_EV_CLOSE,
    XT_EV_START,
    XT_EV_PUBLISH,
    XT_EV_UNPUBLISH
} xt_event_type_e;

typedef struct {
    xt_event_type_e  type;
    char             conn[17];         /* 16 hex + NUL */
    uint32_t         line;
    uint32_t         stream;
    char             kind[12];         /* live hls movie episode timeshift */
    char             ip[XT_EVENT_IP_MAX + 1];
    char             ua[XT_EVENT_UA_MAX + 1];
    int64_t          ts;               /* 0 when absent: now */
    uint64_t         bytes;
    uint32_t         server;
} xt_event_t;

/* strict parse of one datagram; 0, or -1 with *why a static reason */
int xt_event_parse(const char *buf, size_t len, xt_event_t *e,
    const char **why);


/* the socket (xt_events.c) */
typedef struct xt_conn_s  xt_conn_t;

typedef struct {
    int             fd;
    unsigned long   received, bad, db_failed;
    /* open connections: conn -> activity row, stream (xt_events_db.c) */
    xt_conn_t     **buckets;
    size_t          nconns;
    MYSQL_STMT     *st_act_ins, *st_act_end, *st_act_end_guess,
                   *st_live_ins, *st_live_del;
    unsigned        server_id;      /* of the rows it writes (set by
                                       xt_events_db_start) */
} xt_events_t;

/* bind path (stale socket unlinked), mode 0600, or 0660 with group */
int xt_events_open(xt_events_t *ev, const char *path, const char *group,
    char *err, size_t errlen);
/* 1: *e holds an event; 0: nothing more to read now */
int xt_events_recv(xt_events_t *ev, xt_event_t *e);
void xt_events_close(xt_events_t *ev, const char *path);


/* activity and live_connections (xt_events_db.c) */

/* after every (re)connect: drop cached statements; with clear (daemon
   start), delete this server's live_connections rows (connections we
   lost track of) */
int xt_events_db_start(xt_events_t *ev, xt_db_t *db, unsigned server_id,
    int clear);
void xt_events_free_conns(xt_events_t *ev);
/* open/close rows; returns the viewer delta for the stream (+1, -1 or 0
   for a duplicate), whether or not the database write worked */
int xt_events_db_apply(xt_events_t *ev, xt_db_t *db, unsigned server_id,
    const xt_event_t *e, uint32_t *stream);

/* HLS sessions send no close: the module repeats "open" on every playlist
   fetch, and a session not seen for idle_s seconds is closed here (its
   activity row ended at the last sighting).  gone() is told each stream
   that lost a viewer. */
typedef void (*xt_events_gone_fn)(void *ctx, uint32_t stream);
void xt_events_db_expire(xt_events_t *ev, xt_db_t *db, long long now,
    unsigned idle_s, xt_events_gone_fn gone, void *ctx);

#endif
