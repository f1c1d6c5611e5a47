/*
 * xtreamctl: admin command.  Exit 0 on success, 1 with one
 * "xtreamctl: ..." line on bad input, 2 on database/internal errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xt_config.h"
#include "xt_db.h"
#include "xt_epg_cmd.h"
#include "xt_db_write.h"
#include "xt_epg_demo.h"
#include "xt_import.h"
#include "xt_line_cmd.h"
#include "admin/xt_admin_cli.h"
#include "xt_log.h"
#include "xt_migrate.h"
#include "xt_server_cmd.h"
#include "xt_setup_cmd.h"


static void
xt_usage(FILE *f)
{
    fprintf(f,
"usage: xtreamctl [-c CONF] [--json] COMMAND (CONF defaults to $XTREAM_CONF,\n"
"  then " XT_SETUP_CONF ")\n"
"  help, --help, -h             this text\n"
"  migrate                      apply pending schema migrations\n"
"  import FILE.json             import a document (docs/CONTRACTS.md), one\n"
"                               transaction, strict\n"
"  line add USERNAME [OPTIONS]  create a line (prints the generated\n"
"                               password when --password is not given)\n"
"  line set USERNAME [OPTIONS]  change the given fields of a line\n"
"  line del USERNAME\n"
"  line list                    a header row, then id, username, status,\n"
"                               expires (UTC, ISO 8601), max_connections,\n"
"                               bouquets (tab-separated)\n"
"  epg demo [--days N]          hourly demo programmes (N days back and\n"
"                               ahead, default 2) for every channel with an\n"
"                               epg_channel_id\n"
"  epg add NAME URL|PATH [--interval N[s|m|h|d]] [--lang L] [--disabled]\n"
"                               an XMLTV source (http(s), file, plain/gzip)\n"
"  epg set SOURCE [--name N] [--url U] [--interval I] [--lang L]\n"
"               [--enabled 0|1]\n"
"  epg del SOURCE               the source, its channels and programmes\n"
"  epg list [--json]            sources, last import, counters, progress\n"
"  epg refresh [SOURCE...] [--due] [--force]\n"
"                               import now (default: every enabled source)\n"
"  epg unmapped [--json]        streams without EPG, unused EPG channels\n"
"  epg prune                    drop programmes older than epg_past_days\n"
"  admin add USER [--password P] [--role admin|viewer]\n"
"  admin passwd USER [--password P] | admin del USER | admin list\n"
"                               admin API accounts (a generated password\n"
"                               is printed once)\n"
"  api METHOD PATH [JSON]       any admin API request (docs/ADMIN-API.md),\n"
"                               e.g. api GET '/lines?status=banned'\n"
"  server add NAME --host H [--http-port N] [--main 0|1] [--enabled 0|1]\n"
"  server set NAME OPTIONS      (also --https-port, --rtmp-port)\n"
"  server del NAME\n"
"  server list [--window S]     servers, loads, health (a report within S\n"
"                               seconds, default 10), replication state\n"
"  server place|unplace NAME STREAM_ID...   stream placement\n"
"  server streams NAME          the streams placed on NAME\n"
"  setup [--site F] [--secret-group G] [--db-admin-user U]\n"
"        [--db-admin-password P] [--admin NAME]\n"
"                               first run on a server, as root: database,\n"
"                               its user, CONF's password, token secret,\n"
"                               schema, first admin (docs/INSTALL.md);\n"
"                               CONF defaults to /etc/xtream/xtreamd.conf\n"
"  backup FILE [--site F]       database, config, secrets (not media)\n"
"  restore FILE [--force]       into an empty database (--force: replace)\n"
"options: --password P --exp-date UNIX|never --max-connections N\n"
"  --status active|disabled|banned --bouquets 1,2 --outputs ts,m3u8,rtmp\n"
"  --trial 0|1 --allowed-ips a,b --allowed-uas a,b --message TEXT\n");
}


static char *
xt_read_file(const char *path, int *status)
{
    FILE         *f;
    struct stat   sb;
    char         *buf;
    size_t        n;

    f = fopen(path, "re");
    if (f == NULL || fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fprintf(stderr, "xtreamctl: %s: %s\n", path,
                f ? "not a regular file" : strerror(errno));
        if (f) {
            fclose(f);
        }
        *status = 1;
        return NULL;
    }
    if ((unsigned long long) sb.st_size > XT_IMPORT_MAX_BYTES) {
        fprintf(stderr, "xtreamctl: %s: larger than 1 GiB\n", path);
        fclose(f);
        *status = 1;
        return NULL;
    }
    buf = malloc((size_t) sb.st_size + 1);
    if (buf == NULL) {
        fclose(f);
        fprintf(stderr, "xtreamctl: out of memory\n");
        *status = 2;
        return NULL;
    }
    n = fread(buf, 1, (size_t) sb.st_size, f);
    fclose(f);
    buf[n] = '\0';
    if (memchr(buf, '\0', n) != NULL) {
        free(buf);
        fprintf(stderr, "xtreamctl: %s: contains a NUL byte\n", path);
        *status = 1;
        return NULL;
    }
    return buf;
}


static int
xt_cmd_import(xt_db_t *db, const char *path)
{
    xt_import_t  im;
    char        *text, err[1024];
    int          status = 0, bad;
    size_t       k, total = 0;

    text = xt_read_file(path, &status);
    if (text == NULL) {
        return status;
    }
    if (xt_import_validate(&im, text, err, sizeof(err)) != 0) {
        fprintf(stderr, "xtreamctl: %s\n", err);
        xt_import_free(&im);
        free(text);
        return 1;
    }
    free(text);     /* the tree holds its own copies */
    if (xt_import_apply(db, &im, err, sizeof(err), &bad) != 0) {
        fprintf(stderr, "xtreamctl: %s\n", err);
        xt_import_free(&im);
        return bad ? 1 : 2;
    }
    for (k = 0; k < XT_E_COUNT; k++) {
        if (im.lists[k]) {
            printf("%s: %zu\n", xt_import_entities[k]->name, im.lists[k]->n);
            total += im.lists[k]->n;
        }
    }
    xt_import_free(&im);
    return 0;
}


int
main(int argc, char **argv)
{
    const char   *conf = getenv("XTREAM_CONF");
    char          err[1200];
    int           i = 1, rc, json = 0;
    unsigned      applied;
    xt_config_t   cf;
    xt_db_t       db;

    if (argc > 2 && strcmp(argv[1], "-c") == 0) {
        conf = argv[2];
        i = 3;
    }
    if (i < argc && strcmp(argv[i], "--json") == 0) {
        json = 1;               /* admin, api: JSON on stdout */
        i++;
    }
    if (i >= argc) {
        xt_usage(stderr);
        return 1;
    }
    /* asking for help is not an error, wherever -c / --json put it */
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0
        || strcmp(argv[i], "help") == 0)
    {
        xt_usage(stdout);
        return 0;
    }
    /* these open the database their own way (setup: as its
       administrator, before the daemon's user exists) */
    if (strcmp(argv[i], "setup") == 0) {
        return xt_setup_cmd(conf ? conf : XT_SETUP_CONF, argc - i, argv + i);
    }
    if ((strcmp(argv[i], "backup") == 0 || strcmp(argv[i], "restore") == 0)
        && conf != NULL)
    {
        return argv[i][0] == 'b' ? xt_backup_cmd(conf, argc - i, argv + i)
                                 : xt_restore_cmd(conf, argc - i, argv + i);
    }
    if (strcmp(argv[i], "backup") == 0 || strcmp(argv[i], "restore") == 0) {
        return argv[i][0] == 'b'
               ? xt_backup_cmd(XT_SETUP_CONF, argc - i, argv + i)
               : xt_restore_cmd(XT_SETUP_CONF, argc - i, argv + i);
    }
    if (strcmp(argv[i], "migrate") && strcmp(argv[i], "import")
        && strcmp(argv[i], "line") && strcmp(argv[i], "epg")
        && strcmp(argv[i], "admin") && strcmp(argv[i], "api")
        && strcmp(argv[i], "server"))
    {
        fprintf(stderr, "xtreamctl: unknown command \"%.32s\" (see "
                "--help)\n", argv[i]);
        return 1;
    }
    if (strcmp(argv[i], "import") == 0 && argc != i + 2) {
        fprintf(stderr, "xtreamctl: import takes one FILE.json\n");
        return 1;
    }
    if (strcmp(argv[i], "migrate") == 0 && argc != i + 1) {
        fprintf(stderr, "xtreamctl: migrate takes no arguments\n");
        return 1;
    }
    if (strcmp(argv[i], "epg") == 0
        && xt_epg_cmd_check(argc - i - 1, argv + i + 1) != 0)
    {
        return 1;
    }
    /* the packaged configuration, when installed */
    if (conf == NULL && access(XT_SETUP_CONF, F_OK) == 0) {
        conf = XT_SETUP_CONF;
    }
    if (conf == NULL) {
        fprintf(stderr, "xtreamctl: no configuration (-c CONF, "
                "XTREAM_CONF or " XT_SETUP_CONF ")\n");
        return 1;
    }
    if (xt_config_load(&cf, conf, err, sizeof(err)) != 0) {
        fprintf(stderr, "xtreamctl: %s\n", err);
        return 1;
    }
    /* on a streaming node every change goes to the primary */
    if ((xt_db_write_split(&cf) ? xt_db_connect_write(&db, &cf)
                                : xt_db_connect(&db, &cf)) != 0)
    {
        fprintf(stderr, "xtreamctl: %s\n", db.err);
        return 2;
    }
    /* every command runs against the current schema */
    if (xt_migrate(&db, &applied) != 0) {
        fprintf(stderr, "xtreamctl: %s\n", db.err);
        xt_db_close(&db);
        return 2;
    }

    if (strcmp(argv[i], "migrate") == 0) {
        printf("%u migration(s) applied\n", applied);
        rc = 0;
    } else if (strcmp(argv[i], "import") == 0) {
        rc = xt_cmd_import(&db, argv[i + 1]);
    } else if (strcmp(argv[i], "server") == 0) {
        /* the replication lines describe this machine's own connection */
        xt_db_t  rdb;
        int      split = xt_db_write_split(&cf)
                         && xt_db_connect(&rdb, &cf) == 0;

        rc = xt_server_cmd(&db, split ? &rdb : NULL, argc - i - 1,
                           argv + i + 1);
        if (split) {
            xt_db_close(&rdb);
        }
    } else if (strcmp(argv[i], "epg") == 0) {
        rc = xt_epg_cmd(&db, &cf, argc - i - 1, argv + i + 1);
    } else if (strcmp(argv[i], "admin") == 0) {
        rc = xt_admin_cli_admin(&db, &cf, argc - i - 1, argv + i + 1, json);
    } else if (strcmp(argv[i], "api") == 0) {
        rc = xt_admin_cli_api(&db, &cf, argc - i - 1, argv + i + 1, json);
    } else {
        rc = xt_line_cmd(&db, argc - i - 1, argv + i + 1);
    }
    xt_db_close(&db);
    return rc;
}
