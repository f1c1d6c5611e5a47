/*
 * Per-line connection table in shared memory (see xt_conns.h).
 */

#include <string.h>

#include "xt_conns.h"


static uint32_t *
xt_conns_buckets(xt_conns_t *t)
{
    return (uint32_t *) (t + 1);
}


static xt_conn_t *
xt_conns_recs(xt_conns_t *t)
{
    return (xt_conn_t *) (xt_conns_buckets(t) + t->nbuckets);
}


static uint32_t
xt_conns_nrates(uint32_t capacity)
{
    uint32_t  n = 16;

    while (n < capacity / 4 && n < (1u << 28)) {
        n <<= 1;
    }

    return n;
}


static xt_conn_rate_t *
xt_conns_rates(xt_conns_t *t)
{
    return (xt_conn_rate_t *) (xt_conns_recs(t) + t->capacity);
}


static uint32_t
xt_conns_bucket_of(xt_conns_t *t, uint32_t line_id)
{
    /* Fibonacci hashing spreads sequential ids */
    return (uint32_t) ((line_id * 2654435761u) & (t->nbuckets - 1));
}


static uint32_t
xt_conns_nbuckets(uint32_t capacity)
{
    uint32_t  n = 16;

    while (n < capacity && n < (1u << 30)) {
        n <<= 1;
    }

    return n;
}


size_t
xt_conns_size(uint32_t capacity)
{
    return sizeof(xt_conns_t)
           + sizeof(uint32_t) * xt_conns_nbuckets(capacity)
           + sizeof(xt_conn_t) * capacity
           + sizeof(xt_conn_rate_t) * xt_conns_nrates(capacity);
}


xt_conns_t *
xt_conns_init(void *mem, uint32_t capacity, int64_t hls_idle_ms)
{
    uint32_t     i;
    xt_conn_t   *recs;
    xt_conns_t  *t = mem;

    memset(t, 0, sizeof(*t));
    t->nbuckets = xt_conns_nbuckets(capacity);
    t->capacity = capacity;
    t->hls_idle_ms = hls_idle_ms;
    t->next_key = 1;
    t->line_cap = capacity / XT_CONNS_UNLIMITED_SHARE;
    t->swept_at = INT64_MIN / 2;

    if (t->line_cap == 0) {
        t->line_cap = 1;
    }

    for (i = 0; i < t->nbuckets; i++) {
        xt_conns_buckets(t)[i] = XT_CONNS_NIL;
    }

    recs = xt_conns_recs(t);

    for (i = 0; i < capacity; i++) {
        memset(&recs[i], 0, sizeof(xt_conn_t));
        recs[i].next = (i + 1 < capacity) ? i + 1 : XT_CONNS_NIL;
    }

    t->free = capacity ? 0 : XT_CONNS_NIL;

    t->nrates = xt_conns_nrates(capacity);
    memset(xt_conns_rates(t), 0, sizeof(xt_conn_rate_t) * t->nrates);

    return t;
}


/* Unlinks record idx (whose predecessor in the chain is prev, or NIL) and
 * returns it to the free list. */
static void
xt_conns_drop(xt_conns_t *t, uint32_t bucket, uint32_t prev, uint32_t idx)
{
    xt_conn_t  *recs = xt_conns_recs(t);

    if (prev == XT_CONNS_NIL) {
        xt_conns_buckets(t)[bucket] = recs[idx].next;

    } else {
        recs[prev].next = recs[idx].next;
    }

    memset(&recs[idx], 0, sizeof(xt_conn_t));
    recs[idx].next = t->free;
    t->free = idx;
    t->used--;
}


static int
xt_conns_stale(xt_conns_t *t, const xt_conn_t *c, int64_t now_ms,
    xt_pid_alive_pt alive)
{
    if (c->kind == XT_CONN_HLS) {
        return now_ms - c->last_seen > t->hls_idle_ms;
    }

    return alive != NULL && !alive(c->pid);
}


/* what a walk over one line's records found */
typedef struct {
    uint32_t  live;         /* ACTIVE records */
    uint32_t  total;        /* ACTIVE and EVICTED */
    uint32_t  found;        /* the HLS session's record */
    uint32_t  oldest;       /* oldest ACTIVE */
    uint32_t  oldest_ended; /* oldest EVICTED */
    unsigned  displaced:1;  /* a live record replaced the HLS session */
} xt_conns_scan_t;


/*
 * Walks the line's records: drops stale ones, counts the others, finds the
 * session key (HLS), whether a newer session displaced it, and the oldest
 * ACTIVE and EVICTED records.
 */
static void
xt_conns_scan(xt_conns_t *t, uint32_t line_id, int64_t now_ms,
    xt_pid_alive_pt alive, uint64_t hls_key, xt_conns_scan_t *s)
{
    uint32_t    b, idx, prev, next;
    xt_conn_t  *recs, *c;

    recs = xt_conns_recs(t);
    b = xt_conns_bucket_of(t, line_id);
    prev = XT_CONNS_NIL;
    memset(s, 0, sizeof(*s));
    s->found = XT_CONNS_NIL;
    s->oldest = XT_CONNS_NIL;
    s->oldest_ended = XT_CONNS_NIL;

    for (idx = xt_conns_buckets(t)[b]; idx != XT_CONNS_NIL; idx = next) {
        c = &recs[idx];
        next = c->next;

        if (c->line_id != line_id) {
            prev = idx;
            continue;
        }

        if (xt_conns_stale(t, c, now_ms, alive)) {
            xt_conns_drop(t, b, prev, idx);
            continue;
        }

        s->total++;

        if (hls_key && c->kind == XT_CONN_HLS && c->key == hls_key) {
            s->found = idx;
        }

        if (hls_key && c->displaced == hls_key) {
            s->displaced = 1;
        }

        if (c->state == XT_CONN_ACTIVE) {
            s->live++;

            if (s->oldest == XT_CONNS_NIL
                || c->started < recs[s->oldest].started)
            {
                s->oldest = idx;
            }

        } else if (s->oldest_ended == XT_CONNS_NIL
                   || c->last_seen < recs[s->oldest_ended].last_seen)
        {
            s->oldest_ended = idx;
        }

        prev = idx;
    }
}


/* frees record idx now, wherever it is in its chain */
static void
xt_conns_unlink(xt_conns_t *t, uint32_t idx)
{
    uint32_t    b, i, prev;
    xt_conn_t  *recs;

    recs = xt_conns_recs(t);
    b = xt_conns_bucket_of(t, recs[idx].line_id);
    prev = XT_CONNS_NIL;

    for (i = xt_conns_buckets(t)[b]; i != XT_CONNS_NIL; i = recs[i].next) {
        if (i == idx) {
            xt_conns_drop(t, b, prev, i);
            return;
        }

        prev = i;
    }
}


/*
 * A full table: drops every stale record of every line (idle HLS sessions
 * and dead owners of lines nobody looked up since), at most once per
 * XT_CONNS_SWEEP_MS so that a table full of live records costs one walk a
 * second, not one per request.
 */
static void
xt_conns_sweep(xt_conns_t *t, int64_t now_ms, xt_pid_alive_pt alive)
{
    int32_t     pid;
    uint32_t    b, idx, prev, next, n, most;
    xt_conn_t  *recs, *c;
    int         live;

    if (now_ms - t->swept_at < XT_CONNS_SWEEP_MS) {
        return;
    }

    t->swept_at = now_ms;
    recs = xt_conns_recs(t);
    pid = 0;
    live = 1;
    most = 0;

    for (b = 0; b < t->nbuckets; b++) {
        prev = XT_CONNS_NIL;
        n = 0;

        for (idx = xt_conns_buckets(t)[b]; idx != XT_CONNS_NIL; idx = next) {
            c = &recs[idx];
            next = c->next;

            if (c->kind == XT_CONN_STREAM && alive != NULL) {
                /* records of one worker come in runs: one kill(0) each */
                if (c->pid != pid) {
                    pid = c->pid;
                    live = alive(pid);
                }

                if (!live) {
                    xt_conns_drop(t, b, prev, idx);
                    continue;
                }

            } else if (c->kind == XT_CONN_HLS
                       && xt_conns_stale(t, c, now_ms, NULL))
            {
                xt_conns_drop(t, b, prev, idx);
                continue;
            }

            n++;
            prev = idx;
        }

        /* the longest chain is (nearly always) one heavy line's */
        if (n > most) {
            most = n;
            t->heavy_line = recs[xt_conns_buckets(t)[b]].line_id;
        }
    }
}


xt_acq_rc_e
xt_conns_acquire(xt_conns_t *t, uint32_t line_id, uint32_t stream_id,
    xt_conn_kind_e kind, uint64_t key, uint32_t max, xt_conn_policy_e policy,
    int32_t pid, int64_t now_ms, xt_pid_alive_pt alive, uint32_t *slot,
    xt_conn_t *victim)
{
    uint32_t          idx, b, limit;
    uint64_t          displaced;
    xt_conn_t        *recs, *c;
    xt_acq_rc_e       rc;
    xt_conns_scan_t   s, h;

    recs = xt_conns_recs(t);
    rc = XT_ACQ_OK;
    displaced = 0;

    if (kind != XT_CONN_HLS) {
        key = 0;
    }

    xt_conns_scan(t, line_id, now_ms, alive, key, &s);

    if (s.found != XT_CONNS_NIL) {
        c = &recs[s.found];

        if (c->state == XT_CONN_EVICTED) {
            return XT_ACQ_ENDED;
        }

        c->last_seen = now_ms;
        c->stream_id = stream_id;
        *slot = s.found;
        return XT_ACQ_OK;
    }

    if (s.displaced) {
        return XT_ACQ_ENDED;
    }

    limit = max ? max : t->line_cap;

    if (s.live >= limit) {
        if (max == 0 || policy == XT_POLICY_REJECT
            || s.oldest == XT_CONNS_NIL)
        {
            return XT_ACQ_LIMIT;
        }

        /* XC behaviour: the newcomer wins; the oldest's record is freed
           now (its owner finds it gone), an HLS one remembered by key */
        if (victim) {
            *victim = recs[s.oldest];
        }

        if (recs[s.oldest].kind == XT_CONN_HLS) {
            displaced = recs[s.oldest].key;
        }

        xt_conns_unlink(t, s.oldest);
        s.total--;
        rc = XT_ACQ_REPLACED;
    }

    /* records ended by a kill wait for their viewer's next request; a line
       keeps only the newest few */
    if (s.total >= limit + XT_CONNS_ENDED_MAX
        && s.oldest_ended != XT_CONNS_NIL)
    {
        xt_conns_unlink(t, s.oldest_ended);
    }

    if (t->free == XT_CONNS_NIL) {
        xt_conns_sweep(t, now_ms, alive);
    }

    if (t->free == XT_CONNS_NIL) {
        /* full of live records: the line that holds the most gives its
           oldest to a line holding fewer (a few lines cannot lock the
           others out, whatever their limits) */
        if (t->heavy_line == line_id || t->heavy_line == 0) {
            return XT_ACQ_FULL;
        }

        xt_conns_scan(t, t->heavy_line, now_ms, alive, 0, &h);

        if (h.oldest == XT_CONNS_NIL || h.total <= s.total + 1) {
            return XT_ACQ_FULL;
        }

        xt_conns_unlink(t, h.oldest);
    }

    idx = t->free;
    c = &recs[idx];
    t->free = c->next;
    t->used++;

    memset(c, 0, sizeof(*c));
    c->line_id = line_id;
    c->stream_id = stream_id;
    c->kind = (uint8_t) kind;
    c->state = XT_CONN_ACTIVE;
    c->pid = pid;
    c->key = (kind == XT_CONN_HLS) ? key : t->next_key++;
    c->displaced = displaced;
    c->started = now_ms;
    c->last_seen = now_ms;

    b = xt_conns_bucket_of(t, line_id);
    c->next = xt_conns_buckets(t)[b];
    xt_conns_buckets(t)[b] = idx;

    *slot = idx;

    return rc;
}


void
xt_conns_release(xt_conns_t *t, uint32_t slot, uint64_t key)
{
    xt_conn_t  *recs;

    if (slot >= t->capacity) {
        return;
    }

    recs = xt_conns_recs(t);

    if (recs[slot].state == XT_CONN_FREE || recs[slot].key != key) {
        return;
    }

    xt_conns_unlink(t, slot);
}


xt_acq_rc_e
xt_conns_touch(xt_conns_t *t, uint32_t line_id, uint64_t key, int64_t now_ms,
    uint32_t *slot)
{
    xt_conn_t        *c;
    xt_conns_scan_t   s;

    if (key == 0) {
        return XT_ACQ_FULL;
    }

    xt_conns_scan(t, line_id, now_ms, NULL, key, &s);

    if (s.found == XT_CONNS_NIL) {
        return s.displaced ? XT_ACQ_ENDED : XT_ACQ_FULL;
    }

    c = &xt_conns_recs(t)[s.found];

    if (c->state == XT_CONN_EVICTED) {
        return XT_ACQ_ENDED;
    }

    c->last_seen = now_ms;
    *slot = s.found;

    return XT_ACQ_OK;
}


const xt_conn_t *
xt_conns_get(xt_conns_t *t, uint32_t slot)
{
    if (slot >= t->capacity || xt_conns_recs(t)[slot].state == XT_CONN_FREE) {
        return NULL;
    }

    return &xt_conns_recs(t)[slot];
}


uint32_t
xt_conns_count(xt_conns_t *t, uint32_t line_id, int64_t now_ms,
    xt_pid_alive_pt alive)
{
    xt_conns_scan_t  s;

    xt_conns_scan(t, line_id, now_ms, alive, 0, &s);

    return s.live;
}


int
xt_conns_kick(xt_conns_t *t, uint32_t line_id, uint64_t key, uint32_t kick)
{
    uint32_t    idx;
    xt_conn_t  *recs, *c;

    if (key == 0) {
        return 0;
    }

    recs = xt_conns_recs(t);
    c = NULL;

    for (idx = xt_conns_buckets(t)[xt_conns_bucket_of(t, line_id)];
         idx != XT_CONNS_NIL; idx = recs[idx].next)
    {
        if (recs[idx].line_id == line_id && recs[idx].key == key
            && recs[idx].state != XT_CONN_FREE)
        {
            c = &recs[idx];
            break;
        }
    }

    if (c == NULL) {
        return 0;
    }

    if (c->state == XT_CONN_EVICTED) {
        return 1;
    }

    if (c->kick == 0) {
        c->kick = kick + 1;
        return 0;
    }

    if (c->kick == kick + 1) {
        return 0;
    }

    c->state = XT_CONN_EVICTED;

    return 1;
}


void
xt_conns_kick_line(xt_conns_t *t, uint32_t line_id, uint32_t kick)
{
    uint32_t    idx;
    xt_conn_t  *recs, *c;

    recs = xt_conns_recs(t);

    for (idx = xt_conns_buckets(t)[xt_conns_bucket_of(t, line_id)];
         idx != XT_CONNS_NIL; idx = recs[idx].next)
    {
        c = &recs[idx];

        if (c->line_id == line_id && c->state == XT_CONN_ACTIVE
            && c->kick != 0 && c->kick != kick + 1)
        {
            c->state = XT_CONN_EVICTED;
        }
    }
}


int
xt_conns_has(xt_conns_t *t, uint32_t line_id, uint64_t key, int64_t now_ms)
{
    xt_conns_scan_t  s;

    if (key == 0) {
        return 0;
    }

    xt_conns_scan(t, line_id, now_ms, NULL, key, &s);

    return s.found != XT_CONNS_NIL || s.displaced;
}


int
xt_conns_report(xt_conns_t *t, uint32_t line_id, int64_t now_ms)
{
    uint32_t         i, h;
    xt_conn_rate_t  *rates, *e, *victim;

    rates = xt_conns_rates(t);
    h = xt_conns_bucket_of(t, line_id);
    victim = NULL;
    e = NULL;

    for (i = 0; i < 4; i++) {
        e = &rates[(h + i) & (t->nrates - 1)];

        if (e->line_id == line_id) {
            break;
        }

        /* a free slot, else the one whose window began first */
        if (e->line_id == 0) {
            if (victim == NULL || victim->line_id != 0) {
                victim = e;
            }

        } else if (victim == NULL
                   || (victim->line_id != 0
                       && e->window_start < victim->window_start))
        {
            victim = e;
        }

        e = NULL;
    }

    if (e == NULL) {
        e = victim;
        e->line_id = line_id;
        e->reported = 0;
        e->window_start = now_ms;
    }

    if (now_ms - e->window_start >= XT_CONNS_REPORT_MS) {
        e->window_start = now_ms;
        e->reported = 0;
    }

    if (e->reported >= XT_CONNS_REPORTS) {
        return 0;
    }

    e->reported++;

    return 1;
}


int
xt_conns_report_slot(xt_conns_t *t, uint32_t slot, uint64_t key,
    int64_t now_ms)
{
    xt_conn_t  *c;

    if (slot >= t->capacity) {
        return -1;
    }

    c = &xt_conns_recs(t)[slot];

    if (c->state == XT_CONN_FREE || c->key != key) {
        return -1;
    }

    if (!c->reported && xt_conns_report(t, c->line_id, now_ms)) {
        c->reported = 1;
    }

    return c->reported;
}
