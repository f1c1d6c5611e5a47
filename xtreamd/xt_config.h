/* xtreamd.conf: "key = value" lines, "#" comments (docs/CONTRACTS.md). */
#ifndef XT_CONFIG_H
#define XT_CONFIG_H

#include <stddef.h>

#define XT_CONF_PATH_MAX  1024

typedef struct {
    char      db_socket[XT_CONF_PATH_MAX];
    char      db_host[256];
    unsigned  db_port;
    char      db_user[128];
    char      db_password[256];
    char      db_name[65];
    char      snapshot_dir[XT_CONF_PATH_MAX];
    char      media_root[XT_CONF_PATH_MAX];
    char      event_socket[XT_CONF_PATH_MAX];
    char      pid_file[XT_CONF_PATH_MAX];
    char      log_file[XT_CONF_PATH_MAX];
    unsigned  poll_interval_ms;
    unsigned  server_id;

    /* supervisor and event sink (xt_supervisor*.c, xt_events*.c) */
    char      worker_binary[XT_CONF_PATH_MAX];  /* "" = next to xtreamd */
    unsigned  rtmp_port;              /* 0 = servers.rtmp_port of server_id */
    unsigned  ondemand_idle_seconds;
    unsigned  hls_idle_seconds;
    unsigned  worker_hang_seconds;    /* no health line / no new segment */
    unsigned  worker_stop_grace_ms;   /* SIGTERM .. SIGKILL */
    unsigned  restart_backoff_max_ms;
    unsigned  source_error_after;     /* s every source failed: "error" */
    char      event_socket_group[64]; /* "" = socket mode 0600 (nginx
                                         workers run as this user) */

    /* catch-up archives (xt_archive_prune.c, xt_archive_policy.h) */
    char      archive_root[XT_CONF_PATH_MAX];   /* "" = no archives */
    unsigned  archive_scan_seconds;   /* prune + disk use this often */
    /* EPG import (xt_epg_*.c) */
    unsigned  epg_past_days;          /* keep programmes ending after now - N d */
    unsigned  epg_future_days;        /* ... and starting before now + N d */
    char      epg_lang[16];           /* preferred title/desc language */
    unsigned  epg_max_mb;             /* download / file size cap */
    unsigned  epg_connect_timeout_s;
    unsigned  epg_timeout_s;          /* whole download */
    unsigned  epg_check_seconds;      /* xtreamd looks for due sources */
    char      epg_spool_dir[XT_CONF_PATH_MAX];  /* "" = $TMPDIR or /tmp */
    /* admin API (admin/xt_admin_http.c, docs/ADMIN-API.md) */
    char      admin_listen[64];       /* "127.0.0.1:PORT"; "" = off */
    unsigned  admin_threads;          /* HTTP threads, each with its own
                                         database connection */
    unsigned  admin_cookie_secure;    /* 1: cookies carry "Secure" */
    char      admin_trusted_proxies[512]; /* peers whose X-Real-IP is
                                         believed: the proxy in front */
    char      admin_proxy_key_file[XT_CONF_PATH_MAX]; /* "" = no key:
                                         the key nginx sends in
                                         X-Xtream-Proxy-Key */
    /* the file nginx's xtream_secret reads: the admin API signs stream
       preview tokens with it; "" = no previews */
    char      token_secret_file[XT_CONF_PATH_MAX];
    /* many servers (issue 11, xt_db_write.c, xt_load_report.c): writes
       go to the primary when db_write_host or db_write_socket is set,
       while the db_* connection (a local replica) compiles snapshots */
    char      db_write_socket[XT_CONF_PATH_MAX];
    char      db_write_host[256];
    unsigned  db_write_port;
    char      db_write_user[128];     /* "" = db_user */
    char      db_write_password[256]; /* used only with db_write_user */
    unsigned  load_report_ms;         /* 0 = off */
} xt_config_t;

/* parse text (need not be NUL-terminated); on error err holds
   "line N: ..." and -1 is returned */
int xt_config_parse(xt_config_t *cf, const char *text, size_t len,
    char *err, size_t errlen);

/* read and parse a file; err names the file on I/O errors */
int xt_config_load(xt_config_t *cf, const char *path, char *err,
    size_t errlen);

#endif
