/*
 * When a stream advertises catch-up (docs/API-CHOICES.md
 * "Catch-up"): only when it really archives on this server.  That is
 * tv_archive with a duration, always-on (an on-demand stream has no
 * worker most of the time, so no continuous archive), and this xtreamd
 * has an archive_root, and the stream is placed on this server (as the
 * supervisor runs it).  The catalog compiler (get_live_streams, the M3U
 * catch-up attributes, the EPG's has_archive all read the snapshot's
 * archive_days), the supervisor (who gets --archive) and the pruner
 * (how long an archive is kept) ask the same function.
 */
#ifndef XT_ARCHIVE_POLICY_H
#define XT_ARCHIVE_POLICY_H

/* xtreamd, once its configuration is read: archive_root set or not, and
   the server whose placement counts */
void xt_archive_policy_set(int enabled, unsigned server_id);
int xt_archive_policy_enabled(void);
unsigned xt_archive_policy_server(void);

/* the days a stream keeps (and advertises) an archive; 0 = none.  here:
   the stream runs on this server (no placement rows, or placed here) */
unsigned xt_archive_days(long long tv_archive, long long duration,
    long long on_demand, long long here);

/* the SQL of "here" for a stream aliased s, with one ? for the server id
   (the supervisor's placement rule) */
#define XT_ARCHIVE_HERE_SQL                                                \
    "(NOT EXISTS (SELECT 1 FROM stream_servers a WHERE a.stream_id = s.id) " \
    "OR EXISTS (SELECT 1 FROM stream_servers b WHERE b.stream_id = s.id "   \
    "AND b.server_id = ?))"

#endif
