/* `xtreamctl api ...` and `xtreamctl admin ...` (xt_admin_cli.c). */
#ifndef XT_ADMIN_CLI_H
#define XT_ADMIN_CLI_H

#include "xt_config.h"
#include "xt_db.h"

int xt_admin_cli_api(xt_db_t *db, const xt_config_t *cf, int argc,
    char **argv, int json);
int xt_admin_cli_admin(xt_db_t *db, const xt_config_t *cf, int argc,
    char **argv, int json);

#endif
