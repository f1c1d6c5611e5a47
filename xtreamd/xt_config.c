#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_access.h"
#include "xt_config.h"

#define XT_CONF_FILE_MAX  (1024 * 1024)
#define XT_CONF_LINE_MAX  4096

enum { K_STR, K_PATH, K_NAME, K_UINT, K_CIDRS };

typedef struct {
    const char  *key;
    int          type;
    size_t       off;
    size_t       size;      /* buffer size for strings */
    unsigned     min, max;  /* for K_UINT */
} xt_conf_key_t;

#define S(k, t)  { #k, t, offsetof(xt_config_t, k), \
                   sizeof(((xt_config_t *) 0)->k), 0, 0 }
#define U(k, lo, hi)  { #k, K_UINT, offsetof(xt_config_t, k), 0, lo, hi }

static const xt_conf_key_t  xt_conf_keys[] = {
    S(db_socket, K_PATH),
    S(db_host, K_STR),
    U(db_port, 1, 65535),
    S(db_user, K_STR),
    S(db_password, K_STR),
    S(db_name, K_NAME),
    S(snapshot_dir, K_PATH),
    S(media_root, K_PATH),
    S(event_socket, K_PATH),
    S(pid_file, K_PATH),
    S(log_file, K_PATH),
    U(poll_interval_ms, 10, 60000),
    U(server_id, 1, 4294967295u),
    S(worker_binary, K_PATH),
    U(rtmp_port, 0, 65535),
    U(ondemand_idle_seconds, 1, 86400),
    U(hls_idle_seconds, 5, 3600),
    U(worker_hang_seconds, 2, 3600),
    U(worker_stop_grace_ms, 100, 60000),
    U(restart_backoff_max_ms, 500, 600000),
    U(source_error_after, 1, 86400),
    S(event_socket_group, K_STR),
    S(archive_root, K_PATH),
    U(archive_scan_seconds, 1, 86400),
    U(epg_past_days, 0, 366),
    U(epg_future_days, 1, 366),
    S(epg_lang, K_STR),
    U(epg_max_mb, 1, 16384),
    U(epg_connect_timeout_s, 1, 600),
    U(epg_timeout_s, 1, 86400),
    U(epg_check_seconds, 1, 86400),
    S(epg_spool_dir, K_PATH),
    S(admin_listen, K_STR),
    U(admin_threads, 1, 16),
    U(admin_cookie_secure, 0, 1),
    S(admin_trusted_proxies, K_CIDRS),
    S(admin_proxy_key_file, K_PATH),
    S(token_secret_file, K_PATH),
    S(db_write_socket, K_PATH),
    S(db_write_host, K_STR),
    U(db_write_port, 1, 65535),
    S(db_write_user, K_STR),
    S(db_write_password, K_STR),
    U(load_report_ms, 0, 600000),
};

#define NKEYS  (sizeof(xt_conf_keys) / sizeof(xt_conf_keys[0]))


static void
xt_conf_defaults(xt_config_t *cf)
{
    memset(cf, 0, sizeof(*cf));
    cf->db_port = 3306;
    strcpy(cf->db_user, "root");
    strcpy(cf->db_name, "xtream");
    strcpy(cf->snapshot_dir, "/var/lib/xtream/snap");
    strcpy(cf->media_root, "/var/lib/xtream/media");
    strcpy(cf->event_socket, "/run/xtream/xtreamd.sock");
    strcpy(cf->pid_file, "/run/xtream/xtreamd.pid");
    cf->poll_interval_ms = 250;
    cf->server_id = 1;
    cf->ondemand_idle_seconds = 30;
    cf->hls_idle_seconds = 30;
    cf->worker_hang_seconds = 20;
    cf->worker_stop_grace_ms = 3000;
    cf->restart_backoff_max_ms = 30000;
    cf->source_error_after = 20;
    cf->archive_scan_seconds = 60;
    cf->epg_past_days = 7;
    cf->epg_future_days = 14;
    cf->epg_max_mb = 1024;
    cf->epg_connect_timeout_s = 20;
    cf->epg_timeout_s = 900;
    cf->epg_check_seconds = 60;
    cf->admin_threads = 2;
    strcpy(cf->admin_trusted_proxies, "127.0.0.1");
    cf->db_write_port = 3306;
    cf->load_report_ms = 0;             /* a single box reports nothing */
}


static int
xt_conf_set(xt_config_t *cf, const xt_conf_key_t *k, const char *v,
    size_t vlen, char *err, size_t errlen, unsigned lineno)
{
    char           *dst = (char *) cf + k->off;
    size_t          i;
    unsigned long   n;

    switch (k->type) {

    case K_UINT:
        if (vlen == 0 || vlen > 10) {
            goto bad_uint;
        }
        n = 0;
        for (i = 0; i < vlen; i++) {
            if (v[i] < '0' || v[i] > '9') {
                goto bad_uint;
            }
            n = n * 10 + (unsigned long) (v[i] - '0');
        }
        if (n < k->min || n > k->max) {
            goto bad_uint;
        }
        *(unsigned *) dst = (unsigned) n;
        return 0;

    bad_uint:
        snprintf(err, errlen, "line %u: %s must be an integer %u..%u",
                 lineno, k->key, k->min, k->max);
        return -1;

    case K_PATH:
        if (vlen && v[0] != '/') {
            snprintf(err, errlen, "line %u: %s must be an absolute path",
                     lineno, k->key);
            return -1;
        }
        break;

    case K_NAME:
        if (vlen == 0 || vlen > 64) {
            goto bad_name;
        }
        for (i = 0; i < vlen; i++) {
            if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z')
                  || (v[i] >= '0' && v[i] <= '9') || v[i] == '_'))
            {
                goto bad_name;
            }
        }
        break;

    case K_CIDRS:
        /* the module's reading (xt_access.c): a typo must not trust
           nobody, or everybody, silently */
        if (!xt_access_ip_list_valid(v, vlen)) {
            snprintf(err, errlen, "line %u: %s must be a comma list of "
                     "addresses or CIDR blocks (127.0.0.1, 10.0.0.0/8, ::1)",
                     lineno, k->key);
            return -1;
        }
        break;

    bad_name:
        snprintf(err, errlen, "line %u: %s must be 1..64 characters of "
                 "[A-Za-z0-9_]", lineno, k->key);
        return -1;
    }

    for (i = 0; i < vlen; i++) {
        if ((unsigned char) v[i] < 0x20 || v[i] == 0x7f) {
            snprintf(err, errlen, "line %u: %s contains a control character",
                     lineno, k->key);
            return -1;
        }
    }
    if (vlen >= k->size) {
        snprintf(err, errlen, "line %u: %s is longer than %zu bytes",
                 lineno, k->key, k->size - 1);
        return -1;
    }
    memcpy(dst, v, vlen);
    dst[vlen] = '\0';
    return 0;
}


int
xt_config_parse(xt_config_t *cf, const char *text, size_t len, char *err,
    size_t errlen)
{
    size_t       pos = 0, i, klen, vlen;
    unsigned     lineno = 0, seen[NKEYS];
    const char  *line, *end, *k, *v, *eq, *p;

    xt_conf_defaults(cf);
    memset(seen, 0, sizeof(seen));

    while (pos < len) {
        lineno++;
        line = text + pos;
        end = memchr(line, '\n', len - pos);
        if (end == NULL) {
            end = text + len;
        }
        pos = (size_t) (end - text) + 1;

        if (end - line > XT_CONF_LINE_MAX) {
            snprintf(err, errlen, "line %u: longer than %d bytes", lineno,
                     XT_CONF_LINE_MAX);
            return -1;
        }
        if (memchr(line, '\0', (size_t) (end - line)) != NULL) {
            snprintf(err, errlen, "line %u: contains a NUL byte", lineno);
            return -1;
        }

        /* "#" starts a comment at the start of a line or after a blank,
           so a password may still contain "#" */
        for (p = line; p < end; p++) {
            if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t')) {
                end = p;
                break;
            }
        }
        while (end > line && (end[-1] == ' ' || end[-1] == '\t'
                              || end[-1] == '\r'))
        {
            end--;
        }
        while (line < end && (*line == ' ' || *line == '\t')) {
            line++;
        }
        if (line == end) {
            continue;
        }

        eq = memchr(line, '=', (size_t) (end - line));
        if (eq == NULL) {
            snprintf(err, errlen, "line %u: expected \"key = value\"",
                     lineno);
            return -1;
        }
        k = line;
        for (p = eq; p > k && (p[-1] == ' ' || p[-1] == '\t'); p--) {
            /* trim */
        }
        klen = (size_t) (p - k);
        v = eq + 1;
        while (v < end && (*v == ' ' || *v == '\t')) {
            v++;
        }
        vlen = (size_t) (end - v);

        for (i = 0; i < NKEYS; i++) {
            if (strlen(xt_conf_keys[i].key) == klen
                && memcmp(xt_conf_keys[i].key, k, klen) == 0)
            {
                break;
            }
        }
        if (i == NKEYS) {
            snprintf(err, errlen, "line %u: unknown key \"%.*s\"", lineno,
                     (int) (klen > 64 ? 64 : klen), k);
            return -1;
        }
        if (seen[i]) {
            snprintf(err, errlen, "line %u: %s set twice (first on line %u)",
                     lineno, xt_conf_keys[i].key, seen[i]);
            return -1;
        }
        seen[i] = lineno;
        if (xt_conf_set(cf, &xt_conf_keys[i], v, vlen, err, errlen, lineno)
            != 0)
        {
            return -1;
        }
    }

    if (cf->snapshot_dir[0] == '\0') {
        snprintf(err, errlen, "snapshot_dir must not be empty");
        return -1;
    }
    return 0;
}


int
xt_config_load(xt_config_t *cf, const char *path, char *err, size_t errlen)
{
    FILE    *f;
    char    *buf;
    size_t   n;
    int      rc;

    f = fopen(path, "re");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    buf = malloc(XT_CONF_FILE_MAX + 1);
    if (buf == NULL) {
        fclose(f);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    n = fread(buf, 1, XT_CONF_FILE_MAX + 1, f);
    if (ferror(f) || n > XT_CONF_FILE_MAX) {
        snprintf(err, errlen, "%s: %s", path,
                 ferror(f) ? "read error" : "larger than 1 MiB");
        fclose(f);
        free(buf);
        return -1;
    }
    fclose(f);

    {
        char  e[512];

        rc = xt_config_parse(cf, buf, n, e, sizeof(e));
        if (rc != 0) {
            snprintf(err, errlen, "%s: %s", path, e);
        }
    }
    free(buf);
    return rc;
}
