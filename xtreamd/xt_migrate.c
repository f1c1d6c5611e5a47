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


int
xt_migrate(xt_db_t *db, unsigned *applied)
{
    MYSQL_STMT  *lock, *unlock, *set = NULL;
    long long    version;
    unsigned     i;
    int          rc = -1;
    xt_binds_t   bs;

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

    /* the same definition as 001_init.sql, so the version can be read
       before the first migration ran */
    if (xt_db_exec(db, "CREATE TABLE IF NOT EXISTS schema_version ("
                   "id TINYINT UNSIGNED NOT NULL PRIMARY KEY DEFAULT 1, "
                   "version INT UNSIGNED NOT NULL, applied BIGINT NOT NULL) "
                   "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
                   "COLLATE=utf8mb4_bin") != 0
        || xt_schema_version(db, &version) != 0)
    {
        goto release;
    }

    set = xt_db_prepare(db, "INSERT INTO schema_version (id, version, "
                        "applied) VALUES (1, ?, ?) ON DUPLICATE KEY UPDATE "
                        "version = VALUES(version), applied = "
                        "VALUES(applied)");
    if (set == NULL) {
        goto release;
    }

    for (i = 0; i < xt_nmigrations; i++) {
        const xt_migration_t  *m = &xt_migrations[i];

        if (m->number <= version) {
            continue;
        }
        if (xt_migrate_split(m->sql, xt_migrate_exec, db) != 0) {
            char  e[sizeof(db->err)];
            snprintf(e, sizeof(e), "%s", db->err);
            snprintf(db->err, sizeof(db->err), "migration %s: %.400s", m->name,
                     e);
            goto release;
        }
        xt_binds_reset(&bs);
        xt_bind_int(&bs, m->number);
        xt_bind_int(&bs, (long long) time(NULL));
        if (xt_db_run(db, set, &bs) != 0) {
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
    if (set) {
        mysql_stmt_close(set);
    }
    if (lock) {
        mysql_stmt_close(lock);
    }
    if (unlock) {
        mysql_stmt_close(unlock);
    }
    return rc;
}
