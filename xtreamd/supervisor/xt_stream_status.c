/* stream_status writes (prepared statements only). */
#include <string.h>
#include <time.h>

#include "xt_stream_status.h"


int
xt_status_begin(xt_status_batch_t *b, xt_db_t *db, unsigned server_id)
{
    b->server_id = server_id;
    b->upsert = xt_db_prepare(db,
        "INSERT INTO stream_status (stream_id, server_id, state, pid, "
        "started_at, bitrate_kbps, fps, speed, video_codec, audio_codec, "
        "width, height, restarts, last_error, updated_at) VALUES "
        "(?, ?, ?, ?, ?, ?, ? / 100, ? / 1000, ?, ?, ?, ?, ?, ?, ?) "
        "ON DUPLICATE KEY UPDATE state = VALUES(state), pid = VALUES(pid), "
        "started_at = VALUES(started_at), "
        "bitrate_kbps = VALUES(bitrate_kbps), fps = VALUES(fps), "
        "speed = VALUES(speed), video_codec = VALUES(video_codec), "
        "audio_codec = VALUES(audio_codec), width = VALUES(width), "
        "height = VALUES(height), restarts = VALUES(restarts), "
        "last_error = VALUES(last_error), updated_at = VALUES(updated_at)");
    return b->upsert ? 0 : -1;
}


static long long
xt_clampd(double v, double scale, double max)
{
    v *= scale;
    if (!(v >= 0)) {
        return 0;
    }
    return (long long) (v > max ? max : v + 0.5);
}


int
xt_status_write(xt_status_batch_t *b, xt_db_t *db, const xt_status_row_t *w)
{
    xt_binds_t   bs;
    size_t       elen = strlen(w->last_error);

    if (elen > 1024) {
        elen = 1024;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, w->stream_id);
    xt_bind_int(&bs, b->server_id);
    xt_bind_cstr(&bs, w->state);
    xt_bind_int(&bs, w->pid);
    xt_bind_int(&bs, w->started_at);
    xt_bind_int(&bs, w->bitrate_kbps);
    xt_bind_int(&bs, xt_clampd(w->fps, 100, 9999999));
    xt_bind_int(&bs, xt_clampd(w->speed, 1000, 9999999));
    xt_bind_str(&bs, w->video_codec, strnlen(w->video_codec, 32));
    xt_bind_str(&bs, w->audio_codec, strnlen(w->audio_codec, 32));
    xt_bind_int(&bs, w->width);
    xt_bind_int(&bs, w->height);
    xt_bind_int(&bs, w->restarts);
    xt_bind_str(&bs, w->last_error, elen);
    xt_bind_int(&bs, (long long) time(NULL));
    return xt_db_run(db, b->upsert, &bs);
}


void
xt_status_end(xt_status_batch_t *b)
{
    if (b->upsert) {
        mysql_stmt_close(b->upsert);
        b->upsert = NULL;
    }
}


int
xt_status_reset(xt_db_t *db, unsigned server_id)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    int          rc;

    st = xt_db_prepare(db, "UPDATE stream_status SET state = 'stopped', "
                       "pid = 0, started_at = 0, bitrate_kbps = 0, fps = 0, "
                       "speed = 0, updated_at = ? WHERE server_id = ?");
    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, (long long) time(NULL));
    xt_bind_int(&bs, server_id);
    rc = xt_db_run(db, st, &bs);
    mysql_stmt_close(st);
    return rc;
}


int
xt_status_delete(xt_db_t *db, unsigned server_id, uint32_t stream_id)
{
    MYSQL_STMT  *st;
    xt_binds_t   bs;
    int          rc;

    st = xt_db_prepare(db, "DELETE FROM stream_status WHERE stream_id = ? "
                       "AND server_id = ?");
    if (st == NULL) {
        return -1;
    }
    xt_binds_reset(&bs);
    xt_bind_int(&bs, stream_id);
    xt_bind_int(&bs, server_id);
    rc = xt_db_run(db, st, &bs);
    mysql_stmt_close(st);
    return rc;
}
