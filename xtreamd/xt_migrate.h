/* Schema migrations embedded at build time (gen-migrations.sh). */
#ifndef XT_MIGRATE_H
#define XT_MIGRATE_H

typedef struct {
    unsigned     number;    /* NNN of NNN_name.sql */
    const char  *name;
    const char  *sql;
} xt_migration_t;

extern const xt_migration_t  xt_migrations[];
extern const unsigned        xt_nmigrations;


#include "xt_db.h"

/* apply every migration newer than schema_version, in order, under a
   server-side lock (xtreamd and xtreamctl may race); *applied counts them */
int xt_migrate(xt_db_t *db, unsigned *applied);

/* split sql into statements: ";" at the end of a line ends one, lines
   starting with "--" are skipped; calls fn for each (NUL-terminated) */
int xt_migrate_split(const char *sql, int (*fn)(void *ctx, const char *stmt),
    void *ctx);

#endif
