/* xtreamctl server ... (see xt_server_cmd.h); prepared statements only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysqld_error.h>

#include "xt_server_cmd.h"

#define XT_HEALTH_DEFAULT  10

enum { S_HOST, S_HTTP, S_HTTPS, S_RTMP, S_MAIN, S_ENABLED, S_COUNT };

static const char *const  xt_sopt[S_COUNT] = {
    "--host", "--http-port", "--https-port", "--rtmp-port", "--main",
    "--enabled"
};
static const char *const  xt_scol[S_COUNT] = {
    "host", "http_port", "https_port", "rtmp_port", "is_main", "enabled"
};


static int
xt_sbad(const char *fmt, const char *arg)
{
    fprintf(stderr, "xtreamctl: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return 1;
}


static int
xt_sdb(xt_db_t *db)
{
    fprintf(stderr, "xtreamctl: %s\n", db->err);
    return 2;
}


/* [A-Za-z0-9._-]{1,64} */
static int
xt_server_name_ok(const char *s)
{
    size_t  i, n = strlen(s);

    if (n == 0 || n > 64) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
              || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_'
              || s[i] == '-'))
        {
            return 0;
        }
    }
    return 1;
}


/* a host name, IPv4 or bracketed IPv6 address: it goes into URLs */
static int
xt_server_host_ok(const char *s)
{
    size_t  i, n = strlen(s);

    if (n == 0 || n > 255) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
              || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '-'
              || s[i] == ':' || s[i] == '[' || s[i] == ']'))
        {
            return 0;
        }
    }
    return 1;
}


static int
xt_suint(const char *s, long long lo, long long hi, long long *out)
{
    char       *end;
    long long   v;

    if (*s < '0' || *s > '9' || strlen(s) > 10) {
        return -1;
    }
    v = strtoll(s, &end, 10);
    if (*end || v < lo || v > hi) {
        return -1;
    }
    *out = v;
    return 0;
}


/* the server id of NAME: >0, 0 when unknown, -1 on a database error */
static long long
xt_server_id(xt_db_t *db, const char *name)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    xt_row_t     r;
    long long    id = 0;
    int          frc;

    st = xt_db_prepare(db, "SELECT id FROM servers WHERE name = ?");
    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_cstr(&bs, name);
    xt_row_init(&r);
    xt_row_int(&r);
    if (xt_db_run(db, st, &bs) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        mysql_stmt_close(st);
        return -1;
    }
    frc = xt_db_fetch(db, st);
    if (frc == 1) {
        id = r.ival[0];
    }
    mysql_stmt_close(st);
    xt_row_free(&r);
    return frc < 0 ? -1 : id;
}


static int
xt_server_addset(xt_db_t *db, int add, const char *name, int argc,
    char **argv)
{
    const char  *v[S_COUNT];
    long long    iv[S_COUNT];
    char         sql[512];
    size_t       n;
    int          i, k, any = 0;
    MYSQL_STMT  *st;
    xt_binds_t   bs;

    if (!xt_server_name_ok(name)) {
        return xt_sbad("server name \"%.64s\": 1..64 characters of "
                       "[A-Za-z0-9._-]", name);
    }
    memset(v, 0, sizeof(v));
    for (i = 0; i < argc; i++) {
        for (k = 0; k < S_COUNT; k++) {
            if (strcmp(argv[i], xt_sopt[k]) == 0) {
                break;
            }
        }
        if (k == S_COUNT) {
            return xt_sbad("unknown option \"%.64s\"", argv[i]);
        }
        if (i + 1 >= argc) {
            return xt_sbad("%s needs a value", xt_sopt[k]);
        }
        if (v[k]) {
            return xt_sbad("%s given twice", xt_sopt[k]);
        }
        v[k] = argv[++i];
        if (k == S_HOST) {
            if (!xt_server_host_ok(v[k])) {
                return xt_sbad("--host \"%.64s\": a host name or address",
                               v[k]);
            }
        } else if (k == S_MAIN || k == S_ENABLED) {
            if (xt_suint(v[k], 0, 1, &iv[k]) != 0) {
                return xt_sbad("%s must be 0 or 1", xt_sopt[k]);
            }
        } else if (xt_suint(v[k], 1, 65535, &iv[k]) != 0) {
            return xt_sbad("%s must be a port 1..65535", xt_sopt[k]);
        }
        any = 1;
    }
    if (add && v[S_HOST] == NULL) {
        return xt_sbad("server add %.64s: --host is required", name);
    }
    if (!add && !any) {
        return xt_sbad("server set %.64s: nothing to change", name);
    }

    /* column names come from the fixed table above, values are bound */
    if (add) {
        n = (size_t) snprintf(sql, sizeof(sql), "INSERT INTO servers (name");
        for (k = 0; k < S_COUNT; k++) {
            if (v[k]) {
                n += (size_t) snprintf(sql + n, sizeof(sql) - n, ", %s",
                                       xt_scol[k]);
            }
        }
        n += (size_t) snprintf(sql + n, sizeof(sql) - n, ") VALUES (?");
        for (k = 0; k < S_COUNT; k++) {
            if (v[k]) {
                n += (size_t) snprintf(sql + n, sizeof(sql) - n, ", ?");
            }
        }
        snprintf(sql + n, sizeof(sql) - n, ")");
    } else {
        n = (size_t) snprintf(sql, sizeof(sql), "UPDATE servers SET "
                              "name = name");
        for (k = 0; k < S_COUNT; k++) {
            if (v[k]) {
                n += (size_t) snprintf(sql + n, sizeof(sql) - n,
                                       ", %s = ?", xt_scol[k]);
            }
        }
        snprintf(sql + n, sizeof(sql) - n, " WHERE name = ?");
    }

    st = xt_db_prepare(db, sql);
    if (st == NULL) {
        return xt_sdb(db);
    }
    xt_binds_reset(&bs);
    if (add) {
        xt_bind_cstr(&bs, name);
    }
    for (k = 0; k < S_COUNT; k++) {
        if (v[k] == NULL) {
            continue;
        }
        if (k == S_HOST) {
            xt_bind_cstr(&bs, v[k]);
        } else {
            xt_bind_int(&bs, iv[k]);
        }
    }
    if (!add) {
        xt_bind_cstr(&bs, name);
    }
    if (xt_db_run(db, st, &bs) != 0) {
        mysql_stmt_close(st);
        if (db->errnum == ER_DUP_ENTRY) {
            return xt_sbad("server \"%.64s\" exists", name);
        }
        return xt_sdb(db);
    }
    if (!add && mysql_stmt_affected_rows(st) == 0
        && xt_server_id(db, name) == 0)
    {
        mysql_stmt_close(st);
        return xt_sbad("no server \"%.64s\"", name);
    }
    if (add) {
        printf("%llu\n", (unsigned long long) mysql_stmt_insert_id(st));
    }
    mysql_stmt_close(st);
    return 0;
}


static int
xt_server_del(xt_db_t *db, const char *name)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    int          rc;

    st = xt_db_prepare(db, "DELETE FROM servers WHERE name = ?");
    if (st == NULL) {
        return xt_sdb(db);
    }
    xt_binds_reset(&bs);
    xt_bind_cstr(&bs, name);
    rc = xt_db_run(db, st, &bs);
    if (rc != 0) {
        mysql_stmt_close(st);
        return xt_sdb(db);
    }
    rc = mysql_stmt_affected_rows(st) == 0;
    mysql_stmt_close(st);
    return rc ? xt_sbad("no server \"%.64s\"", name) : 0;
}


/* SHOW SLAVE STATUS of this connection: fixed text, no user data */
static void
xt_server_replication(xt_db_t *db)
{
    MYSQL_RES    *res;
    MYSQL_ROW     row;
    MYSQL_FIELD  *f;
    unsigned      i, nf;
    const char   *want[] = { "Slave_IO_Running", "Slave_SQL_Running",
                             "Seconds_Behind_Master", "Gtid_IO_Pos",
                             "Last_Error", NULL };
    unsigned      k;

    if (mysql_query(db->my, "SELECT @@server_id, @@read_only, "
                    "@@gtid_binlog_pos, @@gtid_slave_pos") == 0
        && (res = mysql_store_result(db->my)) != NULL)
    {
        row = mysql_fetch_row(res);
        if (row) {
            printf("replication\tthis\tserver_id=%s\tread_only=%s\t"
                   "gtid_binlog_pos=%s\tgtid_slave_pos=%s\n",
                   row[0] ? row[0] : "", row[1] ? row[1] : "",
                   row[2] ? row[2] : "", row[3] ? row[3] : "");
        }
        mysql_free_result(res);
    }

    if (mysql_query(db->my, "SHOW SLAVE STATUS") != 0
        || (res = mysql_store_result(db->my)) == NULL)
    {
        return;
    }
    nf = mysql_num_fields(res);
    f = mysql_fetch_fields(res);
    row = mysql_fetch_row(res);
    if (row == NULL) {
        printf("replication\treplica\tnone (this is not a replica)\n");
    } else {
        printf("replication\treplica");
        for (k = 0; want[k]; k++) {
            for (i = 0; i < nf; i++) {
                if (strcmp(f[i].name, want[k]) == 0) {
                    printf("\t%s=%s", want[k], row[i] ? row[i] : "NULL");
                }
            }
        }
        printf("\n");
    }
    mysql_free_result(res);
}


static int
xt_server_list(xt_db_t *db, xt_db_t *rdb, long long window)
{
    MYSQL_STMT  *st;
    xt_row_t     r;
    unsigned     i;
    int          frc;
    long long    now = (long long) time(NULL), age;

    st = xt_db_prepare(db, "SELECT s.id, s.is_main, s.enabled, s.http_port, "
                       "COALESCE(l.connections, 0), COALESCE(l.out_kbps, 0), "
                       "COALESCE(l.cpu_pct, 0), "
                       "COALESCE(l.streams_running, 0), "
                       "COALESCE(l.last_seen, -1), "
                       "(SELECT COUNT(*) FROM stream_servers p "
                       "WHERE p.server_id = s.id), s.name, s.host "
                       "FROM servers s LEFT JOIN server_load l "
                       "ON l.server_id = s.id ORDER BY s.id");
    if (st == NULL) {
        return xt_sdb(db);
    }
    xt_row_init(&r);
    for (i = 0; i < 10; i++) {
        xt_row_int(&r);
    }
    if (xt_row_str(&r, 256) != 0 || xt_row_str(&r, 1024) != 0) {
        mysql_stmt_close(st);
        return xt_sbad("%s", "out of memory");
    }
    if (xt_db_run(db, st, NULL) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        mysql_stmt_close(st);
        xt_row_free(&r);
        return xt_sdb(db);
    }
    printf("id\tname\thost:port\trole\tenabled\thealth\tlast_seen_age\t"
           "connections\tout_kbps\tcpu_pct\tstreams_running\tplaced\n");
    while ((frc = xt_db_fetch(db, st)) == 1) {
        /* -1: no report ever; 0: stopped cleanly (xt_load_report_gone) */
        age = r.ival[8] > 0 ? now - r.ival[8] : -1;
        printf("%lld\t%.*s\t%.*s:%lld\t%s\t%lld\t%s\t%lld\t%lld\t%lld\t%lld"
               "\t%lld\t%lld\n", r.ival[0], (int) r.len[10], r.sval[10],
               (int) r.len[11], r.sval[11], r.ival[3],
               r.ival[1] ? "main" : "node", r.ival[2],
               r.ival[8] < 0 ? "never" : r.ival[8] == 0 ? "stopped"
               : (age <= window ? "up" : "down"), age,
               r.ival[4], r.ival[5], r.ival[6], r.ival[7], r.ival[9]);
    }
    mysql_stmt_close(st);
    xt_row_free(&r);
    if (frc < 0) {
        return xt_sdb(db);
    }
    xt_server_replication(rdb ? rdb : db);
    return 0;
}


/* place / unplace NAME STREAM_ID... ; streams NAME */
static int
xt_server_place(xt_db_t *db, int place, const char *name, int argc,
    char **argv)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    long long    sid, id;
    int          i;

    if (argc == 0) {
        return xt_sbad("server %s NAME STREAM_ID...",
                       place ? "place" : "unplace");
    }
    for (i = 0; i < argc; i++) {
        if (xt_suint(argv[i], 1, 4294967295LL, &id) != 0) {
            return xt_sbad("stream id \"%.32s\" is not an integer >= 1",
                           argv[i]);
        }
    }
    sid = xt_server_id(db, name);
    if (sid < 0) {
        return xt_sdb(db);
    }
    if (sid == 0) {
        return xt_sbad("no server \"%.64s\"", name);
    }
    st = xt_db_prepare(db, place ? "INSERT IGNORE INTO stream_servers "
                       "(stream_id, server_id) SELECT id, ? FROM streams "
                       "WHERE id = ?"
                       : "DELETE FROM stream_servers WHERE server_id = ? "
                       "AND stream_id = ?");
    if (st == NULL) {
        return xt_sdb(db);
    }
    for (i = 0; i < argc; i++) {
        (void) xt_suint(argv[i], 1, 4294967295LL, &id);
        xt_binds_reset(&bs);
        xt_bind_int(&bs, sid);
        xt_bind_int(&bs, id);
        if (xt_db_run(db, st, &bs) != 0) {
            mysql_stmt_close(st);
            return xt_sdb(db);
        }
        if (place && mysql_stmt_affected_rows(st) == 0) {
            /* either placed already or no such stream: say which */
            fprintf(stderr, "xtreamctl: stream %lld: not placed (unknown "
                    "stream, or placed already)\n", id);
        }
    }
    mysql_stmt_close(st);
    return 0;
}


static int
xt_server_streams(xt_db_t *db, const char *name)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    xt_row_t     r;
    int          frc;

    st = xt_db_prepare(db, "SELECT p.stream_id FROM stream_servers p JOIN "
                       "servers s ON s.id = p.server_id WHERE s.name = ? "
                       "ORDER BY p.stream_id");
    if (st == NULL) {
        return xt_sdb(db);
    }
    xt_binds_reset(&bs);
    xt_bind_cstr(&bs, name);
    xt_row_init(&r);
    xt_row_int(&r);
    if (xt_db_run(db, st, &bs) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        mysql_stmt_close(st);
        return xt_sdb(db);
    }
    while ((frc = xt_db_fetch(db, st)) == 1) {
        printf("%lld\n", r.ival[0]);
    }
    mysql_stmt_close(st);
    xt_row_free(&r);
    return frc < 0 ? xt_sdb(db) : 0;
}


int
xt_server_cmd(xt_db_t *db, xt_db_t *rdb, int argc, char **argv)
{
    long long  window = XT_HEALTH_DEFAULT;

    if (argc < 1) {
        return xt_sbad("%s", "usage: server add|set|del|list|place|unplace|"
                       "streams ...");
    }
    if (strcmp(argv[0], "list") == 0) {
        if (argc == 3 && strcmp(argv[1], "--window") == 0) {
            if (xt_suint(argv[2], 1, 86400, &window) != 0) {
                return xt_sbad("%s", "--window must be 1..86400 seconds");
            }
        } else if (argc != 1) {
            return xt_sbad("%s", "usage: server list [--window SECONDS]");
        }
        return xt_server_list(db, rdb, window);
    }
    if (argc < 2) {
        return xt_sbad("server %.16s needs a server name", argv[0]);
    }
    if (strcmp(argv[0], "add") == 0 || strcmp(argv[0], "set") == 0) {
        return xt_server_addset(db, argv[0][0] == 'a', argv[1], argc - 2,
                                argv + 2);
    }
    if (strcmp(argv[0], "del") == 0 && argc == 2) {
        return xt_server_del(db, argv[1]);
    }
    if (strcmp(argv[0], "place") == 0 || strcmp(argv[0], "unplace") == 0) {
        return xt_server_place(db, argv[0][0] == 'p', argv[1], argc - 2,
                               argv + 2);
    }
    if (strcmp(argv[0], "streams") == 0 && argc == 2) {
        return xt_server_streams(db, argv[1]);
    }
    return xt_sbad("unknown server command \"%.32s\"", argv[0]);
}
