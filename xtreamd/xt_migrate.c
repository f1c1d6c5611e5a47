#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xt_grow.h"
#include "xt_log.h"
#include "xt_migrate.h"


int
xt_migrate_split(const char *sql, int (*fn)(void *ctx, const char *stmt),
    void *ctx)
{
    const char  *p = sql, *eol, *s, *e;
    size_t       cap = 4096, len = 0, n;
    char        *buf;
    int          rc = 0;

    buf = malloc(cap);
    if (buf == NULL) {
        return -1;
    }

    while (*p) {
        eol = strchr(p, '\n');
        if (eol == NULL) {
            eol = p + strlen(p);
        }
        s = p;
        while (s < eol && (*s == ' ' || *s == '\t')) {
            s++;
        }
        e = eol;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) {
            e--;
        }
        p = *eol ? eol + 1 : eol;

        if (e == s || (e - s >= 2 && s[0] == '-' && s[1] == '-')) {
            continue;
        }

        n = (size_t) (e - s);
        if (xt_reserve((void **) &buf, &cap, len + n + 2, 1) != 0) {
            rc = -1;
            break;
        }
        memcpy(buf + len, s, n);
        len += n;

        if (e[-1] == ';') {
            buf[len - 1] = '\0';    /* the server wants no trailing ";" */
            rc = fn(ctx, buf);
            len = 0;
            if (rc != 0) {
                break;
            }
        } else {
            buf[len++] = '\n';
        }
    }

    /* a statement without its final ";" is still a statement */
    if (rc == 0 && len) {
        buf[len] = '\0';
        rc = fn(ctx, buf);
    }
    free(buf);
    return rc;
}


static int
xt_migrate_exec(void *ctx, const char *stmt)
{
    return xt_db_exec(ctx, stmt);
}


static int
xt_lock(xt_db_t *db, MYSQL_STMT *st, const char *name, int timeout)
{
    xt_binds_t  bs;
    xt_row_t    r;
    int         rc;

    xt_binds_reset(&bs);
    xt_bind_cstr(&bs, name);
    if (timeout >= 0) {
        xt_bind_int(&bs, timeout);
    }
    if (xt_db_run(db, st, &bs) != 0) {
        return -1;
    }
    xt_row_init(&r);
    xt_row_int(&r);
    if (xt_db_bind_row(db, st, &r) != 0) {
        return -1;
    }
    rc = xt_db_fetch(db, st);
    mysql_stmt_free_result(st);
    if (rc != 1) {
        return -1;
    }
    return (!r.isnull[0] && r.ival[0] == 1) ? 0 : -1;
}


static int
xt_schema_version(xt_db_t *db, long long *version)
{
    MYSQL_STMT  *st;
    xt_row_t     r;
    int          rc;

    st = xt_db_prepare(db, "SELECT version FROM schema_version WHERE id = 1");
    if (st == NULL) {
        return -1;
    }
    xt_row_init(&r);
    xt_row_int(&r);
    *version = 0;
    rc = (xt_db_run(db, st, NULL) == 0 && xt_db_bind_row(db, st, &r) == 0)
         ? xt_db_fetch(db, st) : -1;
    if (rc == 1) {
        *version = r.ival[0];
    }
    mysql_stmt_close(st);
    return rc < 0 ? -1 : 0;
}


/* the schema_migrations rows, in name order; *out is malloc'd */
static int
xt_migrate_read(xt_db_t *db, xt_migration_rec_t **out, unsigned *n)
{
    MYSQL_STMT          *st;
    xt_row_t             r;
    xt_migration_rec_t  *recs = NULL, *nr;
    unsigned             cap = 0;
    int                  rc = -1, f;

    *out = NULL;
    *n = 0;
    st = xt_db_prepare(db, "SELECT name, checksum FROM schema_migrations "
                       "ORDER BY name");
    if (st == NULL) {
        return -1;
    }
    xt_row_init(&r);
    if (xt_row_str(&r, sizeof(recs->name) - 1) != 0
        || xt_row_str(&r, XT_MIGRATE_SUM_LEN) != 0
        || xt_db_run(db, st, NULL) != 0 || xt_db_bind_row(db, st, &r) != 0)
    {
        goto done;
    }
    while ((f = xt_db_fetch(db, st)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            nr = realloc(recs, cap * sizeof(*recs));
            if (nr == NULL) {
                snprintf(db->err, sizeof(db->err), "out of memory");
                goto done;
            }
            recs = nr;
        }
        memcpy(recs[*n].name, r.sval[0], r.len[0]);
        recs[*n].name[r.len[0]] = '\0';
        memcpy(recs[*n].sum, r.sval[1], r.len[1]);
        recs[*n].sum[r.len[1]] = '\0';
        (*n)++;
    }
    rc = f < 0 ? -1 : 0;
done:
    mysql_stmt_free_result(st);
    mysql_stmt_close(st);
    xt_row_free(&r);
    if (rc != 0) {
        free(recs);
        *n = 0;
        return -1;
    }
    *out = recs;
    return 0;
}


static int
xt_migrate_record(xt_db_t *db, MYSQL_STMT *ins, const char *name,
    const char *sum)
{
    xt_binds_t  bs;

    xt_binds_reset(&bs);
    xt_bind_cstr(&bs, name);
    xt_bind_cstr(&bs, sum);
    xt_bind_int(&bs, (long long) time(NULL));
    return xt_db_run(db, ins, &bs);
}


/* a database migrated by number: record what it has by name, once */
static int
xt_migrate_convert(xt_db_t *db, MYSQL_STMT *ins, xt_migration_rec_t **recs,
    unsigned *nrecs)
{
    long long            version;
    xt_migration_rec_t  *conv;
    unsigned             i, n;
    int                  rc;

    if (xt_schema_version(db, &version) != 0) {
        return -1;
    }
    if (version <= 0) {
        return 0;               /* a new database */
    }
    conv = calloc(xt_nmigrations ? xt_nmigrations : 1, sizeof(*conv));
    if (conv == NULL) {
        snprintf(db->err, sizeof(db->err), "out of memory");
        return -1;
    }
    rc = xt_migrate_legacy(xt_migrations, xt_nmigrations, version, conv, &n,
                           db->err, sizeof(db->err));
    if (rc != 0) {
        free(conv);
        return rc;
    }
    /* all or nothing: half a conversion would look like a new scheme
       database with migrations missing */
    if (xt_db_begin(db) != 0) {
        free(conv);
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (xt_migrate_record(db, ins, conv[i].name, conv[i].sum) != 0) {
            xt_db_rollback(db);
            free(conv);
            return -1;
        }
    }
    if (xt_db_commit(db) != 0) {
        free(conv);
        return -1;
    }
    xt_log(XT_LOG_INFO, "schema_version %lld converted: %u migration(s) "
           "recorded by name", version, n);
    free(*recs);
    *recs = conv;
    *nrecs = n;
    return 0;
}


int
xt_migrate(xt_db_t *db, unsigned *applied)
{
    return xt_migrate_only(db, NULL, applied);
}


int
xt_migrate_only(xt_db_t *db, const unsigned char *only, unsigned *applied)
{
    MYSQL_STMT          *lock, *unlock, *ins = NULL;
    xt_migration_rec_t  *recs = NULL;
    unsigned char       *todo = NULL;
    unsigned             i, nrecs = 0;
    int                  rc = -1, r;
    char                 sum[XT_MIGRATE_SUM_LEN + 1];
    xt_binds_t           bs;

    *applied = 0;
    lock = xt_db_prepare(db, "SELECT GET_LOCK(?, ?)");
    unlock = xt_db_prepare(db, "SELECT RELEASE_LOCK(?)");
    if (lock == NULL || unlock == NULL) {
        goto out;
    }
    if (xt_lock(db, lock, "xtream_migrate", 60) != 0) {
        if (db->err[0] == '\0') {
            snprintf(db->err, sizeof(db->err), "migration lock timeout");
        }
        goto out;
    }

    /* schema_version: the same definition as 001_init.sql, so the old
       scheme's number can be read on any database; schema_migrations:
       the record by name, kept by this file alone */
    if (xt_db_exec(db, "CREATE TABLE IF NOT EXISTS schema_version ("
                   "id TINYINT UNSIGNED NOT NULL PRIMARY KEY DEFAULT 1, "
                   "version INT UNSIGNED NOT NULL, applied BIGINT NOT NULL) "
                   "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
                   "COLLATE=utf8mb4_bin") != 0
        || xt_db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                      "name VARCHAR(255) NOT NULL PRIMARY KEY, "
                      "checksum CHAR(64) NOT NULL, "
                      "applied_at BIGINT NOT NULL) "
                      "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
                      "COLLATE=utf8mb4_bin") != 0)
    {
        goto release;
    }
    ins = xt_db_prepare(db, "INSERT INTO schema_migrations (name, checksum, "
                        "applied_at) VALUES (?, ?, ?)");
    if (ins == NULL || xt_migrate_read(db, &recs, &nrecs) != 0) {
        goto release;
    }
    if (nrecs == 0) {
        r = xt_migrate_convert(db, ins, &recs, &nrecs);
        if (r != 0) {
            rc = r;
            goto release;
        }
    }

    todo = calloc(xt_nmigrations ? xt_nmigrations : 1, 1);
    if (todo == NULL) {
        snprintf(db->err, sizeof(db->err), "out of memory");
        goto release;
    }
    r = xt_migrate_plan(xt_migrations, xt_nmigrations, recs, nrecs, todo,
                        db->err, sizeof(db->err));
    if (r < 0) {
        rc = r;
        goto release;
    }

    for (i = 0; i < xt_nmigrations; i++) {
        const xt_migration_t  *m = &xt_migrations[i];

        if (!todo[i] || (only != NULL && !only[i])) {
            continue;
        }
        if (xt_migrate_split(m->sql, xt_migrate_exec, db) != 0) {
            char  e[sizeof(db->err)];
            snprintf(e, sizeof(e), "%s", db->err);
            snprintf(db->err, sizeof(db->err), "migration %s: %.400s", m->name,
                     e);
            goto release;
        }
        if (xt_migrate_sum(m->sql, sum) != 0
            || xt_migrate_record(db, ins, m->name, sum) != 0)
        {
            goto release;
        }
        xt_log(XT_LOG_INFO, "applied migration %s", m->name);
        (*applied)++;
    }
    rc = 0;

release:
    {
        xt_row_t  r;

        xt_binds_reset(&bs);
        xt_bind_cstr(&bs, "xtream_migrate");
        if (xt_db_run(db, unlock, &bs) == 0) {
            xt_row_init(&r);
            xt_row_int(&r);
            if (xt_db_bind_row(db, unlock, &r) == 0) {
                while (xt_db_fetch(db, unlock) == 1) { /* drain */ }
            }
        }
    }
out:
    free(recs);
    free(todo);
    if (ins) {
        mysql_stmt_close(ins);
    }
    if (lock) {
        mysql_stmt_close(lock);
    }
    if (unlock) {
        mysql_stmt_close(unlock);
    }
    return rc;
}
