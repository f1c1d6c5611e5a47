/*
 * The cluster snapshot (issue 11), read side: the servers with their
 * loads, stream placement and per-line connection counts, and the two
 * decisions made from them: which node a viewer is sent to, and how many
 * connections of a line the OTHER servers hold.  Pure C, no nginx;
 * unit-tested in tests/test_cluster.c.
 */

#ifndef XT_CLUSTER_H
#define XT_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "xt_snapshot.h"


#define XT_CLUSTER_MAX_SERVERS  1024

typedef struct {
    const xt_snap_t              *snap;     /* kind XT_SNAP_KIND_CLUSTER */
    const xt_snap_cl_server_t    *servers;
    uint32_t                      nservers;
    const xt_snap_cl_place_t     *place;
    uint32_t                      nplace;
    const xt_snap_cl_lineconn_t  *conns;
    uint32_t                      nconns;
} xt_cluster_t;

/* the sections of a snapshot xt_snap_open() accepted as the cluster kind:
   sizes, order and string references checked; 0, or -1 and *err */
int xt_cluster_open(xt_cluster_t *c, const xt_snap_t *s, const char **err);

/*
 * The node for a viewer of stream_id: enabled, not the main, healthy
 * (now - last_seen <= timeout), and carrying the stream: placed on it, or
 * the stream has no placement at all (it runs everywhere; VOD passes
 * any_node = 1), with a port and a host fit for a URL (a name or an
 * address: no '/', space, CR, LF...).  Least loaded wins: reported connections plus extra[i]
 * (what this process sent to server record i since the report, may be
 * NULL), then CPU, then the lower id.  Returns the record index, or -1
 * when no node qualifies.
 */
int xt_cluster_pick(const xt_cluster_t *c, uint32_t stream_id, int any_node,
    int64_t now, int64_t timeout, const uint32_t *extra);

/* connections of line_id reported by every server but exclude_id */
uint32_t xt_cluster_line_conns(const xt_cluster_t *c, uint32_t line_id,
    uint32_t exclude_id);

/* 1 when the server record is healthy at now */
int xt_cluster_healthy(const xt_snap_cl_server_t *sv, int64_t now,
    int64_t timeout);

#endif /* XT_CLUSTER_H */
