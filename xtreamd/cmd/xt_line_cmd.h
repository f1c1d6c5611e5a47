/* `xtreamctl line add|set|del|list`: exit status 0, 1 (bad input), 2. */
#ifndef XT_LINE_CMD_H
#define XT_LINE_CMD_H

#include "xt_db.h"

int xt_line_cmd(xt_db_t *db, int argc, char **argv);

#endif
