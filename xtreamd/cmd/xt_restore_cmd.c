/*
 * `xtreamctl restore FILE [--force]`: a backup (xt_backup_cmd.c) into an
 * empty database.  The file is read and checked whole first; then the
 * schema the backup was made with is built (its recorded migrations, which
 * this build must know), the rows go in in one transaction, and the
 * migrations the backup is older than are applied last, so they convert
 * the old rows as an upgrade would.  A database with tables is refused
 * unless --force, which drops them first.  Secret files missing on disk
 * are written back; the backup's configuration is written beside the
 * current one when they differ (the current one has this server's
 * database password).
 */
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "xt_backup_file.h"
#include "xt_config.h"
#include "xt_db.h"
#include "xt_migrate.h"
#include "xt_setup_cmd.h"

#define XT_IDENT_SET  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
                      "0123456789_"


static int
xt_ident_ok(const char *s)
{
    size_t  n = s ? strlen(s) : 0;
    return n > 0 && n <= 64 && strspn(s, XT_IDENT_SET) == n;
}


/* a string node's text; "" for anything else */
static const char *
xt_s(yajl_val v)
{
    const char  *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
    return s ? s : "";
}


static yajl_val
xt_get(yajl_val v, const char *key, yajl_type t)
{
    const char  *path[2] = { key, NULL };
    return yajl_tree_get(v, path, t);
}


/* the backup's table of that name */
static yajl_val
xt_restore_table(yajl_val tables, const char *name)
{
    size_t  i;

    for (i = 0; i < YAJL_GET_ARRAY(tables)->len; i++) {
        yajl_val  t = YAJL_GET_ARRAY(tables)->values[i];
        yajl_val  n = xt_get(t, "name", yajl_t_string);
        if (n && strcmp(xt_s(n), name) == 0) {
            return t;
        }
    }
    return NULL;
}


/* which of this build's migrations the backup had; -1 with err when it
   had one this build does not know or knows with other text */
static int
xt_restore_plan(yajl_val tables, unsigned char *only, char *err,
    size_t errlen)
{
    yajl_val  t = xt_restore_table(tables, "schema_migrations");
    yajl_val  cols, rows;
    size_t    i, k, ci = (size_t) -1, si = (size_t) -1;
    char      sum[XT_MIGRATE_SUM_LEN + 1];

    memset(only, 0, xt_nmigrations);
    if (t == NULL || (cols = xt_get(t, "columns", yajl_t_array)) == NULL
        || (rows = xt_get(t, "rows", yajl_t_array)) == NULL)
    {
        snprintf(err, errlen, "the backup has no schema_migrations table");
        return -1;
    }
    for (k = 0; k < YAJL_GET_ARRAY(cols)->len; k++) {
        const char  *c = YAJL_GET_STRING(YAJL_GET_ARRAY(cols)->values[k]);
        if (c && strcmp(c, "name") == 0) {
            ci = k;
        } else if (c && strcmp(c, "checksum") == 0) {
            si = k;
        }
    }
    if (ci == (size_t) -1 || si == (size_t) -1) {
        snprintf(err, errlen, "the backup's schema_migrations lacks name or "
                 "checksum");
        return -1;
    }
    for (i = 0; i < YAJL_GET_ARRAY(rows)->len; i++) {
        yajl_val     row = YAJL_GET_ARRAY(rows)->values[i];
        const char  *name, *cs;

        if (!YAJL_IS_ARRAY(row) || YAJL_GET_ARRAY(row)->len <= ci
            || YAJL_GET_ARRAY(row)->len <= si)
        {
            snprintf(err, errlen, "a schema_migrations row is malformed");
            return -1;
        }
        name = YAJL_GET_STRING(YAJL_GET_ARRAY(row)->values[ci]);
        cs = YAJL_GET_STRING(YAJL_GET_ARRAY(row)->values[si]);
        for (k = 0; k < xt_nmigrations; k++) {
            if (name && strcmp(xt_migrations[k].name, name) == 0) {
                break;
            }
        }
        if (name == NULL || k == xt_nmigrations) {
            snprintf(err, errlen, "the backup was made by a newer xtream: "
                     "migration %.200s is unknown to this build; restore "
                     "with that version or a later one",
                     name ? name : "(none)");
            return -1;
        }
        if (xt_migrate_sum(xt_migrations[k].sql, sum) != 0 || cs == NULL
            || strcmp(sum, cs) != 0)
        {
            snprintf(err, errlen, "migration %.200s differs between the "
                     "backup and this build", name);
            return -1;
        }
        only[k] = 1;
    }
    return 0;
}


static int
xt_hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}


/* one table's rows: DELETE what the migrations seeded, then INSERT each
   backed-up row through one prepared statement */
static int
xt_restore_rows(xt_db_t *db, yajl_val t, long long *count)
{
    yajl_val        name = xt_get(t, "name", yajl_t_string);
    yajl_val        cols = xt_get(t, "columns", yajl_t_array);
    yajl_val        bin = xt_get(t, "binary", yajl_t_array);
    yajl_val        rows = xt_get(t, "rows", yajl_t_array);
    const char     *tn;
    MYSQL_STMT     *st = NULL;
    MYSQL_BIND     *b = NULL;
    unsigned long  *lens = NULL;
    char          **bufs = NULL, *sql = NULL;
    size_t          nc, i, k, used;
    int             rc = -1;

    if (name == NULL || cols == NULL || bin == NULL || rows == NULL
        || YAJL_GET_ARRAY(bin)->len != YAJL_GET_ARRAY(cols)->len
        || !xt_ident_ok(tn = YAJL_GET_STRING(name)))
    {
        snprintf(db->err, sizeof(db->err), "a table entry is malformed");
        return -1;
    }
    nc = YAJL_GET_ARRAY(cols)->len;
    sql = malloc(64 + nc * 72);
    b = calloc(nc ? nc : 1, sizeof(*b));
    lens = calloc(nc ? nc : 1, sizeof(*lens));
    bufs = calloc(nc ? nc : 1, sizeof(*bufs));
    if (sql == NULL || b == NULL || lens == NULL || bufs == NULL) {
        snprintf(db->err, sizeof(db->err), "out of memory");
        goto out;
    }
    /* identifiers cannot be placeholders: checked [A-Za-z0-9_] */
    snprintf(sql, 64 + nc * 72, "DELETE FROM `%s`", tn);
    if (xt_db_exec(db, sql) != 0) {
        goto out;
    }
    used = (size_t) sprintf(sql, "INSERT INTO `%s` (", tn);
    for (k = 0; k < nc; k++) {
        const char  *c = YAJL_GET_STRING(YAJL_GET_ARRAY(cols)->values[k]);
        if (!xt_ident_ok(c)) {
            snprintf(db->err, sizeof(db->err), "%s: a column name is not "
                     "[A-Za-z0-9_]", tn);
            goto out;
        }
        used += (size_t) sprintf(sql + used, "%s`%s`", k ? ", " : "", c);
    }
    used += (size_t) sprintf(sql + used, ") VALUES (");
    for (k = 0; k < nc; k++) {
        used += (size_t) sprintf(sql + used, "%s?", k ? ", " : "");
    }
    sprintf(sql + used, ")");
    st = xt_db_prepare(db, sql);
    if (st == NULL) {
        goto out;
    }
    *count = 0;
    for (i = 0; i < YAJL_GET_ARRAY(rows)->len; i++) {
        yajl_val  row = YAJL_GET_ARRAY(rows)->values[i];

        if (!YAJL_IS_ARRAY(row) || YAJL_GET_ARRAY(row)->len != nc) {
            snprintf(db->err, sizeof(db->err), "%s: row %zu is malformed",
                     tn, i + 1);
            goto out;
        }
        memset(b, 0, nc * sizeof(*b));
        for (k = 0; k < nc; k++) {
            yajl_val     v = YAJL_GET_ARRAY(row)->values[k];
            const char  *s;
            size_t       n, j;

            free(bufs[k]);
            bufs[k] = NULL;
            if (YAJL_IS_NULL(v)) {
                b[k].buffer_type = MYSQL_TYPE_NULL;
                continue;
            }
            s = YAJL_GET_STRING(v);
            if (s == NULL) {
                snprintf(db->err, sizeof(db->err), "%s: row %zu: a value "
                         "is neither a string nor null", tn, i + 1);
                goto out;
            }
            n = strlen(s);
            if (YAJL_IS_TRUE(YAJL_GET_ARRAY(bin)->values[k])) {
                bufs[k] = malloc(n / 2 + 1);
                if (bufs[k] == NULL || n % 2) {
                    snprintf(db->err, sizeof(db->err), "%s: row %zu: bad "
                             "hex", tn, i + 1);
                    goto out;
                }
                for (j = 0; j < n / 2; j++) {
                    int  hi = xt_hexval(s[2 * j]), lo = xt_hexval(s[2 * j + 1]);
                    if (hi < 0 || lo < 0) {
                        snprintf(db->err, sizeof(db->err), "%s: row %zu: "
                                 "bad hex", tn, i + 1);
                        goto out;
                    }
                    bufs[k][j] = (char) (hi << 4 | lo);
                }
                n /= 2;
                s = bufs[k];
            }
            lens[k] = n;
            b[k].buffer_type = MYSQL_TYPE_STRING;
            b[k].buffer = (void *) s;
            b[k].buffer_length = n;
            b[k].length = &lens[k];
        }
        if (mysql_stmt_bind_param(st, b) != 0 || mysql_stmt_execute(st) != 0) {
            xt_db_stmt_fail(db, st, tn);
            goto out;
        }
        (*count)++;
    }
    rc = 0;
out:
    if (st) {
        mysql_stmt_close(st);
    }
    for (k = 0; bufs && k < nc; k++) {
        free(bufs[k]);
    }
    free(bufs);
    free(lens);
    free(b);
    free(sql);
    return rc;
}


/* drop every table (--force); foreign keys off for the session */
static int
xt_restore_drop_all(xt_db_t *db, const char *schema)
{
    MYSQL_RES  *res;
    MYSQL_ROW   row;
    char        sql[160], names[256][65];
    unsigned    n = 0, i;

    (void) schema;
    if (mysql_query(db->my, "SHOW FULL TABLES") != 0
        || (res = mysql_store_result(db->my)) == NULL)
    {
        snprintf(db->err, sizeof(db->err), "%s", mysql_error(db->my));
        return -1;
    }
    while ((row = mysql_fetch_row(res)) != NULL && n < 256) {
        if (xt_ident_ok(row[0])) {
            snprintf(names[n++], sizeof(names[0]), "%s", row[0]);
        }
    }
    mysql_free_result(res);
    for (i = 0; i < n; i++) {
        snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS `%.64s`", names[i]);
        if (xt_db_exec(db, sql) != 0) {
            return -1;
        }
    }
    return 0;
}


/* the backup's secret files that are missing here */
static void
xt_restore_secrets(yajl_val doc)
{
    yajl_val  sec = xt_get(doc, "secrets", yajl_t_array);
    size_t    i;

    for (i = 0; sec && i < YAJL_GET_ARRAY(sec)->len; i++) {
        yajl_val      s = YAJL_GET_ARRAY(sec)->values[i];
        yajl_val      p = xt_get(s, "path", yajl_t_string);
        yajl_val      t = xt_get(s, "text", yajl_t_string);
        struct group *gr = getgrnam("www-data");
        struct stat   sb;
        const char   *path, *text;
        int           fd;

        if (p == NULL || t == NULL) {
            continue;
        }
        path = xt_s(p);
        text = xt_s(t);
        if (stat(path, &sb) == 0) {
            printf("restore: kept the secret %s (already there)\n", path);
            continue;
        }
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        if (fd < 0) {
            printf("restore: warning: cannot write the secret %s\n", path);
            continue;
        }
        if (gr && fchown(fd, 0, gr->gr_gid) != 0) {
            printf("restore: warning: %s: cannot set group www-data\n", path);
        }
        if (write(fd, text, strlen(text)) != (ssize_t) strlen(text)) {
            printf("restore: warning: %s: short write\n", path);
        }
        close(fd);
        printf("restore: wrote the secret %s from the backup\n", path);
    }
}


/* the backup's configuration beside the current one, when different */
static void
xt_restore_config(yajl_val doc, const char *conf)
{
    yajl_val  c = xt_get(doc, "config", yajl_t_string);
    char      path[XT_CONF_PATH_MAX + 32], cur[65536];
    FILE     *f;
    size_t    n = 0;
    int       fd;

    if (c == NULL) {
        return;
    }
    f = fopen(conf, "re");
    if (f) {
        n = fread(cur, 1, sizeof(cur) - 1, f);
        fclose(f);
    }
    cur[n] = '\0';
    if (strcmp(cur, xt_s(c)) == 0) {
        return;
    }
    snprintf(path, sizeof(path), "%s.from-backup", conf);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0 && write(fd, xt_s(c), strlen(xt_s(c)))
                   == (ssize_t) strlen(xt_s(c)))
    {
        printf("restore: the backup's configuration differs from %s: it is "
               "in %s (compare; keep this server's db_password)\n", conf,
               path);
    }
    if (fd >= 0) {
        close(fd);
    }
}


int
xt_restore_cmd(const char *conf, int argc, char **argv)
{
    xt_config_t     cf;
    xt_db_t         db;
    yajl_val        doc = NULL, tables, fmt;
    const char     *path = NULL;
    char           *text = NULL, err[1200];
    unsigned char  *only = NULL;
    size_t          len, i;
    long long       ntables = 0, rows, total = 0;
    unsigned        applied = 0, later = 0;
    int             force = 0, rc = 1, connected = 0;

    for (i = 1; i < (size_t) argc; i++) {
        if (strcmp(argv[i], "--force") == 0) {
            force = 1;
        } else if (path == NULL && argv[i][0] != '-') {
            path = argv[i];
        } else {
            fprintf(stderr, "usage: xtreamctl restore FILE [--force]\n");
            return 1;
        }
    }
    if (path == NULL) {
        fprintf(stderr, "usage: xtreamctl restore FILE [--force]\n");
        return 1;
    }
    if (xt_config_load(&cf, conf, err, sizeof(err)) != 0) {
        fprintf(stderr, "xtreamctl: %s\n", err);
        return 1;
    }

    /* the whole file is checked before the database is touched */
    if (xt_backup_read(path, &text, &len, err, sizeof(err)) != 0) {
        fprintf(stderr, "xtreamctl: restore: %s; nothing was changed\n", err);
        return 1;
    }
    doc = yajl_tree_parse(text, err, sizeof(err));
    free(text);
    if (doc == NULL
        || (fmt = xt_get(doc, "format", yajl_t_string)) == NULL
        || strcmp(xt_s(fmt), "xtream-backup") != 0
        || (tables = xt_get(doc, "tables", yajl_t_array)) == NULL)
    {
        fprintf(stderr, "xtreamctl: restore: %s: not an xtream backup "
                "document; nothing was changed\n", path);
        goto out;
    }
    only = calloc(xt_nmigrations ? xt_nmigrations : 1, 1);
    if (only == NULL || xt_restore_plan(tables, only, err, sizeof(err)) != 0) {
        fprintf(stderr, "xtreamctl: restore: %s; nothing was changed\n",
                only ? err : "out of memory");
        goto out;
    }

    if (xt_db_connect(&db, &cf) != 0) {
        fprintf(stderr, "xtreamctl: restore: %s\n", db.err);
        rc = 2;
        goto out;
    }
    connected = 1;
    if (xt_setup_q1(&db, &ntables, "SELECT COUNT(*) FROM "
                    "information_schema.tables WHERE table_schema = ?",
                    cf.db_name, NULL) != 0)
    {
        fprintf(stderr, "xtreamctl: restore: %s\n", db.err);
        rc = 2;
        goto out;
    }
    if (ntables > 0 && !force) {
        fprintf(stderr, "xtreamctl: restore: database %s is not empty (%lld "
                "tables): restore into an empty database, or add --force to "
                "replace everything in it; nothing was changed\n", cf.db_name,
                ntables);
        goto out;
    }
    rc = 2;
    if (xt_db_exec(&db, "SET SESSION foreign_key_checks = 0") != 0
        || (ntables > 0 && xt_restore_drop_all(&db, cf.db_name) != 0))
    {
        fprintf(stderr, "xtreamctl: restore: %s\n", db.err);
        goto out;
    }
    /* the backup's schema, then its rows in one transaction */
    if (xt_migrate_only(&db, only, &applied) != 0) {
        fprintf(stderr, "xtreamctl: restore: %s\n", db.err);
        goto out;
    }
    if (xt_db_begin(&db) != 0) {
        fprintf(stderr, "xtreamctl: restore: %s\n", db.err);
        goto out;
    }
    for (i = 0; i < YAJL_GET_ARRAY(tables)->len; i++) {
        yajl_val     t = YAJL_GET_ARRAY(tables)->values[i];
        yajl_val     n = xt_get(t, "name", yajl_t_string);
        const char  *tn = n ? YAJL_GET_STRING(n) : "";

        /* the record of the schema is the migrations' own */
        if (strcmp(tn, "schema_migrations") == 0
            || strcmp(tn, "schema_version") == 0)
        {
            continue;
        }
        if (xt_restore_rows(&db, t, &rows) != 0) {
            fprintf(stderr, "xtreamctl: restore: %s\n", db.err);
            xt_db_rollback(&db);
            goto out;
        }
        total += rows;
    }
    if (xt_db_commit(&db) != 0) {
        fprintf(stderr, "xtreamctl: restore: %s\n", db.err);
        goto out;
    }
    printf("restore: %zu tables, %lld rows into database %s (%u migration(s) "
           "as the backup had)\n", YAJL_GET_ARRAY(tables)->len, total,
           cf.db_name, applied);
    /* a backup older than this build: the rest, as an upgrade would */
    if (xt_migrate(&db, &later) != 0) {
        fprintf(stderr, "xtreamctl: restore: %s\n", db.err);
        goto out;
    }
    printf("restore: %u later migration(s) applied\n", later);
    /* a running xtreamd recompiles every snapshot */
    if (xt_db_exec(&db, "UPDATE change_counters SET counter = counter + 1")
        != 0)
    {
        fprintf(stderr, "xtreamctl: restore: %s\n", db.err);
        goto out;
    }
    xt_restore_secrets(doc);
    xt_restore_config(doc, conf);
    rc = 0;
out:
    if (connected) {
        xt_db_close(&db);
    }
    free(only);
    yajl_tree_free(doc);
    return rc;
}
