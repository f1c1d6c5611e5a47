/*
 * lines.snap: LINES sorted by id, LINE_INDEX (open addressing on
 * xt_snap_hash(username)), each line's bouquet ids in the U32 pool in
 * line_bouquets.sort_order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_compile.h"
#include "xt_grow.h"
#include "xt_mac.h"
#include "xt_snap_writer.h"

/* line_bouquets as two parallel arrays: the bouquet ids of one line are
   then contiguous and go into the U32 pool in one call */
typedef struct {
    uint32_t  *line;
    uint32_t  *bouquet;
    size_t     n;
} xt_lb_t;


/* sort one line's bouquets by (sort_order, bouquet id): a line has a
   handful, so insertion sort */
static void
xt_lb_sort_run(xt_lb_t *lb, int32_t *ord, size_t from, size_t to)
{
    size_t    i, j;
    uint32_t  b;
    int32_t   o;

    for (i = from + 1; i < to; i++) {
        b = lb->bouquet[i];
        o = ord[i];
        for (j = i; j > from && (ord[j - 1] > o
                                 || (ord[j - 1] == o
                                     && lb->bouquet[j - 1] > b)); j--)
        {
            lb->bouquet[j] = lb->bouquet[j - 1];
            ord[j] = ord[j - 1];
        }
        lb->bouquet[j] = b;
        ord[j] = o;
    }
}


/*
 * Every line's bouquets, ordered by line then sort order.  The query reads
 * in primary-key order (line_id, bouquet_id), which needs no server-side
 * sort (ORDER BY line_id, sort_order was a filesort of every row, about
 * 1 s at a million lines); the few rows of one line are then put in
 * sort_order here.
 */
static int
xt_load_line_bouquets(xt_db_t *db, xt_lb_t *lb)
{
    MYSQL_STMT  *st;
    xt_row_t     r;
    size_t       cap = 0, bcap = 0, ocap = 0, i, run;
    int32_t     *ord = NULL;
    int          rc;

    st = xt_db_prepare(db, "SELECT line_id, bouquet_id, sort_order "
                       "FROM line_bouquets ORDER BY line_id, bouquet_id");
    if (st == NULL) {
        return -1;
    }
    xt_row_init(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    xt_row_int(&r);
    if (xt_db_run(db, st, NULL) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        mysql_stmt_close(st);
        return -1;
    }
    while ((rc = xt_db_fetch(db, st)) == 1) {
        if (xt_grow((void **) &lb->line, &cap, lb->n, sizeof(uint32_t))
            || xt_grow((void **) &lb->bouquet, &bcap, lb->n, sizeof(uint32_t))
            || xt_grow((void **) &ord, &ocap, lb->n, sizeof(int32_t)))
        {
            db->errnum = 0;
            snprintf(db->err, sizeof(db->err), "out of memory");
            rc = -1;
            break;
        }
        lb->line[lb->n] = (uint32_t) r.ival[0];
        lb->bouquet[lb->n] = (uint32_t) r.ival[1];
        ord[lb->n] = (int32_t) r.ival[2];
        lb->n++;
    }
    mysql_stmt_close(st);
    if (rc == 0) {
        for (run = 0, i = 1; i <= lb->n; i++) {
            if (i == lb->n || lb->line[i] != lb->line[run]) {
                xt_lb_sort_run(lb, ord, run, i);
                run = i;
            }
        }
    }
    free(ord);
    return rc < 0 ? -1 : 0;
}


enum { C_ID, C_USER, C_SALT, C_HASH, C_STATUS, C_EXP, C_MAXC, C_TRIAL,
       C_OUT, C_IPS, C_UAS, C_MSG, C_CREATED, C_KICK, C_MAC };


static int
xt_line_mac_cmp(const void *a, const void *b)
{
    return memcmp(((const xt_snap_line_mac_t *) a)->mac,
                  ((const xt_snap_line_mac_t *) b)->mac, 6);
}

int
xt_compile_lines(xt_db_t *db, const char *dir, xt_compile_stats_t *stats,
    char *err, size_t errlen)
{
    MYSQL_STMT        *st = NULL;
    xt_row_t           r;
    xt_lb_t            lb = { NULL, NULL, 0 };
    size_t             ilb = 0, n = 0, cap = 0, hcap = 0, kcap = 0, i, nslots;
    xt_snap_line_t    *lines = NULL, *l;
    uint32_t          *slots = NULL, *uhash = NULL, slot;
    uint32_t          *kicks = NULL;
    xt_snap_line_mac_t *macs = NULL;
    size_t             nmacs = 0, mcap = 0;
    xt_snap_writer_t  *w = NULL;
    int                rc = -1, frc;

    xt_row_init(&r);
    if (xt_load_line_bouquets(db, &lb) != 0) {
        goto db_fail;
    }

    /* status+0 and allowed_outputs+0 give the ENUM index and the SET
       bitmask: XT_LINE_* + 1 and XT_OUT_* by the schema's value order */
    st = xt_db_prepare(db, "SELECT id, username, password_salt, "
                       "password_hash, status + 0, COALESCE(exp_date, 0), "
                       "max_connections, is_trial, allowed_outputs + 0, "
                       "allowed_ips, allowed_uas, message, created_at, kick, "
                       "COALESCE(mac, '') "
                       "FROM `lines` ORDER BY id");
    if (st == NULL) {
        goto db_fail;
    }
    xt_row_int(&r);
    if (xt_row_str(&r, 256) != 0 || xt_row_str(&r, XT_SALT_LEN) != 0
        || xt_row_str(&r, XT_HASH_LEN) != 0)
    {
        goto oom;
    }
    for (i = 0; i < 5; i++) {
        xt_row_int(&r);
    }
    /* VARCHAR(1024) in utf8mb4: at most 4096 bytes */
    if (xt_row_str(&r, 4096) != 0 || xt_row_str(&r, 4096) != 0
        || xt_row_str(&r, 4096) != 0)
    {
        goto oom;
    }
    xt_row_int(&r);
    xt_row_int(&r);             /* kick */
    if (xt_row_str(&r, 32) != 0) {  /* mac */
        goto oom;
    }

    stats->generation = xt_snap_next_generation(dir, XT_SNAP_FILE_LINES,
                                                XT_SNAP_KIND_LINES);
    w = xt_snap_writer_new(XT_SNAP_KIND_LINES, stats->generation);
    if (w == NULL) {
        goto oom;
    }

    if (xt_db_run(db, st, NULL) != 0 || xt_db_bind_row(db, st, &r) != 0) {
        goto db_fail;
    }

    while ((frc = xt_db_fetch(db, st)) == 1) {
        if (xt_grow((void **) &lines, &cap, n, sizeof(*lines)) != 0
            || xt_grow((void **) &uhash, &hcap, n, sizeof(uint32_t)) != 0
            || xt_grow((void **) &kicks, &kcap, n, sizeof(uint32_t)) != 0)
        {
            goto oom;
        }
        l = &lines[n];
        memset(l, 0, sizeof(*l));
        l->id = (uint32_t) r.ival[C_ID];
        l->status = r.ival[C_STATUS] >= 1 && r.ival[C_STATUS] <= 3
                    ? (uint32_t) r.ival[C_STATUS] - 1 : XT_LINE_DISABLED;
        l->exp_date = r.ival[C_EXP];
        l->created_at = r.ival[C_CREATED];
        l->max_connections = (uint32_t) r.ival[C_MAXC];
        l->flags = r.ival[C_TRIAL] ? XT_LINE_TRIAL : 0;
        l->outputs = (uint32_t) r.ival[C_OUT]
                     & (XT_OUT_TS | XT_OUT_M3U8 | XT_OUT_RTMP);
        if (r.len[C_SALT] != XT_SALT_LEN || r.len[C_HASH] != XT_HASH_LEN) {
            snprintf(err, errlen, "line %u: bad password hash length",
                     l->id);
            goto fail;
        }
        memcpy(l->salt, r.sval[C_SALT], XT_SALT_LEN);
        memcpy(l->hash, r.sval[C_HASH], XT_HASH_LEN);
        /* usernames are UNIQUE: interning them finds nothing */
        l->username = xt_snap_writer_str_unique(w, r.sval[C_USER],
                                                r.len[C_USER]);
        l->message = xt_snap_writer_str(w, r.sval[C_MSG], r.len[C_MSG]);
        l->allowed_ips = xt_snap_writer_str(w, r.sval[C_IPS], r.len[C_IPS]);
        l->allowed_uas = xt_snap_writer_str(w, r.sval[C_UAS], r.len[C_UAS]);
        kicks[n] = (uint32_t) r.ival[C_KICK];

        /* the store keeps the normal form; anything else is skipped (a
           hand-edited row cannot bind a box) */
        if (r.len[C_MAC] != 0) {
            if (xt_grow((void **) &macs, &mcap, nmacs, sizeof(*macs)) != 0) {
                goto oom;
            }
            memset(&macs[nmacs], 0, sizeof(*macs));
            if (xt_mac_parse(r.sval[C_MAC], r.len[C_MAC], macs[nmacs].mac)
                == 0)
            {
                macs[nmacs++].line = (uint32_t) n;
            }
        }
        uhash[n] = xt_snap_hash((const unsigned char *) r.sval[C_USER],
                                (uint32_t) r.len[C_USER]);

        /* both result sets are ordered by line id: merge */
        while (ilb < lb.n && lb.line[ilb] < l->id) {
            ilb++;
        }
        i = ilb;
        while (ilb < lb.n && lb.line[ilb] == l->id) {
            ilb++;
        }
        l->nbouquets = (uint32_t) (ilb - i);
        l->bouquets = l->nbouquets
                      ? xt_snap_writer_u32(w, &lb.bouquet[i], ilb - i) : 0;
        n++;
    }
    if (frc < 0) {
        goto db_fail;
    }
    mysql_stmt_close(st);
    st = NULL;

    if (nmacs) {
        qsort(macs, nmacs, sizeof(*macs), xt_line_mac_cmp);
        for (i = 1; i < nmacs; i++) {
            if (xt_line_mac_cmp(&macs[i - 1], &macs[i]) == 0) {
                snprintf(err, errlen, "two lines with one mac");
                goto fail;
            }
        }
    }

    nslots = 16;
    while (nslots < 2 * n) {
        nslots *= 2;
    }
    if (nslots > UINT32_MAX) {
        snprintf(err, errlen, "too many lines");
        goto fail;
    }
    slots = calloc(nslots, sizeof(uint32_t));
    if (slots == NULL) {
        goto oom;
    }
    for (i = 0; i < n; i++) {
        slot = uhash[i] & (uint32_t) (nslots - 1);
        while (slots[slot] != 0) {
            slot = (slot + 1) & (uint32_t) (nslots - 1);
        }
        slots[slot] = (uint32_t) i + 1;
    }

    if (xt_snap_writer_section(w, XT_SEC_LINES, (uint32_t) n, lines,
                               n * sizeof(*lines)) != 0
        || xt_snap_writer_section(w, XT_SEC_LINE_INDEX, (uint32_t) nslots,
                                  slots, nslots * sizeof(uint32_t)) != 0
        || xt_snap_writer_section(w, XT_SEC_LINE_KICKS, (uint32_t) n,
                                  kicks, n * sizeof(uint32_t)) != 0
        || (nmacs
            && xt_snap_writer_section(w, XT_SEC_LINE_MACS, (uint32_t) nmacs,
                                      macs, nmacs * sizeof(*macs)) != 0))
    {
        snprintf(err, errlen, "%s", xt_snap_writer_error(w));
        goto fail;
    }
    stats->records = n;
    rc = xt_compile_install(w, dir, XT_SNAP_FILE_LINES, stats, err, errlen);
    w = NULL;
    goto out;

oom:
    snprintf(err, errlen, "out of memory");
    goto fail;
db_fail:
    snprintf(err, errlen, "%s", db->err);
fail:
    rc = -1;
out:
    if (st) {
        mysql_stmt_close(st);
    }
    xt_row_free(&r);
    free(lb.line);
    free(lb.bouquet);
    free(lines);
    free(uhash);
    free(kicks);
    free(macs);
    free(slots);
    xt_snap_writer_free(w);
    return rc;
}
