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
           + sizeof(xt_conn_t) * capacity;
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

    for (i = 0; i < t->nbuckets; i++) {
        xt_conns_buckets(t)[i] = XT_CONNS_NIL;
    }

    recs = xt_conns_recs(t);

    for (i = 0; i < capacity; i++) {
        memset(&recs[i], 0, sizeof(xt_conn_t));
        recs[i].next = (i + 1 < capacity) ? i + 1 : XT_CONNS_NIL;
    }

    t->free = capacity ? 0 : XT_CONNS_NIL;

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


/*
 * Walks the line's records: drops stale ones, counts live ACTIVE ones,
 * finds the session key (HLS) and the oldest ACTIVE record.
 */
static uint32_t
xt_conns_scan(xt_conns_t *t, uint32_t line_id, int64_t now_ms,
    xt_pid_alive_pt alive, uint64_t hls_key, uint32_t *found,
    uint32_t *oldest)
{
    uint32_t    b, idx, prev, next, n;
    xt_conn_t  *recs, *c;

    recs = xt_conns_recs(t);
    b = xt_conns_bucket_of(t, line_id);
    prev = XT_CONNS_NIL;
    n = 0;
    *found = XT_CONNS_NIL;
    *oldest = XT_CONNS_NIL;

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

        if (hls_key && c->kind == XT_CONN_HLS && c->key == hls_key) {
            *found = idx;
        }

        if (c->state == XT_CONN_ACTIVE) {
            n++;

            if (*oldest == XT_CONNS_NIL
                || c->started < recs[*oldest].started)
            {
                *oldest = idx;
            }
        }

        prev = idx;
    }

    return n;
}


xt_acq_rc_e
xt_conns_acquire(xt_conns_t *t, uint32_t line_id, uint32_t stream_id,
    xt_conn_kind_e kind, uint64_t key, uint32_t max, xt_conn_policy_e policy,
    int32_t pid, int64_t now_ms, xt_pid_alive_pt alive, uint32_t *slot,
    xt_conn_t *victim)
{
    uint32_t     n, found, oldest, idx, b;
    xt_conn_t   *recs, *c;
    xt_acq_rc_e  rc;

    recs = xt_conns_recs(t);
    rc = XT_ACQ_OK;

    n = xt_conns_scan(t, line_id, now_ms, alive,
                      kind == XT_CONN_HLS ? key : 0, &found, &oldest);

    if (found != XT_CONNS_NIL) {
        c = &recs[found];

        if (c->state == XT_CONN_EVICTED) {
            return XT_ACQ_ENDED;
        }

        c->last_seen = now_ms;
        c->stream_id = stream_id;
        *slot = found;
        return XT_ACQ_OK;
    }

    if (max != 0 && n >= max) {
        if (policy == XT_POLICY_REJECT || oldest == XT_CONNS_NIL) {
            return XT_ACQ_LIMIT;
        }

        /* XC behaviour: the newcomer wins, the oldest is told to end */
        recs[oldest].state = XT_CONN_EVICTED;
        if (victim) {
            *victim = recs[oldest];
        }
        rc = XT_ACQ_REPLACED;
    }

    if (t->free == XT_CONNS_NIL) {
        return XT_ACQ_FULL;
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
    uint32_t    b, idx, prev;
    xt_conn_t  *recs;

    if (slot >= t->capacity) {
        return;
    }

    recs = xt_conns_recs(t);

    if (recs[slot].state == XT_CONN_FREE || recs[slot].key != key) {
        return;
    }

    b = xt_conns_bucket_of(t, recs[slot].line_id);
    prev = XT_CONNS_NIL;

    for (idx = xt_conns_buckets(t)[b]; idx != XT_CONNS_NIL;
         idx = recs[idx].next)
    {
        if (idx == slot) {
            xt_conns_drop(t, b, prev, idx);
            return;
        }

        prev = idx;
    }
}


xt_acq_rc_e
xt_conns_touch(xt_conns_t *t, uint32_t line_id, uint64_t key, int64_t now_ms,
    uint32_t *slot)
{
    uint32_t    found, oldest;
    xt_conn_t  *c;

    if (key == 0) {
        return XT_ACQ_FULL;
    }

    (void) xt_conns_scan(t, line_id, now_ms, NULL, key, &found, &oldest);

    if (found == XT_CONNS_NIL) {
        return XT_ACQ_FULL;
    }

    c = &xt_conns_recs(t)[found];

    if (c->state == XT_CONN_EVICTED) {
        return XT_ACQ_ENDED;
    }

    c->last_seen = now_ms;
    *slot = found;

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
    uint32_t  found, oldest;

    return xt_conns_scan(t, line_id, now_ms, alive, 0, &found, &oldest);
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
