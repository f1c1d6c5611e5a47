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

/* the checks of `epg add|set`, shared with the admin API
   (admin/xt_admin_epg_sources.c): 1 acceptable, 0 not */
int xt_epg_name_ok(const char *s);  /* 1..255 bytes UTF-8, not all digits */
int xt_epg_url_ok(const char *u);   /* http(s)://, file:///abs, /abs */
int xt_epg_lang_ok(const char *s);  /* <= 16 of [A-Za-z0-9_-] */

/* delete the programmes and channels of source id (not the source row)
   and bump the epg counter once, inside the caller's transaction (the caller holds the
   'xtream_epg_import' lock); 0, or -1 with db->err */
int xt_epg_delete_source_rows(xt_db_t *db, unsigned id);

#endif
