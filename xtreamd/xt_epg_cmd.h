/*
 * `xtreamctl epg ...`: add|set|del|refresh|prune|demo (xt_epg_cmd.c),
 * list|unmapped (xt_epg_list.c).  Exit status 0, 1 (bad input or a
 * source that failed to import), 2 (database/internal).
 */
#ifndef XT_EPG_CMD_H
#define XT_EPG_CMD_H

#include "xt_config.h"
#include "xt_db.h"

/* argv[0] is the subcommand; syntax checks that need no database:
   0, or 1 with the message printed */
int xt_epg_cmd_check(int argc, char **argv);

int xt_epg_cmd(xt_db_t *db, const xt_config_t *cf, int argc, char **argv);

int xt_epg_list(xt_db_t *db, int json);
int xt_epg_unmapped(xt_db_t *db, int json);

/* an id ("12") or a name -> id; 1 found, 0 not, -1 db error */
int xt_epg_find_source(xt_db_t *db, const char *key, unsigned *id);

#endif
