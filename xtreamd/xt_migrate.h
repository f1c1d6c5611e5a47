/*
 * Schema migrations embedded at build time (gen-migrations.sh), recorded
 * by name with the SHA-256 of their text in schema_migrations: each is
 * applied once, in name order, also when names after it were applied
 * first (two branches that each add one); an applied one that was edited
 * or renamed is refused.
 */
#ifndef XT_MIGRATE_H
#define XT_MIGRATE_H

#include <stddef.h>

typedef struct {
    unsigned     number;    /* NNN of NNN_name.sql */
    const char  *name;
    const char  *sql;
} xt_migration_t;

extern const xt_migration_t  xt_migrations[];
extern const unsigned        xt_nmigrations;

/* xt_migrate() and the plan: the database's recorded migrations do not
   match this build; nothing was changed */
#define XT_MIGRATE_REFUSED  (-2)
#define XT_MIGRATE_SUM_LEN  64          /* hex SHA-256 */

/* one schema_migrations row */
typedef struct {
    char  name[256];
    char  sum[XT_MIGRATE_SUM_LEN + 1];
} xt_migration_rec_t;

/* hex SHA-256 of a migration's text (the file's bytes) */
int xt_migrate_sum(const char *sql, char hex[XT_MIGRATE_SUM_LEN + 1]);

/* todo[i] = 1 for each list[i] not in done; returns how many, or
   XT_MIGRATE_REFUSED with err naming the file when a done one is missing
   from list or its checksum differs, or -1 */
int xt_migrate_plan(const xt_migration_t *list, unsigned n,
    const xt_migration_rec_t *done, unsigned ndone, unsigned char *todo,
    char *err, size_t errlen);

/* the old scheme kept one schema_version number: out (n entries) gets the
   list's migrations numbered up to it, as applied; XT_MIGRATE_REFUSED when
   the number is past the list's last */
int xt_migrate_legacy(const xt_migration_t *list, unsigned n,
    long long version, xt_migration_rec_t *out, unsigned *nout, char *err,
    size_t errlen);


#include "xt_db.h"

/* apply the migrations schema_migrations lacks, in name order, under a
   server-side lock (xtreamd and xtreamctl may race); *applied counts
   them; 0, -1 or XT_MIGRATE_REFUSED, with db->err set */
int xt_migrate(xt_db_t *db, unsigned *applied);

/* the same, limited to xt_migrations[i] with only[i] set (restore: the
   schema a backup was made with, before its rows go in) */
int xt_migrate_only(xt_db_t *db, const unsigned char *only,
    unsigned *applied);

/* split sql into statements: ";" at the end of a line ends one, lines
   starting with "--" are skipped; calls fn for each (NUL-terminated) */
int xt_migrate_split(const char *sql, int (*fn)(void *ctx, const char *stmt),
    void *ctx);

#endif
