/*
 * Live connections per line, for max_connections across all nginx workers.
 *
 * A fixed-capacity table laid out in one block of shared memory (an nginx
 * zone): records chained per line through a hash of the line id, free
 * records on a free list, all links are indexes (the zone may map at
 * different addresses in tools and tests).  The caller holds the zone's
 * lock around every call; nothing here blocks or allocates.
 *
 * Kinds: a TS/VOD/timeshift connection counts from acquire to release; an
 * HLS session counts while it keeps fetching (last_seen within the idle
 * time) and is keyed by its session id, so repeated playlist and segment
 * requests of one viewer are one connection.
 *
 * At the limit, the policy decides: REJECT refuses the newcomer,
 * REPLACE_OLDEST frees the line's oldest record at once (a TS owner sees
 * its record gone on its next wake-up and ends; an evicted HLS session's
 * key is kept in the newcomer's record, "displaced", so its next request
 * is told it ended) and admits the newcomer.
 *
 * Bounds (docs/SECURITY.md "Subscribers: connection table"): a line holds
 * at most max_connections live records (line_cap when unlimited) plus
 * XT_CONNS_ENDED_MAX records ended by an admin kill; nothing else is ever
 * kept for it, so a few lines cannot fill the table whatever they send.
 * Records of a worker that died (its pid gone) and idle HLS sessions are
 * dropped when their line is looked at, and by a sweep of the whole table
 * (at most once per XT_CONNS_SWEEP_MS) when no record is free.  A table
 * still full degrades the line that holds the most records: a newcomer of
 * a line holding fewer takes that line's oldest record.
 */

#ifndef XT_CONNS_H
#define XT_CONNS_H

#include <stddef.h>
#include <stdint.h>


#define XT_CONNS_NIL  0xffffffffu

/* records ended by a kill a line may keep (they tell the viewer it ended
   until its session idles out); older ones are freed first */
#define XT_CONNS_ENDED_MAX  4

/* the whole-table sweep of a full table runs at most this often */
#define XT_CONNS_SWEEP_MS   1000

/* an unlimited line (max_connections 0) holds at most capacity / this */
#define XT_CONNS_UNLIMITED_SHARE  16

/* new connections of one line reported to xtreamd (an activity row each)
   per window; more are served but not reported (xt_conns_report) */
#define XT_CONNS_REPORTS         30
#define XT_CONNS_REPORT_MS       60000

typedef struct {
    uint32_t  line_id;      /* 0 = free */
    uint32_t  reported;     /* in the window */
    int64_t   window_start; /* ms */
} xt_conn_rate_t;

typedef enum {
    XT_CONN_STREAM = 1,     /* TS, VOD, episode, timeshift */
    XT_CONN_HLS
} xt_conn_kind_e;

typedef enum {
    XT_CONN_FREE = 0,
    XT_CONN_ACTIVE,
    XT_CONN_EVICTED
} xt_conn_state_e;

typedef enum {
    XT_POLICY_REJECT = 0,
    XT_POLICY_REPLACE_OLDEST
} xt_conn_policy_e;

typedef struct {
    uint32_t  line_id;
    uint32_t  stream_id;
    uint32_t  next;         /* chain or free list */
    uint8_t   kind;
    uint8_t   state;
    uint8_t   tag;          /* what it is, for metrics (xt_census_tag) */
    uint8_t   reported;     /* its "open" went to xtreamd (xt_conns_report) */
    int32_t   pid;          /* owner worker (STREAM) */
    uint32_t  kick;         /* line kick generation + 1 it runs under,
                               0 = not recorded yet (xt_conns_kick) */
    uint64_t  key;          /* HLS session id, or a unique stream conn id */
    uint64_t  displaced;    /* HLS session this record replaced, or 0 */
    int64_t   started;      /* ms */
    int64_t   last_seen;    /* ms */
} xt_conn_t;

typedef struct {
    uint32_t   nbuckets;    /* power of two */
    uint32_t   capacity;
    uint32_t   free;        /* head of the free list */
    uint32_t   used;
    uint32_t   line_cap;    /* records of an unlimited line */
    uint32_t   heavy_line;  /* the line holding most records at the last
                               sweep (see xt_conns_acquire) */
    uint64_t   next_key;    /* for STREAM connection keys */
    int64_t    hls_idle_ms;
    int64_t    swept_at;    /* ms, last whole-table sweep */
    uint32_t   nrates;      /* power of two */
    uint32_t   reserved2;
    /* uint32_t buckets[nbuckets]; xt_conn_t recs[capacity];
       xt_conn_rate_t rates[nrates]; follow */
} xt_conns_t;

typedef enum {
    XT_ACQ_OK = 0,          /* admitted (or an HLS session refreshed) */
    XT_ACQ_REPLACED,        /* admitted; *victim was evicted */
    XT_ACQ_LIMIT,           /* refused: the line is at max_connections
                               (or line_cap when unlimited) */
    XT_ACQ_ENDED,           /* refused: this HLS session was evicted */
    XT_ACQ_FULL             /* refused: the table is full */
} xt_acq_rc_e;

typedef int (*xt_pid_alive_pt)(int32_t pid);

/* bytes needed for a table of capacity records */
size_t xt_conns_size(uint32_t capacity);

/* lays out an empty table in mem (of xt_conns_size(capacity) bytes) */
xt_conns_t *xt_conns_init(void *mem, uint32_t capacity, int64_t hls_idle_ms);

/*
 * Admits a connection of line_id.  For XT_CONN_HLS, key is the session id;
 * for XT_CONN_STREAM pass 0 and a fresh key is chosen.  max 0 = unlimited
 * (up to line_cap).  On success *slot is the record index (give it back to
 * release); on XT_ACQ_REPLACED *victim is a copy of the freed record.
 */
xt_acq_rc_e xt_conns_acquire(xt_conns_t *t, uint32_t line_id,
    uint32_t stream_id, xt_conn_kind_e kind, uint64_t key, uint32_t max,
    xt_conn_policy_e policy, int32_t pid, int64_t now_ms,
    xt_pid_alive_pt alive, uint32_t *slot, xt_conn_t *victim);

/* Ends a STREAM connection; a slot whose key no longer matches (already
 * dropped and reused) is left alone. */
void xt_conns_release(xt_conns_t *t, uint32_t slot, uint64_t key);

/*
 * An HLS session's later request (segment, variant playlist): refreshes
 * last_seen of the session key of line_id.  Returns XT_ACQ_OK (refreshed,
 * *slot set), XT_ACQ_ENDED (evicted, killed, or displaced by a newer
 * session) or XT_ACQ_FULL when no such session is live (expired or never admitted: the caller admits it again).
 */
xt_acq_rc_e xt_conns_touch(xt_conns_t *t, uint32_t line_id, uint64_t key,
    int64_t now_ms, uint32_t *slot);

/* The record at slot, or NULL. */
const xt_conn_t *xt_conns_get(xt_conns_t *t, uint32_t slot);

/* Live connections of a line (expired HLS sessions and dead owners are
 * dropped on the way). */
uint32_t xt_conns_count(xt_conns_t *t, uint32_t line_id, int64_t now_ms,
    xt_pid_alive_pt alive);

/*
 * The admin "kill" of a line (docs/ADMIN-API.md): kick is the line's kick
 * generation in the current lines snapshot.  The first call for a live
 * connection records it; a later call with another value marks the
 * record EVICTED (its owner ends it as for replace-oldest) and returns 1.
 * 0 when the connection lives on or is not found.
 */
int xt_conns_kick(xt_conns_t *t, uint32_t line_id, uint64_t key,
    uint32_t kick);

/*
 * The kill as seen at admission: every record of line_id admitted under a
 * kick generation other than kick (xt_conns_kick's value) is marked
 * EVICTED, so a viewer killed while idle (its tokens refused, its record
 * never looked at again) no longer counts against max_connections.
 */
void xt_conns_kick_line(xt_conns_t *t, uint32_t line_id, uint32_t kick);

/* 1 when line_id holds a record for key (live, ended or displacing) */
int xt_conns_has(xt_conns_t *t, uint32_t line_id, uint64_t key,
    int64_t now_ms);

/*
 * 1 when a new connection of line_id may be reported to xtreamd (its
 * "open" event writes an activity row): at most XT_CONNS_REPORTS per
 * XT_CONNS_REPORT_MS per line, so a line opening sessions in a loop cannot
 * flood the activity table.  Lines share a small table (4 probes, the
 * oldest window reused): a collision only gives a line a fresh budget.
 */
int xt_conns_report(xt_conns_t *t, uint32_t line_id, int64_t now_ms);

/* the same for the connection at slot (key checked): once it was
   reported, its later events (HLS refreshes, the close) always go;
   -1 when the slot holds another connection now */
int xt_conns_report_slot(xt_conns_t *t, uint32_t slot, uint64_t key,
    int64_t now_ms);

#endif /* XT_CONNS_H */
