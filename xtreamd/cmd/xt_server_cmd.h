/*
 * `xtreamctl server add|set|del|list|place|unplace|streams` (issue 11):
 * the main server and the streaming nodes, their loads and health, the
 * replication state of this connection, and stream placement.  Exit
 * status 0, 1 (bad input), 2 (database).
 */
#ifndef XT_SERVER_CMD_H
#define XT_SERVER_CMD_H

#include "xt_db.h"

/* db: where writes go (the primary); rdb: this machine's own (replica)
   connection for `list`'s replication lines, or NULL = db */
int xt_server_cmd(xt_db_t *db, xt_db_t *rdb, int argc, char **argv);

#endif
