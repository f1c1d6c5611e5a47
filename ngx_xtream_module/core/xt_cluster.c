/* Cluster snapshot reader and node choice (see xt_cluster.h). */

#include <string.h>

#include "xt_cluster.h"


#define XT_CL_FAIL(msg)  do { *err = msg; return -1; } while (0)


static const xt_snap_section_t *
xt_cl_section(const xt_snap_t *s, uint32_t id)
{
    uint32_t  i;

    for (i = 0; i < s->hdr->nsections; i++) {
        if (s->hdr->sections[i].id == id) {
            return &s->hdr->sections[i];
        }
    }

    return NULL;
}


/* count records of size rec; bounds were checked by xt_snap_open */
static int
xt_cl_records(const xt_snap_t *s, uint32_t id, size_t rec, const void **p,
    uint32_t *n)
{
    const xt_snap_section_t  *sec;

    *p = NULL;
    *n = 0;

    sec = xt_cl_section(s, id);
    if (sec == NULL) {
        return 0;
    }

    if (sec->size % rec != 0 || sec->size / rec != sec->count) {
        return -1;
    }

    *p = s->base + sec->offset;
    *n = sec->count;

    return 0;
}


static int
xt_cl_str_ok(const xt_snap_t *s, xt_snap_str_t str)
{
    return str.off <= s->strings_len && str.len <= s->strings_len - str.off;
}


int
xt_cluster_open(xt_cluster_t *c, const xt_snap_t *s, const char **err)
{
    uint32_t     i;
    const void  *p;

    memset(c, 0, sizeof(*c));
    c->snap = s;

    if (s->hdr == NULL || s->hdr->kind != XT_SNAP_KIND_CLUSTER) {
        XT_CL_FAIL("not a cluster snapshot");
    }

    if (xt_cl_records(s, XT_SEC_CL_SERVERS, sizeof(xt_snap_cl_server_t), &p,
                      &c->nservers) != 0)
    {
        XT_CL_FAIL("bad CL_SERVERS section size");
    }
    c->servers = p;

    if (c->nservers > XT_CLUSTER_MAX_SERVERS) {
        XT_CL_FAIL("too many servers");
    }

    if (xt_cl_records(s, XT_SEC_CL_PLACEMENT, sizeof(xt_snap_cl_place_t), &p,
                      &c->nplace) != 0)
    {
        XT_CL_FAIL("bad CL_PLACEMENT section size");
    }
    c->place = p;

    if (xt_cl_records(s, XT_SEC_CL_LINECONNS, sizeof(xt_snap_cl_lineconn_t),
                      &p, &c->nconns) != 0)
    {
        XT_CL_FAIL("bad CL_LINECONNS section size");
    }
    c->conns = p;

    for (i = 0; i < c->nservers; i++) {
        if (i > 0 && c->servers[i].id <= c->servers[i - 1].id) {
            XT_CL_FAIL("servers not sorted by id");
        }

        if (!xt_cl_str_ok(s, c->servers[i].name)
            || !xt_cl_str_ok(s, c->servers[i].host))
        {
            XT_CL_FAIL("server string out of bounds");
        }
    }

    for (i = 1; i < c->nplace; i++) {
        if (c->place[i].stream_id < c->place[i - 1].stream_id
            || (c->place[i].stream_id == c->place[i - 1].stream_id
                && c->place[i].server_id <= c->place[i - 1].server_id))
        {
            XT_CL_FAIL("placement not sorted");
        }
    }

    for (i = 1; i < c->nconns; i++) {
        if (c->conns[i].line_id < c->conns[i - 1].line_id
            || (c->conns[i].line_id == c->conns[i - 1].line_id
                && c->conns[i].server_id <= c->conns[i - 1].server_id))
        {
            XT_CL_FAIL("line connections not sorted");
        }
    }

    return 0;
}


int
xt_cluster_healthy(const xt_snap_cl_server_t *sv, int64_t now,
    int64_t timeout)
{
    return sv->last_seen > 0 && now - sv->last_seen <= timeout;
}


/* the host goes into a Location header: a name or an address, nothing
   that could end the header or the authority (the store may hold what
   an import wrote) */
static int
xt_cl_host_ok(const xt_snap_t *s, xt_snap_str_t host)
{
    uint32_t     i;
    const char  *p;

    if (host.len == 0 || host.len > 255) {
        return 0;
    }

    p = xt_snap_strp(s, host);

    for (i = 0; i < host.len; i++) {
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')
              || (p[i] >= '0' && p[i] <= '9') || p[i] == '.' || p[i] == '-'
              || p[i] == ':' || p[i] == '[' || p[i] == ']'))
        {
            return 0;
        }
    }

    return 1;
}


/* first placement row of stream_id (binary search), or nplace */
static uint32_t
xt_cl_place_first(const xt_cluster_t *c, uint32_t stream_id)
{
    uint32_t  lo = 0, hi = c->nplace, mid;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        if (c->place[mid].stream_id < stream_id) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return lo;
}


static int
xt_cl_carries(const xt_cluster_t *c, uint32_t first, uint32_t stream_id,
    uint32_t server_id)
{
    uint32_t  i;

    for (i = first; i < c->nplace && c->place[i].stream_id == stream_id;
         i++)
    {
        if (c->place[i].server_id == server_id) {
            return 1;
        }
    }

    return 0;
}


int
xt_cluster_pick(const xt_cluster_t *c, uint32_t stream_id, int any_node,
    int64_t now, int64_t timeout, const uint32_t *extra)
{
    int                         best = -1;
    uint32_t                    i, first, load, best_load = 0;
    int                         placed;
    const xt_snap_cl_server_t  *sv, *b;

    first = xt_cl_place_first(c, stream_id);
    placed = !any_node && first < c->nplace
             && c->place[first].stream_id == stream_id;

    for (i = 0; i < c->nservers; i++) {
        sv = &c->servers[i];

        if ((sv->flags & XT_CL_MAIN) || !(sv->flags & XT_CL_ENABLED)
            || !xt_cluster_healthy(sv, now, timeout)
            || sv->http_port == 0 || sv->http_port > 65535
            || !xt_cl_host_ok(c->snap, sv->host)
            || (placed && !xt_cl_carries(c, first, stream_id, sv->id)))
        {
            continue;
        }

        load = sv->connections + (extra ? extra[i] : 0);

        if (best >= 0) {
            b = &c->servers[best];

            if (load > best_load
                || (load == best_load && sv->cpu_pct >= b->cpu_pct))
            {
                continue;       /* ids ascend: a tie keeps the lower */
            }
        }

        best = (int) i;
        best_load = load;
    }

    return best;
}


uint32_t
xt_cluster_line_conns(const xt_cluster_t *c, uint32_t line_id,
    uint32_t exclude_id)
{
    uint32_t  lo = 0, hi = c->nconns, mid, n = 0;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        if (c->conns[mid].line_id < line_id) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    for ( /* void */ ; lo < c->nconns && c->conns[lo].line_id == line_id;
         lo++)
    {
        if (c->conns[lo].server_id != exclude_id) {
            n += c->conns[lo].conns;
        }
    }

    return n;
}
