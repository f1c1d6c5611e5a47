/* `xtreamctl setup` and `xtreamctl backup|restore` (docs/INSTALL.md). */
#ifndef XT_SETUP_CMD_H
#define XT_SETUP_CMD_H

#include "xt_db.h"

#define XT_SETUP_CONF  "/etc/xtream/xtreamd.conf"
#define XT_SETUP_SITE  "/etc/nginx/sites-available/xtream"

/* first run on a server, idempotent; conf: the configuration to fill in.
   Exit status 0, 1 (bad state or input: nothing changed), 2 (failed) */
int xt_setup_cmd(const char *conf, int argc, char **argv);

/* one integer from a query with string parameters (NULL-terminated
   list); -1 with db->err set */
int xt_setup_q1(xt_db_t *db, long long *out, const char *sql, ...);

int xt_backup_cmd(const char *conf, int argc, char **argv);
int xt_restore_cmd(const char *conf, int argc, char **argv);

#endif
