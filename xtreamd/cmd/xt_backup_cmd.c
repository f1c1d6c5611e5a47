/*
 * `xtreamctl backup FILE`: every table of the schema read in one
 * consistent snapshot (REPEATABLE READ, START TRANSACTION WITH CONSISTENT
 * SNAPSHOT), the recorded migrations, the configuration, the secret files
 * the nginx site names, and the sizes of media and archive (which are not
 * copied).  Format: xt_backup_file.h; restore: xt_restore_cmd.c.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "xt_backup_file.h"
#include "xt_config.h"
#include "xt_db.h"
#include "xt_nginx_site.h"
#include "xt_setup_cmd.h"

#define XS(g, s)  yajl_gen_string((g), (const unsigned char *) (s), strlen(s))

static unsigned long long  xt_du_bytes, xt_du_files;


static int
xt_du_one(const char *path, const struct stat *sb, int type, struct FTW *fw)
{
    (void) path;
    (void) fw;
    if (type == FTW_F && S_ISREG(sb->st_mode)) {
        xt_du_bytes += (unsigned long long) sb->st_size;
        xt_du_files++;
    }
    return 0;
}


/* the media or archive: listed with its size, not copied */
static void
xt_backup_du(yajl_gen g, const char *what, const char *root)
{
    if (root[0] == '\0') {
        return;
    }
    xt_du_bytes = xt_du_files = 0;
    (void) nftw(root, xt_du_one, 16, FTW_PHYS);
    yajl_gen_map_open(g);
    XS(g, "what"); XS(g, what);
    XS(g, "path"); XS(g, root);
    XS(g, "bytes"); yajl_gen_integer(g, (long long) xt_du_bytes);
    XS(g, "files"); yajl_gen_integer(g, (long long) xt_du_files);
    yajl_gen_map_close(g);
    printf("backup: %s %s: %llu file(s), %llu bytes (not in the backup)\n",
           what, root, xt_du_files, xt_du_bytes);
}


static int
xt_backup_file_text(yajl_gen g, const char *key, const char *path)
{
    FILE    *f = fopen(path, "re");
    char     buf[65536];
    size_t   n;

    if (f == NULL) {
        return -1;
    }
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    XS(g, key);
    yajl_gen_string(g, (const unsigned char *) buf, n);
    return 0;
}


/* 1 when a column's bytes are binary (hex in the file) */
static int
xt_backup_is_binary(const MYSQL_FIELD *f)
{
    return f->charsetnr == 63
           && (f->type == MYSQL_TYPE_STRING || f->type == MYSQL_TYPE_VAR_STRING
               || f->type == MYSQL_TYPE_BLOB || f->type == MYSQL_TYPE_TINY_BLOB
               || f->type == MYSQL_TYPE_MEDIUM_BLOB
               || f->type == MYSQL_TYPE_LONG_BLOB);
}


static int
xt_backup_table(xt_db_t *db, yajl_gen g, const char *name, long long *rows)
{
    MYSQL_RES     *res;
    MYSQL_FIELD   *fs;
    MYSQL_ROW      row;
    unsigned long *lens;
    unsigned       i, nf;
    char           sql[128], *hex = NULL;
    size_t         hcap = 0;

    /* no values in this statement: the name comes from
       information_schema and is checked [A-Za-z0-9_] by the caller */
    snprintf(sql, sizeof(sql), "SELECT * FROM `%s`", name);
    if (mysql_query(db->my, sql) != 0
        || (res = mysql_use_result(db->my)) == NULL)
    {
        snprintf(db->err, sizeof(db->err), "%s: %s", name,
                 mysql_error(db->my));
        return -1;
    }
    nf = mysql_num_fields(res);
    fs = mysql_fetch_fields(res);
    yajl_gen_map_open(g);
    XS(g, "name"); XS(g, name);
    XS(g, "columns");
    yajl_gen_array_open(g);
    for (i = 0; i < nf; i++) {
        XS(g, fs[i].name);
    }
    yajl_gen_array_close(g);
    XS(g, "binary");
    yajl_gen_array_open(g);
    for (i = 0; i < nf; i++) {
        yajl_gen_bool(g, xt_backup_is_binary(&fs[i]));
    }
    yajl_gen_array_close(g);
    XS(g, "rows");
    yajl_gen_array_open(g);
    *rows = 0;
    while ((row = mysql_fetch_row(res)) != NULL) {
        lens = mysql_fetch_lengths(res);
        yajl_gen_array_open(g);
        for (i = 0; i < nf; i++) {
            if (row[i] == NULL) {
                yajl_gen_null(g);
            } else if (xt_backup_is_binary(&fs[i])) {
                unsigned long  k;

                if (hcap < 2 * lens[i] + 1) {
                    char  *nh = realloc(hex, 2 * lens[i] + 1);
                    if (nh == NULL) {
                        free(hex);
                        mysql_free_result(res);
                        snprintf(db->err, sizeof(db->err), "out of memory");
                        return -1;
                    }
                    hex = nh;
                    hcap = 2 * lens[i] + 1;
                }
                for (k = 0; k < lens[i]; k++) {
                    snprintf(hex + 2 * k, 3, "%02x", (unsigned char) row[i][k]);
                }
                yajl_gen_string(g, (const unsigned char *) hex, 2 * lens[i]);
            } else {
                yajl_gen_string(g, (const unsigned char *) row[i], lens[i]);
            }
        }
        yajl_gen_array_close(g);
        (*rows)++;
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    free(hex);
    if (mysql_errno(db->my) != 0) {
        snprintf(db->err, sizeof(db->err), "%s: %s", name,
                 mysql_error(db->my));
        mysql_free_result(res);
        return -1;
    }
    mysql_free_result(res);
    return 0;
}


/* names of the base tables, sorted */
static int
xt_backup_tables(xt_db_t *db, const char *schema, char ***names, unsigned *n)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    xt_row_t     r;
    char       **v = NULL, **nv;
    int          rc = -1, f;

    *n = 0;
    st = xt_db_prepare(db, "SELECT table_name FROM information_schema.tables"
                       " WHERE table_schema = ? AND table_type = 'BASE TABLE'"
                       " ORDER BY table_name");
    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_cstr(&bs, schema);
    xt_row_init(&r);
    if (xt_row_str(&r, 65) != 0 || xt_db_run(db, st, &bs) != 0
        || xt_db_bind_row(db, st, &r) != 0)
    {
        goto out;
    }
    while ((f = xt_db_fetch(db, st)) == 1) {
        const char  *s = r.sval[0];
        size_t       l = r.len[0];

        if (l == 0 || l > 64 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "abcdefghijklmnopqrstuvwxyz"
                                          "0123456789_") < l)
        {
            snprintf(db->err, sizeof(db->err), "table name \"%.64s\" is "
                     "not [A-Za-z0-9_]", s);
            goto out;
        }
        nv = realloc(v, (*n + 1) * sizeof(*v));
        if (nv == NULL || (nv[*n] = strndup(s, l)) == NULL) {
            snprintf(db->err, sizeof(db->err), "out of memory");
            if (nv) {
                v = nv;
            }
            goto out;
        }
        v = nv;
        (*n)++;
    }
    rc = f == 0 ? 0 : -1;
out:
    xt_row_free(&r);
    mysql_stmt_close(st);
    *names = v;
    return rc;
}


int
xt_backup_cmd(const char *conf, int argc, char **argv)
{
    xt_config_t      cf;
    xt_nginx_site_t  site;
    xt_db_t          db;
    yajl_gen         g;
    const char      *path = NULL, *sitep = XT_SETUP_SITE, *sf;
    const unsigned char *doc;
    char             err[1200], **tables = NULL, host[256] = "";
    size_t           dlen;
    unsigned         i, nt = 0;
    long long        rows, total = 0;
    int              rc = 2;

    for (i = 1; i < (unsigned) argc; i++) {
        if (strcmp(argv[i], "--site") == 0 && i + 1 < (unsigned) argc) {
            sitep = argv[++i];
        } else if (path == NULL && argv[i][0] != '-') {
            path = argv[i];
        } else {
            fprintf(stderr, "usage: xtreamctl backup FILE [--site FILE]\n");
            return 1;
        }
    }
    if (path == NULL) {
        fprintf(stderr, "usage: xtreamctl backup FILE [--site FILE]\n");
        return 1;
    }
    if (xt_config_load(&cf, conf, err, sizeof(err)) != 0) {
        fprintf(stderr, "xtreamctl: %s\n", err);
        return 1;
    }
    if (xt_db_connect(&db, &cf) != 0) {
        fprintf(stderr, "xtreamctl: %s\n", db.err);
        return 2;
    }
    g = yajl_gen_alloc(NULL);
    if (g == NULL) {
        xt_db_close(&db);
        return 2;
    }
    /* one snapshot for every table */
    if (xt_db_exec(&db, "SET SESSION TRANSACTION ISOLATION LEVEL "
                   "REPEATABLE READ") != 0
        || xt_db_exec(&db, "START TRANSACTION WITH CONSISTENT SNAPSHOT, "
                      "READ ONLY") != 0
        || xt_backup_tables(&db, cf.db_name, &tables, &nt) != 0)
    {
        fprintf(stderr, "xtreamctl: backup: %s\n", db.err);
        goto out;
    }
    if (nt == 0) {
        fprintf(stderr, "xtreamctl: backup: database %s has no tables\n",
                cf.db_name);
        rc = 1;
        goto out;
    }
    gethostname(host, sizeof(host) - 1);
    yajl_gen_map_open(g);
    XS(g, "format"); XS(g, "xtream-backup");
    XS(g, "version"); yajl_gen_integer(g, 1);
    XS(g, "created"); yajl_gen_integer(g, (long long) time(NULL));
    XS(g, "host"); XS(g, host);
    XS(g, "db_name"); XS(g, cf.db_name);
    if (xt_backup_file_text(g, "config", conf) != 0) {
        fprintf(stderr, "xtreamctl: backup: cannot read %s\n", conf);
        goto out;
    }
    XS(g, "secrets");
    yajl_gen_array_open(g);
    if (xt_nginx_site_load(&site, sitep, err, sizeof(err)) == 0) {
        const char  *vals[2] = { site.secret, site.cluster_secret };

        for (i = 0; i < 2; i++) {
            sf = xt_nginx_site_secret_file(vals[i]);
            if (sf == NULL) {
                continue;
            }
            yajl_gen_map_open(g);
            XS(g, "path"); XS(g, sf);
            if (xt_backup_file_text(g, "text", sf) != 0) {
                fprintf(stderr, "xtreamctl: backup: cannot read %s (the "
                        "site's secret)\n", sf);
                goto out;
            }
            yajl_gen_map_close(g);
            printf("backup: secret %s\n", sf);
        }
    } else {
        printf("backup: no nginx site (%s): no secret files saved\n", err);
    }
    yajl_gen_array_close(g);
    XS(g, "not_saved");
    yajl_gen_array_open(g);
    xt_backup_du(g, "media", cf.media_root);
    xt_backup_du(g, "archive", cf.archive_root);
    yajl_gen_array_close(g);
    XS(g, "tables");
    yajl_gen_array_open(g);
    for (i = 0; i < nt; i++) {
        if (xt_backup_table(&db, g, tables[i], &rows) != 0) {
            fprintf(stderr, "xtreamctl: backup: %s\n", db.err);
            goto out;
        }
        total += rows;
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    xt_db_rollback(&db);
    if (yajl_gen_get_buf(g, &doc, &dlen) != yajl_gen_status_ok
        || xt_backup_write(path, (const char *) doc, dlen, err,
                           sizeof(err)) != 0)
    {
        fprintf(stderr, "xtreamctl: backup: %s\n", err);
        goto out;
    }
    printf("backup: %s: %u tables, %lld rows (database %s)\n", path, nt,
           total, cf.db_name);
    rc = 0;
out:
    for (i = 0; i < nt; i++) {
        free(tables[i]);
    }
    free(tables);
    yajl_gen_free(g);
    xt_db_close(&db);
    return rc;
}
