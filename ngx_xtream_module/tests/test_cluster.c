/* Unit tests of the cluster snapshot reader and node choice
   (xt_cluster.c), over snapshots made by the daemon's real writer. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_cluster.h"
#include "xt_snap_writer.h"

static int  passed, failed;

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (cond) { passed++; }                                             \
        else { failed++; fprintf(stderr, "%s:%d: FAIL %s\n", __FILE__,      \
                                 __LINE__, #cond); }                        \
    } while (0)

#define NOW  1700000000


static xt_snap_cl_server_t
srv(xt_snap_writer_t *w, uint32_t id, uint32_t flags, uint32_t conns,
    uint32_t cpu, int64_t seen, const char *host)
{
    xt_snap_cl_server_t  s;

    memset(&s, 0, sizeof(s));
    s.id = id;
    s.flags = flags;
    s.http_port = 8000 + id;
    s.connections = conns;
    s.cpu_pct = cpu;
    s.last_seen = seen;
    s.name = xt_snap_writer_str(w, host, strlen(host));
    s.host = xt_snap_writer_str(w, host, strlen(host));
    return s;
}


/* servers: 1 main, 2 node (5 conns), 3 node (2 conns), 4 node (2 conns,
   higher cpu), 5 node stale, 6 node disabled.  Stream 10 is placed on 2
   and 4, stream 11 on 5 only, stream 12 nowhere. */
static void *
build(size_t *len, int unsorted)
{
    void                   *buf;
    xt_snap_writer_t       *w;
    xt_snap_cl_server_t     s[6];
    xt_snap_cl_place_t      p[3] = { { 10, 2 }, { 10, 4 }, { 11, 5 } };
    xt_snap_cl_lineconn_t   lc[4] = { { 7, 2, 1, 0 }, { 7, 3, 2, 0 },
                                      { 8, 2, 5, 0 }, { 9, 1, 1, 0 } };

    w = xt_snap_writer_new(XT_SNAP_KIND_CLUSTER, 1);
    s[0] = srv(w, 1, XT_CL_MAIN | XT_CL_ENABLED, 0, 0, NOW, "main");
    s[1] = srv(w, 2, XT_CL_ENABLED, 5, 10, NOW - 1, "n2");
    s[2] = srv(w, 3, XT_CL_ENABLED, 2, 50, NOW - 2, "n3");
    s[3] = srv(w, 4, XT_CL_ENABLED, 2, 60, NOW, "n4");
    s[4] = srv(w, 5, XT_CL_ENABLED, 0, 0, NOW - 11, "n5");
    s[5] = srv(w, 6, 0, 0, 0, NOW, "n6");
    if (unsorted) {
        p[0].stream_id = 12;
    }
    xt_snap_writer_section(w, XT_SEC_CL_SERVERS, 6, s, sizeof(s));
    xt_snap_writer_section(w, XT_SEC_CL_PLACEMENT, 3, p, sizeof(p));
    xt_snap_writer_section(w, XT_SEC_CL_LINECONNS, 4, lc, sizeof(lc));
    if (xt_snap_writer_finish(w, &buf, len) != 0) {
        buf = NULL;
    }
    xt_snap_writer_free(w);
    return buf;
}


int
main(void)
{
    void          *buf;
    size_t         len;
    xt_snap_t      s;
    xt_cluster_t   c;
    const char    *err = NULL;
    uint32_t       extra[6] = { 0, 0, 0, 0, 0, 0 };

    buf = build(&len, 0);
    CHECK(buf != NULL);
    CHECK(xt_snap_open(&s, buf, len, XT_SNAP_KIND_CLUSTER, &err) == 0);
    CHECK(xt_cluster_open(&c, &s, &err) == 0);
    CHECK(c.nservers == 6 && c.nplace == 3 && c.nconns == 4);

    /* unplaced stream: every healthy enabled node; 3 and 4 tie on 2
       connections, 3 has the lower CPU */
    CHECK(xt_cluster_pick(&c, 12, 0, NOW, 10, NULL) == 2);
    /* placed on 2 and 4: 4 (2 conns) beats 2 (5 conns) */
    CHECK(xt_cluster_pick(&c, 10, 0, NOW, 10, NULL) == 3);
    /* what this worker sent since the report counts */
    extra[3] = 4;
    CHECK(xt_cluster_pick(&c, 10, 0, NOW, 10, extra) == 1);
    extra[3] = 0;
    /* placed only on a stale node: nobody */
    CHECK(xt_cluster_pick(&c, 11, 0, NOW, 10, NULL) == -1);
    /* ... until the window is wide enough */
    CHECK(xt_cluster_pick(&c, 11, 0, NOW, 11, NULL) == 4);
    /* VOD: any node; the main and the disabled one never */
    CHECK(xt_cluster_pick(&c, 11, 1, NOW, 10, NULL) == 2);
    /* everything stale: nobody */
    CHECK(xt_cluster_pick(&c, 12, 0, NOW + 100, 10, NULL) == -1);
    /* a node that reported 3 s ago with a 2 s window is down: 3 drops
       out, 4 is next */
    CHECK(xt_cluster_pick(&c, 12, 0, NOW + 1, 2, NULL) == 3);
    CHECK(xt_cluster_pick(&c, 12, 0, NOW + 2, 2, NULL) == 3);
    /* NOW + 3: n2 (NOW - 1) and n4 (NOW) are 4 and 3 s old: none */
    CHECK(xt_cluster_pick(&c, 12, 0, NOW + 3, 2, NULL) == -1);

    /* other servers' connections of a line */
    CHECK(xt_cluster_line_conns(&c, 7, 2) == 2);
    CHECK(xt_cluster_line_conns(&c, 7, 3) == 1);
    CHECK(xt_cluster_line_conns(&c, 7, 99) == 3);
    CHECK(xt_cluster_line_conns(&c, 8, 2) == 0);
    CHECK(xt_cluster_line_conns(&c, 6, 2) == 0);
    CHECK(xt_cluster_line_conns(&c, 10, 2) == 0);
    free(buf);

    /* a host unfit for a Location header is never chosen */
    {
        xt_snap_writer_t     *w = xt_snap_writer_new(XT_SNAP_KIND_CLUSTER, 1);
        xt_snap_cl_server_t   sv[3];

        sv[0] = srv(w, 2, XT_CL_ENABLED, 0, 0, NOW, "evil\r\nSet-Cookie: x");
        sv[1] = srv(w, 3, XT_CL_ENABLED, 0, 0, NOW, "a/b");
        sv[2] = srv(w, 4, XT_CL_ENABLED, 9, 0, NOW, "[::1]");
        xt_snap_writer_section(w, XT_SEC_CL_SERVERS, 3, sv, sizeof(sv));
        xt_snap_writer_finish(w, &buf, &len);
        xt_snap_writer_free(w);
        CHECK(xt_snap_open(&s, buf, len, XT_SNAP_KIND_CLUSTER, &err) == 0);
        CHECK(xt_cluster_open(&c, &s, &err) == 0);
        CHECK(xt_cluster_pick(&c, 1, 0, NOW, 10, NULL) == 2);
        free(buf);
    }

    /* a writer that broke the order is refused */
    buf = build(&len, 1);
    CHECK(xt_snap_open(&s, buf, len, XT_SNAP_KIND_CLUSTER, &err) == 0);
    CHECK(xt_cluster_open(&c, &s, &err) == -1
          && strcmp(err, "placement not sorted") == 0);
    free(buf);

    /* another kind is refused */
    {
        xt_snap_writer_t  *w = xt_snap_writer_new(XT_SNAP_KIND_EPG, 1);

        xt_snap_writer_finish(w, &buf, &len);
        xt_snap_writer_free(w);
        CHECK(xt_snap_open(&s, buf, len, XT_SNAP_KIND_EPG, &err) == 0);
        CHECK(xt_cluster_open(&c, &s, &err) == -1);
        free(buf);
    }

    /* lines by id: the look-up a hand-off uses (xt_snapshot.c) */
    {
        xt_snap_t       ls;
        xt_snap_line_t  l[3];

        memset(&ls, 0, sizeof(ls));
        memset(l, 0, sizeof(l));
        l[0].id = 2;
        l[1].id = 7;
        l[2].id = 900;
        ls.lines = l;
        ls.nlines = 3;
        CHECK(xt_snap_line_by_id(&ls, 7) == &l[1]);
        CHECK(xt_snap_line_by_id(&ls, 2) == &l[0]);
        CHECK(xt_snap_line_by_id(&ls, 900) == &l[2]);
        CHECK(xt_snap_line_by_id(&ls, 8) == NULL);
        CHECK(xt_snap_line_by_id(&ls, 0) == NULL);
        ls.nlines = 0;
        CHECK(xt_snap_line_by_id(&ls, 7) == NULL);
    }

    printf("test_cluster: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
