/*
 * Which embedded migrations a database still needs, decided from the names
 * and checksums it has recorded: pure logic, no database.  xt_migrate.c
 * reads and writes the records; tests/test_migrate.c drives this over
 * made-up lists.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "xt_migrate.h"


int
xt_migrate_sum(const char *sql, char hex[XT_MIGRATE_SUM_LEN + 1])
{
    unsigned char  md[EVP_MAX_MD_SIZE];
    unsigned int   len = 0, i;

    if (!EVP_Digest(sql, strlen(sql), md, &len, EVP_sha256(), NULL)
        || len * 2 != XT_MIGRATE_SUM_LEN)
    {
        return -1;
    }
    for (i = 0; i < len; i++) {
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    }
    return 0;
}


static const xt_migration_t *
xt_migrate_find(const xt_migration_t *list, unsigned n, const char *name)
{
    unsigned  i;

    for (i = 0; i < n; i++) {
        if (strcmp(list[i].name, name) == 0) {
            return &list[i];
        }
    }
    return NULL;
}


static int
xt_migrate_recorded(const xt_migration_rec_t *done, unsigned ndone,
    const char *name)
{
    unsigned  i;

    for (i = 0; i < ndone; i++) {
        if (strcmp(done[i].name, name) == 0) {
            return 1;
        }
    }
    return 0;
}


int
xt_migrate_plan(const xt_migration_t *list, unsigned n,
    const xt_migration_rec_t *done, unsigned ndone, unsigned char *todo,
    char *err, size_t errlen)
{
    const xt_migration_t  *m;
    char                   sum[XT_MIGRATE_SUM_LEN + 1];
    unsigned               i, count = 0;

    /* an applied migration must still be here with the same bytes: else
       databases that ran the old text and those that run the new one would
       silently differ */
    for (i = 0; i < ndone; i++) {
        m = xt_migrate_find(list, n, done[i].name);
        if (m == NULL) {
            snprintf(err, errlen, "migration %s is recorded as applied but "
                     "is not in this build (renamed or removed?): restore "
                     "it under its old name; changes go in a new migration",
                     done[i].name);
            return XT_MIGRATE_REFUSED;
        }
        if (xt_migrate_sum(m->sql, sum) != 0) {
            snprintf(err, errlen, "migration %s: checksum failed", m->name);
            return -1;
        }
        if (strcmp(sum, done[i].sum) != 0) {
            snprintf(err, errlen, "migration %s was edited after it was "
                     "applied (sha256 %.12s... recorded, %.12s... in this "
                     "build): restore its text; changes go in a new "
                     "migration", m->name, done[i].sum, sum);
            return XT_MIGRATE_REFUSED;
        }
    }

    /* everything not recorded, whatever was applied after it by name */
    for (i = 0; i < n; i++) {
        todo[i] = !xt_migrate_recorded(done, ndone, list[i].name);
        count += todo[i];
    }
    return (int) count;
}


int
xt_migrate_legacy(const xt_migration_t *list, unsigned n, long long version,
    xt_migration_rec_t *out, unsigned *nout, char *err, size_t errlen)
{
    unsigned  i, top = 0;

    *nout = 0;
    for (i = 0; i < n; i++) {
        if (list[i].number > top) {
            top = list[i].number;
        }
    }
    /* the numbers above ours came from a newer build we know nothing of */
    if (version > (long long) top) {
        snprintf(err, errlen, "schema_version %lld is newer than this "
                 "build's last migration (%03u): run a newer xtreamd",
                 version, top);
        return XT_MIGRATE_REFUSED;
    }
    for (i = 0; i < n; i++) {
        if (list[i].number == 0 || list[i].number > version) {
            continue;
        }
        if (strlen(list[i].name) >= sizeof(out->name)
            || xt_migrate_sum(list[i].sql, out[*nout].sum) != 0)
        {
            snprintf(err, errlen, "migration %s: cannot record it",
                     list[i].name);
            return -1;
        }
        snprintf(out[*nout].name, sizeof(out->name), "%s", list[i].name);
        (*nout)++;
    }
    return 0;
}
