/*
 * One EPG source, end to end: lock, fetch (HTTP with validators, or a
 * local file with its mtime/size as the validator), parse into the
 * source's transaction, record the outcome and counters on its
 * epg_sources row.  Progress goes to the row (progress_*) about once a
 * second over a second connection, so `xtreamctl epg list` sees a running
 * import, and to the log every 5 s.
 */
#ifndef XT_EPG_IMPORT_H
#define XT_EPG_IMPORT_H

#include <stdint.h>

#include "xt_config.h"
#include "xt_db.h"
#include "xt_epg_rules.h"

typedef struct {
    const xt_config_t  *cf;
    xt_db_t            *db;         /* the import transaction */
    xt_db_t            *sdb;        /* status and progress, autocommit */
    int                 force;      /* no validators: import even if same */
    int64_t             now;        /* 0 = time(NULL) */
} xt_epg_run_t;

typedef struct {
    char                status[16];     /* ok|not_modified|unchanged|error */
    unsigned long long  channels, programmes, outside, skipped;
    unsigned long long  skip[XT_EPG_SKIP_COUNT];
    unsigned long long  xml_errors, bytes;
    int                 gzip;
    double              seconds;
    char                err[600];
} xt_epg_result_t;

/* 0 done (res->status), 1 the source failed (bad file, fetch error,
   unknown id: res->err; its old guide is intact), 2 database/internal */
int xt_epg_import_source(xt_epg_run_t *run, uint32_t id,
    xt_epg_result_t *res);

/* ids of enabled sources whose next_due has come (all enabled when
   all), in id order; *n entries, malloc'd; 0 or -1 (db->err) */
int xt_epg_due_sources(xt_db_t *db, int64_t now, int all, uint32_t **ids,
    size_t *n);

#endif
