/* `xtreamctl api ...` and `xtreamctl admin ...` (xt_admin_cli.c). */
#ifndef XT_ADMIN_CLI_H
#define XT_ADMIN_CLI_H

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "xt_config.h"
#include "xt_db.h"

/* one request through the admin core as "cli:<unix user>" (cf may be
   NULL): METHOD, PATH under /admin/api (query allowed), JSON body or
   NULL.  On 2xx the answer is parsed into *out (caller frees) or, when out
   is NULL, printed; on 4xx/5xx "xtreamctl: MESSAGE" (it names the field)
   goes to stderr
   (and the JSON to stdout when json).  Exit status 0, 1 (4xx) or 2. */
int xt_admin_cli_request(xt_db_t *db, const xt_config_t *cf,
    const char *method, const char *path, const char *body, int json,
    yajl_val *out);

/* g's document as a malloc'd NUL-terminated string (NULL on failure);
   g is freed */
char *xt_admin_gen_take(yajl_gen g);

int xt_admin_cli_api(xt_db_t *db, const xt_config_t *cf, int argc,
    char **argv, int json);
int xt_admin_cli_admin(xt_db_t *db, const xt_config_t *cf, int argc,
    char **argv, int json);

#endif
