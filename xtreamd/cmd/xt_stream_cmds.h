/*
 * Admin stream commands (start/stop/restart) reach the supervisor through
 * rows of stream_commands: the admin API's threads and xtreamctl write
 * them, the daemon's loop reads the new ones on every counter poll (one
 * indexed query), so the supervisor never waits on the admin side and
 * every server of a cluster sees the commands meant for it.
 */
#ifndef XT_STREAM_CMDS_H
#define XT_STREAM_CMDS_H

#include "xt_db.h"
#include "xt_supervisor.h"

typedef struct {
    unsigned long long  last_id;     /* newest row acted on */
    int                 started;     /* last_id read at start */
    long long           purged;      /* unix time of the last purge */
} xt_stream_cmds_t;

/* act on rows newer than the last seen for server_id (or 0); the first
   call only records the newest id (old commands are not replayed after
   a restart).  Rows older than an hour are deleted now and then.
   0, or -1 with db->err */
int xt_stream_cmds_poll(xt_stream_cmds_t *sc, xt_db_t *db, xt_sup_t *sup,
    unsigned server_id, double now_ms);

#endif
