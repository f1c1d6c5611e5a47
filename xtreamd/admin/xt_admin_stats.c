/* /admin/api/stats: the dashboard's figures in one answer. */
#include <string.h>
#include <time.h>

#include "xt_json_gen.h"
#include "admin/xt_admin_sql.h"


int
xt_admin_stats(xt_admin_req_t *rq)
{
    static const struct {
        const char  *group, *key, *sql;
        int          server;    /* binds this server's id */
    } q[] = {
        { "streams", "total", "SELECT COUNT(*) FROM streams", 0 },
        { "streams", "enabled", "SELECT COUNT(*) FROM streams "
          "WHERE enabled = 1", 0 },
        { "streams", "running", "SELECT COUNT(*) FROM stream_status "
          "WHERE server_id = ? AND state = 'running'", 1 },
        { "streams", "error", "SELECT COUNT(*) FROM stream_status "
          "WHERE server_id = ? AND state = 'error'", 1 },
        { NULL, "connections", "SELECT COUNT(*) FROM live_connections", 0 },
        { NULL, "bitrate_kbps", "SELECT COALESCE(SUM(bitrate_kbps), 0) FROM "
          "stream_status WHERE server_id = ? AND state = 'running'", 1 },
        { "lines", "total", "SELECT COUNT(*) FROM `lines`", 0 },
        { "lines", "active", "SELECT COUNT(*) FROM `lines` WHERE status = "
          "'active' AND (exp_date IS NULL OR exp_date >= UNIX_TIMESTAMP())",
          0 },
        { "lines", "expiring_7d", "SELECT COUNT(*) FROM `lines` WHERE "
          "exp_date IS NOT NULL AND exp_date >= UNIX_TIMESTAMP() AND "
          "exp_date <= UNIX_TIMESTAMP() + 604800", 0 },
        { NULL, "movies", "SELECT COUNT(*) FROM movies", 0 },
        { NULL, "series", "SELECT COUNT(*) FROM series", 0 },
    };
    const char  *open = NULL;
    xt_binds_t   bs;
    long long    v;
    size_t       i;

    if (rq->nseg != 1 || strcmp(rq->method, "GET") != 0) {
        rq->allow = "GET";
        return rq->nseg != 1
               ? xt_admin_err(rq, 404, "not_found", NULL, "no such path")
               : xt_admin_err(rq, 405, "method_not_allowed", NULL,
                              "stats take GET");
    }
    if (rq->nq) {
        return xt_admin_err(rq, 400, "bad_param", rq->qk[0],
                            "stats take no query parameters");
    }
    yajl_gen_map_open(rq->g);
    for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
        xt_binds_reset(&bs);
        if (q[i].server) {
            xt_bind_int(&bs, rq->cf ? rq->cf->server_id : 1);
        }
        if (xt_sql_int(rq, q[i].sql, &bs, 0, &v) < 0) {
            return -1;
        }
        if (open && (q[i].group == NULL || strcmp(open, q[i].group) != 0)) {
            yajl_gen_map_close(rq->g);
            open = NULL;
        }
        if (q[i].group && open == NULL) {
            xt_gen_key(rq->g, q[i].group);
            yajl_gen_map_open(rq->g);
            open = q[i].group;
        }
        xt_gen_key(rq->g, q[i].key);
        yajl_gen_integer(rq->g, v);
    }
    if (open) {
        yajl_gen_map_close(rq->g);
    }
    xt_gen_key(rq->g, "time");
    yajl_gen_integer(rq->g, (long long) time(NULL));
    yajl_gen_map_close(rq->g);
    return 0;
}
