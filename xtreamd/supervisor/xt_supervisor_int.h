/*
 * Supervisor internals shared by its files; the pure pieces (health line
 * parser, back-off, stream-set diff, worker argv) need no database and no
 * processes and are unit-tested in tests/test_supervisor.c.
 */
#ifndef XT_SUPERVISOR_INT_H
#define XT_SUPERVISOR_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "xt_config.h"
#include "xt_db.h"

#define XT_SPEC_MAX_SOURCES   8
#define XT_HEALTH_LINE_MAX    4096

/* what a stream needs to run, read from the database */
typedef struct {
    uint32_t   id;
    unsigned   on_demand;
    unsigned   push;                  /* has an RTMP stream key */
    char       mode[8];               /* copy | abr */
    char       preset[16];
    unsigned   segment_seconds;
    unsigned   window_segments;
    unsigned   archive_days;          /* > 0: the worker gets --archive */
    char       read_native_rate[8];   /* auto | on | off */
    unsigned   loop;                  /* a file-like source starts again */
    char      *ladder;                /* JSON text (abr), or NULL */
    unsigned   nsources;
    char      *sources[XT_SPEC_MAX_SOURCES];
} xt_spec_t;

void xt_spec_free(xt_spec_t *s);
/* 1 when both would start the same worker command */
int xt_spec_equal(const xt_spec_t *a, const xt_spec_t *b);

/* the worker's command line; strings point into spec and buf (the caller
   keeps both alive); returns argc, or -1 when it does not fit */
#define XT_WORKER_ARGV_MAX  48
int xt_spec_argv(const xt_spec_t *s, const char *worker,
    const char *media_root, unsigned rtmp_port, int status_fd,
    char *buf, size_t buflen, char **argv);


/* one health line of xtream-worker (worker/README.md) */
typedef enum {
    XT_WS_UNKNOWN = 0,
    XT_WS_STARTING,
    XT_WS_CONNECTING,
    XT_WS_RUNNING,
    XT_WS_RECONNECTING,
    XT_WS_FAILED,
    XT_WS_STOPPED
} xt_wstate_e;

typedef struct {
    xt_wstate_e  state;
    double       fps;
    double       speed;
    unsigned     bitrate_kbps;
    unsigned     width, height;
    unsigned     segments;
    char         video_codec[32];
    char         audio_codec[32];
    char         last_error[256];
} xt_health_t;

/* parse one line (no newline); 0, or -1 when it is not a valid health
   line (h is then unchanged) */
int xt_health_parse(const char *line, size_t len, xt_health_t *h);
const char *xt_wstate_name(xt_wstate_e s);


/* restart back-off: the next delay after a failure; cur 0 = first */
#define XT_BACKOFF_MIN_MS      500
#define XT_BACKOFF_HEALTHY_MS  60000   /* ran this long: reset */
unsigned xt_backoff_next(unsigned cur_ms, unsigned max_ms);
/* delay before restarting a worker that ran run_ms and failed; *cur is
   the back-off state, updated */
unsigned xt_backoff_on_exit(unsigned *cur_ms, double run_ms,
    int was_healthy, unsigned max_ms);


/* stream-set diff: old and new sorted by id */
typedef enum {
    XT_DIFF_ADD,        /* only in new */
    XT_DIFF_REMOVE,     /* only in old */
    XT_DIFF_CHANGE,     /* in both, different command */
    XT_DIFF_SAME
} xt_diff_e;

typedef void (*xt_diff_cb)(void *ctx, xt_diff_e what, const xt_spec_t *old,
    const xt_spec_t *new_);

/* calls cb once per id in either list, in id order; -1 when a list is
   not sorted by id without duplicates */
int xt_spec_diff(const xt_spec_t *old, size_t nold, const xt_spec_t *new_,
    size_t nnew, xt_diff_cb cb, void *ctx);


/* (xt_supervisor_orphans.c) at start: kill and wait for xtream-workers
   writing under media_root that a previous daemon left; returns how many */
unsigned xt_sup_end_orphans(const char *media_root);


/* database (xt_supervisor_db.c): enabled streams placed on server_id
   (no placement rows: every server), sorted by id; *rtmp_port gets the
   server's RTMP port (0 when unknown) */
int xt_sup_db_load(xt_db_t *db, unsigned server_id, xt_spec_t **specs,
    size_t *nspecs, unsigned *rtmp_port);

#endif
