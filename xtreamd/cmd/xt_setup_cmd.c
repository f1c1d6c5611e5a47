/*
 * `xtreamctl setup`: the first run on a server (docs/INSTALL.md).  Every
 * check runs before the first change, so a bad state (not root, no
 * database, another schema in the database, an unwritable /etc/xtream, a
 * site that disagrees with the configuration) exits 1 with nothing
 * changed; a second run finds everything in place and changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xt_config.h"
#include "xt_db.h"
#include "xt_migrate.h"
#include "xt_nginx_site.h"
#include "xt_secret.h"
#include "xt_setup_cmd.h"
#include "admin/xt_admin_cli.h"

#define XT_SETUP_PASS_LEN    32
#define XT_SETUP_SECRET_LEN  32     /* random bytes, written as hex */

typedef struct {
    const char  *conf, *site, *secret_group, *admin_user, *admin_pass;
    const char  *admin_name, *secret_default;
} xt_setup_opts_t;


int
xt_setup_q1(xt_db_t *db, long long *out, const char *sql, ...)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    xt_row_t     r;
    va_list      ap;
    const char  *s;
    int          rc = -1;

    st = xt_db_prepare(db, sql);
    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    va_start(ap, sql);
    while ((s = va_arg(ap, const char *)) != NULL) {
        xt_bind_cstr(&bs, s);
    }
    va_end(ap);
    xt_row_init(&r);
    xt_row_int(&r);
    if (xt_db_run(db, st, &bs) == 0 && xt_db_bind_row(db, st, &r) == 0
        && xt_db_fetch(db, st) == 1)
    {
        *out = r.isnull[0] ? 0 : r.ival[0];
        rc = 0;
        while (xt_db_fetch(db, st) == 1) { /* drain */ }
    }
    mysql_stmt_close(st);
    return rc;
}


/* a connection as the database administrator, no database selected */
static int
xt_setup_admin_connect(xt_db_t *db, const xt_config_t *cf,
    const xt_setup_opts_t *o)
{
    unsigned  timeout = 5;

    memset(db, 0, sizeof(*db));
    db->my = mysql_init(NULL);
    if (db->my == NULL) {
        snprintf(db->err, sizeof(db->err), "out of memory");
        return -1;
    }
    mysql_options(db->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_options(db->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    if (mysql_real_connect(db->my, cf->db_socket[0] ? NULL : cf->db_host,
                           o->admin_user, o->admin_pass, NULL,
                           cf->db_socket[0] ? 0 : cf->db_port,
                           cf->db_socket[0] ? cf->db_socket : NULL, 0) == NULL)
    {
        snprintf(db->err, sizeof(db->err), "%s", mysql_error(db->my));
        mysql_close(db->my);
        db->my = NULL;
        return -1;
    }
    return 0;
}


/* can a file be created in path's directory? */
static int
xt_setup_dir_writable(const char *path, char *err, size_t errlen)
{
    char  tmp[XT_CONF_PATH_MAX + 32];
    const char  *slash = strrchr(path, '/');
    int   fd;

    if (slash == NULL) {
        snprintf(tmp, sizeof(tmp), "./.xt-setup-XXXXXX");
    } else {
        snprintf(tmp, sizeof(tmp), "%.*s/.xt-setup-XXXXXX",
                 (int) (slash - path), path);
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write in the directory of %s: %s",
                 path, strerror(errno));
        return -1;
    }
    close(fd);
    unlink(tmp);
    return 0;
}


/* replace (or add) "db_password = ..." in the configuration text, keep
   every other line, and swap the file in atomically with its owner,
   group and mode */
static int
xt_setup_write_conf(const char *path, const char *pass, char *err,
    size_t errlen)
{
    FILE        *in, *out;
    struct stat  sb;
    char         line[4096], tmp[XT_CONF_PATH_MAX + 16];
    int          done = 0, fd;

    in = fopen(path, "re");
    if (in == NULL || fstat(fileno(in), &sb) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (in) {
            fclose(in);
        }
        return -1;
    }
    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0 || fchmod(fd, sb.st_mode & 07770) != 0
        || fchown(fd, sb.st_uid, sb.st_gid) != 0
        || (out = fdopen(fd, "w")) == NULL)
    {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        fclose(in);
        return -1;
    }
    while (fgets(line, sizeof(line), in) != NULL) {
        const char  *p = line + strspn(line, " \t");

        if (strncmp(p, "db_password", 11) == 0
            && strchr(" \t=", p[11]) != NULL)
        {
            fprintf(out, "db_password      = %s   # xtreamctl setup\n", pass);
            done = 1;
            continue;
        }
        fputs(line, out);
    }
    if (!done) {
        fprintf(out, "db_password      = %s   # xtreamctl setup\n", pass);
    }
    fclose(in);
    if (fflush(out) != 0 || fsync(fileno(out)) != 0 || fclose(out) != 0
        || rename(tmp, path) != 0)
    {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}


/* a new token secret: random hex, mode 0640, group gid */
static int
xt_setup_write_secret(const char *path, gid_t gid, char *err, size_t errlen)
{
    unsigned char  raw[XT_SETUP_SECRET_LEN];
    char           hex[2 * XT_SETUP_SECRET_LEN + 2];
    size_t         i;
    int            fd;

    if (xt_random(raw, sizeof(raw)) != 0) {
        snprintf(err, errlen, "no random bytes");
        return -1;
    }
    for (i = 0; i < sizeof(raw); i++) {
        snprintf(hex + 2 * i, 3, "%02x", raw[i]);
    }
    strcat(hex, "\n");
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || fchown(fd, 0, gid) != 0 || fchmod(fd, 0640) != 0
        || write(fd, hex, strlen(hex)) != (ssize_t) strlen(hex)
        || fsync(fd) != 0)
    {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(path);
        }
        return -1;
    }
    close(fd);
    return 0;
}


static int
xt_setup_usage(void)
{
    fprintf(stderr, "usage: xtreamctl [-c CONF] setup [--site FILE] "
            "[--secret-group GROUP]\n"
            "         [--db-admin-user USER] [--db-admin-password PASS] "
            "[--admin NAME]\n");
    return 1;
}


static int
xt_setup_opts(xt_setup_opts_t *o, const char *conf, int argc, char **argv)
{
    int  i;

    memset(o, 0, sizeof(*o));
    o->conf = conf ? conf : XT_SETUP_CONF;
    o->site = XT_SETUP_SITE;
    o->secret_group = "www-data";
    o->admin_user = "root";
    o->admin_pass = getenv("XTREAM_DB_ADMIN_PASSWORD");
    o->admin_name = "admin";
    for (i = 1; i < argc; i++) {
        const char  *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (v == NULL) {
            return xt_setup_usage();
        }
        if (strcmp(argv[i], "--site") == 0) {
            o->site = v;
        } else if (strcmp(argv[i], "--secret-group") == 0) {
            o->secret_group = v;
        } else if (strcmp(argv[i], "--db-admin-user") == 0) {
            o->admin_user = v;
        } else if (strcmp(argv[i], "--db-admin-password") == 0) {
            o->admin_pass = v;
        } else if (strcmp(argv[i], "--admin") == 0) {
            o->admin_name = v;
        } else {
            fprintf(stderr, "xtreamctl: setup: unknown option \"%.64s\"\n",
                    argv[i]);
            return xt_setup_usage();
        }
        i++;
    }
    return 0;
}


/* user names go into CREATE USER / GRANT, which take no placeholders */
static int
xt_setup_ident_ok(const char *s)
{
    size_t  n = strlen(s);

    return n > 0 && n <= 64 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "abcdefghijklmnopqrstuvwxyz"
                                         "0123456789_") == n;
}


int
xt_setup_cmd(const char *conf, int argc, char **argv)
{
    xt_setup_opts_t   o;
    xt_config_t       cf;
    xt_nginx_site_t   site;
    xt_db_t           adb, db;
    struct group     *gr;
    struct stat       sb;
    char              err[1200], diff[2048], pass[XT_SETUP_PASS_LEN + 1];
    char              sql[512], secret[XT_CONF_PATH_MAX];
    const char       *host, *sf;
    long long         ntables = 0, nours = 0, nuser = 0, nadmins = 0;
    int               have_site, make_user = 0, make_secret = 0, rc;
    unsigned          applied;
    gid_t             sgid;

    if (xt_setup_opts(&o, conf, argc, argv) != 0) {
        return 1;
    }
    if (geteuid() != 0) {
        fprintf(stderr, "xtreamctl: setup must run as root (it writes "
                "%s and creates a MariaDB user): sudo xtreamctl setup\n",
                o.conf);
        return 1;
    }
    if (xt_config_load(&cf, o.conf, err, sizeof(err)) != 0) {
        fprintf(stderr, "xtreamctl: setup: %s\n", err);
        return 1;
    }
    if (!xt_setup_ident_ok(cf.db_user) || strcmp(cf.db_user, "root") == 0) {
        fprintf(stderr, "xtreamctl: setup: db_user \"%s\" in %s: give the "
                "daemon its own user ([A-Za-z0-9_], not root)\n", cf.db_user,
                o.conf);
        return 1;
    }
    host = cf.db_socket[0] ? "localhost" : cf.db_host;
    if (strcmp(host, "localhost") && strcmp(host, "127.0.0.1")
        && strcmp(host, "::1"))
    {
        fprintf(stderr, "xtreamctl: setup: the database is not local "
                "(db_host %s): setup handles a MariaDB on this machine\n",
                host);
        return 1;
    }

    /* 1. nginx's site and the daemon agree on paths and the secret */
    have_site = xt_nginx_site_load(&site, o.site, err, sizeof(err)) == 0;
    snprintf(secret, sizeof(secret), "%s", "/etc/xtream/secret");
    if (have_site) {
        if (xt_nginx_site_compare(&site, &cf, diff, sizeof(diff)) > 0) {
            fprintf(stderr, "xtreamctl: setup: %s and %s disagree:\n%s"
                    "fix one of them; nothing was changed\n", o.site,
                    o.conf, diff);
            return 1;
        }
        sf = xt_nginx_site_secret_file(site.secret);
        snprintf(secret, sizeof(secret), "%s", sf);
    } else {
        printf("setup: no nginx site (%s); the token secret goes to %s\n",
               err, secret);
    }
    gr = getgrnam(o.secret_group);
    if (gr == NULL) {
        fprintf(stderr, "xtreamctl: setup: no group \"%s\" (nginx's "
                "workers; --secret-group)\n", o.secret_group);
        return 1;
    }
    sgid = gr->gr_gid;

    /* 2. the files setup may write */
    if (xt_setup_dir_writable(o.conf, err, sizeof(err)) != 0
        || (stat(secret, &sb) != 0
            && xt_setup_dir_writable(secret, err, sizeof(err)) != 0))
    {
        fprintf(stderr, "xtreamctl: setup: %s; nothing was changed\n", err);
        return 1;
    }
    make_secret = stat(secret, &sb) != 0;
    if (!make_secret && (!S_ISREG(sb.st_mode) || sb.st_size < 16)) {
        fprintf(stderr, "xtreamctl: setup: %s is not a secret of 16 bytes "
                "or more; nothing was changed\n", secret);
        return 1;
    }

    /* 3. the database server, the database, the user */
    if (xt_setup_admin_connect(&adb, &cf, &o) != 0) {
        fprintf(stderr, "xtreamctl: setup: cannot reach MariaDB as %s "
                "through %s: %s\n  start it (service mariadb start) or give "
                "--db-admin-user/--db-admin-password; nothing was changed\n",
                o.admin_user, cf.db_socket[0] ? cf.db_socket : cf.db_host,
                adb.err);
        return 2;
    }
    if (xt_setup_q1(&adb, &ntables, "SELECT COUNT(*) FROM "
                    "information_schema.tables WHERE table_schema = ?",
                    cf.db_name, NULL) != 0
        || xt_setup_q1(&adb, &nours, "SELECT COUNT(*) FROM "
                       "information_schema.tables WHERE table_schema = ? AND "
                       "table_name IN ('schema_migrations', "
                       "'schema_version')", cf.db_name, NULL) != 0
        || xt_setup_q1(&adb, &nuser, "SELECT COUNT(*) FROM mysql.user "
                       "WHERE User = ? AND Host = ?", cf.db_user, host,
                       NULL) != 0)
    {
        fprintf(stderr, "xtreamctl: setup: %s\n", adb.err);
        xt_db_close(&adb);
        return 2;
    }
    if (ntables > 0 && nours == 0) {
        fprintf(stderr, "xtreamctl: setup: database \"%s\" holds another "
                "schema (%lld tables, none of xtream's): set another db_name "
                "in %s or drop it; nothing was changed\n", cf.db_name,
                ntables, o.conf);
        xt_db_close(&adb);
        return 1;
    }
    if (cf.db_password[0] == '\0') {
        if (nuser > 0) {
            fprintf(stderr, "xtreamctl: setup: MariaDB user '%s'@'%s' "
                    "exists but %s has no db_password: put its password "
                    "there, or DROP USER it; nothing was changed\n",
                    cf.db_user, host, o.conf);
            xt_db_close(&adb);
            return 1;
        }
        make_user = 1;
    } else if (xt_db_connect(&db, &cf) != 0) {
        fprintf(stderr, "xtreamctl: setup: %s's db_user/db_password do not "
                "log in: %s; nothing was changed\n", o.conf, db.err);
        xt_db_close(&adb);
        return 1;
    } else {
        xt_db_close(&db);
    }

    /* every check passed: the changes */
    snprintf(sql, sizeof(sql), "CREATE DATABASE IF NOT EXISTS `%s` "
             "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", cf.db_name);
    if (ntables == 0 && xt_db_exec(&adb, sql) != 0) {
        fprintf(stderr, "xtreamctl: setup: %s\n", adb.err);
        xt_db_close(&adb);
        return 2;
    }
    if (make_user) {
        if (xt_secret_generate(pass, XT_SETUP_PASS_LEN) != 0) {
            fprintf(stderr, "xtreamctl: setup: no random bytes\n");
            xt_db_close(&adb);
            return 2;
        }
        /* no placeholders in CREATE USER / GRANT: the user and database
           names are checked [A-Za-z0-9_], the host is one of three fixed
           names and the password is [A-Za-z0-9] from xt_secret_generate */
        snprintf(sql, sizeof(sql), "CREATE USER '%s'@'%s' IDENTIFIED BY "
                 "'%s'", cf.db_user, host, pass);
        if (xt_db_exec(&adb, sql) != 0) {
            fprintf(stderr, "xtreamctl: setup: %s\n", adb.err);
            xt_db_close(&adb);
            return 2;
        }
        /* its own database only; what the migrations and the daemon use */
        snprintf(sql, sizeof(sql), "GRANT SELECT, INSERT, UPDATE, DELETE, "
                 "CREATE, DROP, ALTER, INDEX, TRIGGER, REFERENCES, "
                 "LOCK TABLES, CREATE TEMPORARY TABLES ON `%s`.* TO "
                 "'%s'@'%s'", cf.db_name, cf.db_user, host);
        if (xt_db_exec(&adb, sql) != 0
            || xt_setup_write_conf(o.conf, pass, err, sizeof(err)) != 0)
        {
            fprintf(stderr, "xtreamctl: setup: %s\n",
                    adb.err[0] ? adb.err : err);
            snprintf(sql, sizeof(sql), "DROP USER '%s'@'%s'", cf.db_user,
                     host);
            (void) xt_db_exec(&adb, sql);
            xt_db_close(&adb);
            return 2;
        }
        snprintf(cf.db_password, sizeof(cf.db_password), "%s", pass);
        printf("setup: created MariaDB user '%s'@'%s' (database %s only); "
               "its password is in %s\n", cf.db_user, host, cf.db_name,
               o.conf);
    } else {
        printf("setup: kept MariaDB user '%s'@'%s' and %s\n", cf.db_user,
               host, o.conf);
    }
    xt_db_close(&adb);

    if (make_secret) {
        if (xt_setup_write_secret(secret, sgid, err, sizeof(err)) != 0) {
            fprintf(stderr, "xtreamctl: setup: %s\n", err);
            return 2;
        }
        printf("setup: created the token secret %s (0640, group %s)\n",
               secret, o.secret_group);
    } else {
        printf("setup: kept the token secret %s\n", secret);
        if (sb.st_gid != sgid || (sb.st_mode & 0040) == 0) {
            printf("setup: warning: %s is not readable by group %s: nginx's "
                   "workers may not read it\n", secret, o.secret_group);
        }
    }

    /* the schema and the first admin, as the daemon's own user */
    if (xt_db_connect(&db, &cf) != 0 || xt_migrate(&db, &applied) != 0) {
        fprintf(stderr, "xtreamctl: setup: %s\n", db.err);
        xt_db_close(&db);
        return 2;
    }
    printf("setup: %u migration(s) applied\n", applied);
    if (xt_setup_q1(&db, &nadmins, "SELECT COUNT(*) FROM admins", NULL)
        != 0)
    {
        fprintf(stderr, "xtreamctl: setup: %s\n", db.err);
        xt_db_close(&db);
        return 2;
    }
    if (nadmins == 0) {
        char  *av[] = { "add", (char *) o.admin_name, "--role", "admin",
                        NULL };

        printf("setup: admin account \"%s\" created; its password (shown "
               "once, change it with xtreamctl admin passwd):\n",
               o.admin_name);
        fflush(stdout);
        rc = xt_admin_cli_admin(&db, &cf, 4, av, 0);
        if (rc != 0) {
            xt_db_close(&db);
            return rc;
        }
    } else {
        printf("setup: kept %lld admin account(s)\n", nadmins);
    }
    xt_db_close(&db);

    printf("setup: done.  Next:\n"
           "  ln -sf %s /etc/nginx/sites-enabled/xtream && nginx -t && "
           "systemctl reload nginx\n"
           "  systemctl enable --now xtreamd\n"
           "  xtreamctl line add USERNAME     (prints its password)\n"
           "  the panel: http://THIS-SERVER/admin/\n", o.site);
    return 0;
}
