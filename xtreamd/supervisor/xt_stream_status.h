/*
 * stream_status rows (one per stream and server): what the supervisor
 * knows about each worker.  Not a snapshot input (no trigger), so writing
 * it never rebuilds a snapshot.
 */
#ifndef XT_STREAM_STATUS_H
#define XT_STREAM_STATUS_H

#include <stdint.h>

#include "xt_db.h"

typedef struct {
    uint32_t     stream_id;
    const char  *state;          /* stopped | starting | running | error */
    long long    pid;
    long long    started_at;     /* unix seconds, 0 = not running */
    unsigned     bitrate_kbps;
    double       fps;
    double       speed;
    const char  *video_codec;
    const char  *audio_codec;
    unsigned     width, height;
    unsigned     restarts;
    const char  *last_error;
} xt_status_row_t;

typedef struct {
    MYSQL_STMT  *upsert;
    unsigned     server_id;
} xt_status_batch_t;

/* a batch of writes: one prepared upsert reused; begin returns -1 with
   db->err set */
int xt_status_begin(xt_status_batch_t *b, xt_db_t *db, unsigned server_id);
int xt_status_write(xt_status_batch_t *b, xt_db_t *db,
    const xt_status_row_t *row);
void xt_status_end(xt_status_batch_t *b);

/* every row of this server: stopped, pid 0 (daemon start) */
int xt_status_reset(xt_db_t *db, unsigned server_id);
/* forget a stream that is no longer placed here */
int xt_status_delete(xt_db_t *db, unsigned server_id, uint32_t stream_id);

#endif
