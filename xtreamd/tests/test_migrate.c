/* Which migrations a database gets, from its records by name
   (xt_migrate_plan.c), over made-up lists: no database needed. */
#include <string.h>

#include "xt_test.h"
#include "xt_migrate.h"


static const xt_migration_t  list[] = {
    { 1, "001_init.sql", "CREATE TABLE a (x INT);\n" },
    { 2, "002_more.sql", "CREATE TABLE b (x INT);\n" },
    { 3, "003_branch_a.sql", "CREATE TABLE c (x INT);\n" },
    { 4, "004_branch_b.sql", "CREATE TABLE d (x INT);\n" },
};
#define N  (sizeof(list) / sizeof(list[0]))


static unsigned
recs(xt_migration_rec_t *out, const char *names)
{
    unsigned  n = 0, i;
    char      buf[256], *tok, *save;

    snprintf(buf, sizeof(buf), "%s", names);
    for (tok = strtok_r(buf, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save))
    {
        snprintf(out[n].name, sizeof(out->name), "%s", tok);
        out[n].sum[0] = '\0';
        for (i = 0; i < N; i++) {
            if (strcmp(list[i].name, tok) == 0) {
                xt_migrate_sum(list[i].sql, out[n].sum);
            }
        }
        n++;
    }
    return n;
}


static int
plan(const xt_migration_rec_t *done, unsigned ndone, const char *want,
    char *err)
{
    unsigned char  todo[N];
    char           got[256] = "";
    unsigned       i;
    int            rc;

    memset(todo, 7, sizeof(todo));
    err[0] = '\0';
    rc = xt_migrate_plan(list, N, done, ndone, todo, err, 512);
    if (rc < 0) {
        return rc;
    }
    for (i = 0; i < N; i++) {
        if (todo[i]) {
            strcat(got, got[0] ? " " : "");
            strcat(got, list[i].name);
        }
    }
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "plan: got \"%s\", want \"%s\"\n", got, want);
        return -100;
    }
    return rc;
}


void
test_migrate(void)
{
    xt_migration_rec_t  done[8];
    char                err[512], sum[XT_MIGRATE_SUM_LEN + 1];
    unsigned            n;

    /* SHA-256 of the bytes, in hex */
    CHECK(xt_migrate_sum("abc", sum) == 0
          && strcmp(sum, "ba7816bf8f01cfea414140de5dae2223"
                    "b00361a396177a9cb410ff61f20015ad") == 0);

    /* a new database gets everything, in list order */
    CHECK(plan(done, 0, "001_init.sql 002_more.sql 003_branch_a.sql "
               "004_branch_b.sql", err) == 4);
    n = recs(done, "001_init.sql 002_more.sql 003_branch_a.sql "
             "004_branch_b.sql");
    CHECK(plan(done, n, "", err) == 0);

    /* two branches, either merge order: the one applied later by name and
       the one applied earlier both still come */
    n = recs(done, "001_init.sql 002_more.sql 004_branch_b.sql");
    CHECK(plan(done, n, "003_branch_a.sql", err) == 1);
    n = recs(done, "001_init.sql 002_more.sql 003_branch_a.sql");
    CHECK(plan(done, n, "004_branch_b.sql", err) == 1);
    n = recs(done, "001_init.sql 004_branch_b.sql");
    CHECK(plan(done, n, "002_more.sql 003_branch_a.sql", err) == 2);

    /* an edited applied migration: refused, naming the file */
    n = recs(done, "001_init.sql 002_more.sql 003_branch_a.sql");
    done[1].sum[0] = done[1].sum[0] == 'a' ? 'b' : 'a';
    CHECK(plan(done, n, "", err) == XT_MIGRATE_REFUSED);
    CHECK(strstr(err, "migration 002_more.sql was edited") != NULL);

    /* a renamed (or removed) applied migration: refused, naming it */
    n = recs(done, "001_init.sql 002_old_name.sql");
    CHECK(plan(done, n, "", err) == XT_MIGRATE_REFUSED);
    CHECK(strstr(err, "migration 002_old_name.sql is recorded as applied "
                 "but is not in this build") != NULL);

    /* the old scheme's number: the migrations up to it, as applied, with
       the checksums of this build; past the last one: refused */
    CHECK(xt_migrate_legacy(list, N, 2, done, &n, err, sizeof(err)) == 0
          && n == 2 && strcmp(done[0].name, "001_init.sql") == 0
          && strcmp(done[1].name, "002_more.sql") == 0);
    CHECK(plan(done, n, "003_branch_a.sql 004_branch_b.sql", err) == 2);
    CHECK(xt_migrate_legacy(list, N, 4, done, &n, err, sizeof(err)) == 0
          && n == 4);
    CHECK(plan(done, n, "", err) == 0);
    CHECK(xt_migrate_legacy(list, N, 5, done, &n, err, sizeof(err))
          == XT_MIGRATE_REFUSED && strstr(err, "schema_version 5") != NULL);
}
