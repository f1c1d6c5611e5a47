#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysqld_error.h>

#include <yajl/yajl_tree.h>

#include "xt_json_gen.h"
#include "xt_line_cmd.h"
#include "xt_secret.h"
#include "admin/xt_admin_cli.h"

/* one option per column; value NULL = not given */
enum { O_PASSWORD, O_EXP, O_MAXC, O_STATUS, O_BOUQUETS, O_OUTPUTS, O_TRIAL,
       O_IPS, O_UAS, O_MESSAGE, O_COUNT };

static const char *const  xt_opt_names[O_COUNT] = {
    "--password", "--exp-date", "--max-connections", "--status",
    "--bouquets", "--outputs", "--trial", "--allowed-ips", "--allowed-uas",
    "--message"
};

typedef struct {
    const char  *v[O_COUNT];
    long long    exp;           /* -1 = never (NULL) */
    long long    maxc, trial;
    long long    bouquets[256];
    size_t       nbouquets;
} xt_line_opts_t;


static int
xt_bad(const char *fmt, const char *arg)
{
    fprintf(stderr, "xtreamctl: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return 1;
}


static int
xt_parse_ll(const char *s, long long lo, long long hi, long long *out)
{
    char       *end;
    long long   v;

    if (*s < '0' || *s > '9' || strlen(s) > 19) {
        return -1;
    }
    v = strtoll(s, &end, 10);
    if (*end || v < lo || v > hi) {
        return -1;
    }
    *out = v;
    return 0;
}


/* comma list whose items match ok(); empty allowed */
static int
xt_list_ok(const char *s, size_t maxlen, const char *const *allowed)
{
    const char  *p = s, *c;
    size_t       n, i;

    if (strlen(s) > maxlen) {
        return 0;
    }
    while (*p) {
        c = strchr(p, ',');
        n = c ? (size_t) (c - p) : strlen(p);
        if (n == 0) {
            return 0;
        }
        for (i = 0; i < n; i++) {
            if ((unsigned char) p[i] < 0x20 || p[i] == 0x7f) {
                return 0;
            }
        }
        if (allowed) {
            for (i = 0; allowed[i]; i++) {
                if (strlen(allowed[i]) == n && memcmp(allowed[i], p, n) == 0) {
                    break;
                }
            }
            if (allowed[i] == NULL) {
                return 0;
            }
        }
        p = c ? c + 1 : p + n;
    }
    return 1;
}


static int
xt_parse_opts(int argc, char **argv, xt_line_opts_t *o)
{
    static const char *const  outs[] = { "ts", "m3u8", "rtmp", NULL };
    static const char *const  sts[] = { "active", "disabled", "banned", NULL };
    int                       i, k;

    memset(o, 0, sizeof(*o));
    for (i = 0; i < argc; i++) {
        for (k = 0; k < O_COUNT; k++) {
            if (strcmp(argv[i], xt_opt_names[k]) == 0) {
                break;
            }
        }
        if (k == O_COUNT) {
            return xt_bad("unknown option \"%.64s\"", argv[i]);
        }
        if (i + 1 >= argc) {
            return xt_bad("%s needs a value", xt_opt_names[k]);
        }
        o->v[k] = argv[++i];
    }

    if (o->v[O_PASSWORD]
        && !xt_credential_valid(o->v[O_PASSWORD], strlen(o->v[O_PASSWORD])))
    {
        return xt_bad("--password must be 1..64 characters of "
                      "[A-Za-z0-9._@-]%s", "");
    }
    if (o->v[O_EXP]) {
        if (strcmp(o->v[O_EXP], "never") == 0) {
            o->exp = -1;
        } else if (xt_parse_ll(o->v[O_EXP], 0, 9223372036854775807LL,
                               &o->exp) != 0)
        {
            return xt_bad("--exp-date must be unix seconds or \"never\"%s",
                          "");
        }
    }
    if (o->v[O_MAXC]
        && xt_parse_ll(o->v[O_MAXC], 0, 1000000, &o->maxc) != 0)
    {
        return xt_bad("--max-connections must be an integer 0..1000000%s",
                      "");
    }
    if (o->v[O_TRIAL] && xt_parse_ll(o->v[O_TRIAL], 0, 1, &o->trial) != 0) {
        return xt_bad("--trial must be 0 or 1%s", "");
    }
    if (o->v[O_STATUS] && !xt_list_ok(o->v[O_STATUS], 16, sts)) {
        return xt_bad("--status must be active, disabled or banned%s", "");
    }
    if (o->v[O_STATUS] && strchr(o->v[O_STATUS], ',')) {
        return xt_bad("--status takes one value%s", "");
    }
    if (o->v[O_OUTPUTS] && !xt_list_ok(o->v[O_OUTPUTS], 32, outs)) {
        return xt_bad("--outputs must be a comma list of ts, m3u8, rtmp%s",
                      "");
    }
    if (o->v[O_IPS] && !xt_list_ok(o->v[O_IPS], 1024, NULL)) {
        return xt_bad("--allowed-ips must be a comma list (at most 1024 "
                      "bytes)%s", "");
    }
    if (o->v[O_UAS] && !xt_list_ok(o->v[O_UAS], 1024, NULL)) {
        return xt_bad("--allowed-uas must be a comma list (at most 1024 "
                      "bytes)%s", "");
    }
    if (o->v[O_MESSAGE] && strlen(o->v[O_MESSAGE]) > 1024) {
        return xt_bad("--message is longer than 1024 bytes%s", "");
    }
    if (o->v[O_BOUQUETS] && o->v[O_BOUQUETS][0]) {
        const char  *p = o->v[O_BOUQUETS];
        char         num[24];
        size_t       n;

        while (*p) {
            n = strcspn(p, ",");
            if (n == 0 || n >= sizeof(num) || o->nbouquets == 256) {
                return xt_bad("--bouquets must be a comma list of at most "
                              "256 ids%s", "");
            }
            memcpy(num, p, n);
            num[n] = '\0';
            if (xt_parse_ll(num, 1, 4294967295LL,
                            &o->bouquets[o->nbouquets++]) != 0)
            {
                return xt_bad("--bouquets: \"%s\" is not an id >= 1", num);
            }
            p += n;
            if (*p == ',') {
                p++;
                if (*p == '\0') {
                    return xt_bad("--bouquets: trailing comma%s", "");
                }
            }
        }
    }
    return 0;
}


static int
xt_dbfail(xt_db_t *db)
{
    fprintf(stderr, "xtreamctl: %s\n", db->err);
    xt_db_rollback(db);
    /* a missing bouquet is the operator's input, not an internal error */
    return db->errnum == ER_NO_REFERENCED_ROW_2 ? 1 : 2;
}


static int
xt_line_id(xt_db_t *db, const char *user, long long *id)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    xt_row_t     r;
    int          rc;

    st = xt_db_prepare(db, "SELECT id FROM `lines` WHERE username = ?");
    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_cstr(&bs, user);
    xt_row_init(&r);
    xt_row_int(&r);
    rc = (xt_db_run(db, st, &bs) == 0 && xt_db_bind_row(db, st, &r) == 0)
         ? xt_db_fetch(db, st) : -1;
    if (rc == 1) {
        *id = r.ival[0];
    }
    mysql_stmt_close(st);
    return rc;
}


/* the parsed options as the admin API's line object (yajl) */
static char *
xt_line_body(const char *user, const xt_line_opts_t *o)
{
    yajl_gen              g = xt_gen_new();
    size_t                len, i;
    int                   k;
    static const int      lists[] = { O_OUTPUTS, O_IPS, O_UAS };
    static const char    *keys[] = { "outputs", "allowed_ips", "allowed_uas" };

    if (g == NULL) {
        return NULL;
    }
    yajl_gen_map_open(g);
    if (user) {
        xt_gen_key(g, "username");
        xt_gen_cstr(g, user);
    }
    if (o->v[O_PASSWORD]) {
        xt_gen_key(g, "password");
        xt_gen_cstr(g, o->v[O_PASSWORD]);
    }
    if (o->v[O_EXP]) {
        xt_gen_key(g, "exp_date");
        if (o->exp < 0) {
            yajl_gen_null(g);
        } else {
            yajl_gen_integer(g, o->exp);
        }
    }
    if (o->v[O_MAXC]) {
        xt_gen_key(g, "max_connections");
        yajl_gen_integer(g, o->maxc);
    }
    if (o->v[O_STATUS]) {
        xt_gen_key(g, "status");
        xt_gen_cstr(g, o->v[O_STATUS]);
    }
    if (o->v[O_TRIAL]) {
        xt_gen_key(g, "is_trial");
        yajl_gen_bool(g, o->trial != 0);
    }
    if (o->v[O_MESSAGE]) {
        xt_gen_key(g, "message");
        xt_gen_cstr(g, o->v[O_MESSAGE]);
    }
    if (o->v[O_BOUQUETS]) {
        xt_gen_key(g, "bouquets");
        yajl_gen_array_open(g);
        for (i = 0; i < o->nbouquets; i++) {
            yajl_gen_integer(g, o->bouquets[i]);
        }
        yajl_gen_array_close(g);
    }
    /* comma lists (checked by xt_parse_opts) as arrays */
    for (k = 0; k < 3; k++) {
        const char  *v = o->v[lists[k]], *c;

        if (v == NULL) {
            continue;
        }
        xt_gen_key(g, keys[k]);
        yajl_gen_array_open(g);
        while (*v) {
            c = strchr(v, ',');
            len = c ? (size_t) (c - v) : strlen(v);
            xt_gen_strn(g, v, len);
            v += len + (c != NULL);
        }
        yajl_gen_array_close(g);
    }
    yajl_gen_map_close(g);
    return xt_admin_gen_take(g);
}


/* add, set and del go through the admin API's code (validation, one
   transaction, audit as cli:<user>): POST /lines, PATCH or DELETE
   /lines/{id} */
static int
xt_line_write(xt_db_t *db, const char *user, xt_line_opts_t *o,
    const char *cmd)
{
    char        path[48], *body = NULL;
    long long   id = 0;
    int         rc;
    yajl_val    res = NULL, pw;
    const char *pwp[] = { "password", NULL };

    if (cmd[0] != 'a') {
        rc = xt_line_id(db, user, &id);
        if (rc < 0) {
            return xt_dbfail(db);
        }
        if (rc == 0) {
            return xt_bad("no line \"%s\"", user);
        }
    }
    if (cmd[0] != 'd') {
        body = xt_line_body(cmd[0] == 'a' ? user : NULL, o);
        if (body == NULL) {
            fprintf(stderr, "xtreamctl: out of memory\n");
            return 2;
        }
    }
    if (cmd[0] == 'a') {
        snprintf(path, sizeof(path), "/lines");
    } else {
        snprintf(path, sizeof(path), "/lines/%lld", id);
    }
    rc = xt_admin_cli_request(db, NULL, cmd[0] == 'a' ? "POST"
                              : cmd[0] == 's' ? "PATCH" : "DELETE",
                              path, body, 0, &res);
    free(body);
    if (rc == 0 && cmd[0] == 'a' && o->v[O_PASSWORD] == NULL && res) {
        pw = yajl_tree_get(res, pwp, yajl_t_string);
        if (pw) {
            printf("%s\n", pw->u.string);      /* generated: shown once */
        }
    }
    if (res) {
        yajl_tree_free(res);
    }
    return rc;
}


static int
xt_line_list(xt_db_t *db)
{
    MYSQL_STMT  *st;
    xt_row_t     r;
    int          frc;

    st = xt_db_prepare(db, "SELECT l.id, l.username, l.status, "
                       "COALESCE(l.exp_date, -1), l.max_connections, "
                       "COALESCE((SELECT GROUP_CONCAT(b.bouquet_id ORDER BY "
                       "b.sort_order SEPARATOR ',') FROM line_bouquets b "
                       "WHERE b.line_id = l.id), '') "
                       "FROM `lines` l ORDER BY l.id");
    if (st == NULL) {
        return xt_dbfail(db);
    }
    xt_row_init(&r);
    xt_row_int(&r);
    if (xt_row_str(&r, 256) != 0 || xt_row_str(&r, 16) != 0) {
        return 2;
    }
    xt_row_int(&r);
    xt_row_int(&r);
    if (xt_row_str(&r, 65536) != 0) {
        return 2;
    }
    if (xt_db_run(db, st, NULL) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        return xt_dbfail(db);
    }
    /* a header, and the expiry as a date a person reads (UTC) */
    printf("id\tusername\tstatus\texpires\tmax_connections\tbouquets\n");
    while ((frc = xt_db_fetch(db, st)) == 1) {
        char       exp[32];
        time_t     t = (time_t) r.ival[3];
        struct tm  tm;
        if (r.ival[3] < 0) {
            strcpy(exp, "never");
        } else if (gmtime_r(&t, &tm) == NULL
                   || strftime(exp, sizeof(exp), "%Y-%m-%dT%H:%M:%SZ", &tm)
                      == 0)
        {
            snprintf(exp, sizeof(exp), "%lld", r.ival[3]);
        }
        printf("%lld\t%.*s\t%.*s\t%s\t%lld\t%.*s\n", r.ival[0],
               (int) r.len[1], r.sval[1], (int) r.len[2], r.sval[2], exp,
               r.ival[4], (int) r.len[5], r.sval[5]);
    }
    mysql_stmt_close(st);
    xt_row_free(&r);
    return frc < 0 ? xt_dbfail(db) : 0;
}


int
xt_line_cmd(xt_db_t *db, int argc, char **argv)
{
    xt_line_opts_t  o;

    if (argc < 1) {
        return xt_bad("line needs add, set, del or list%s", "");
    }
    if (strcmp(argv[0], "list") == 0) {
        return argc == 1 ? xt_line_list(db) : xt_bad("line list takes no "
                                                     "arguments%s", "");
    }
    if (strcmp(argv[0], "add") && strcmp(argv[0], "set")
        && strcmp(argv[0], "del"))
    {
        return xt_bad("unknown line command \"%.32s\"", argv[0]);
    }
    if (argc < 2 || !xt_credential_valid(argv[1], strlen(argv[1]))) {
        return xt_bad("username must be 1..64 characters of "
                      "[A-Za-z0-9._@-]%s", "");
    }
    if (strcmp(argv[0], "del") == 0) {
        if (argc != 2) {
            return xt_bad("line del takes only a username%s", "");
        }
        memset(&o, 0, sizeof(o));
        return xt_line_write(db, argv[1], &o, "del");
    }
    if (xt_parse_opts(argc - 2, argv + 2, &o) != 0) {
        return 1;
    }
    return xt_line_write(db, argv[1], &o, argv[0]);
}
