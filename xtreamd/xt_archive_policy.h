/*
 * When a stream advertises catch-up (ngx_xtream_module/API-CHOICES.md
 * "Catch-up"): only when it really archives on this server.  That is
 * tv_archive with a duration, always-on (an on-demand stream has no
 * worker most of the time, so no continuous archive), and this xtreamd
 * has an archive_root.  The catalog compiler (get_live_streams, the M3U
 * catch-up attributes, the EPG's has_archive all read the snapshot's
 * archive_days), the supervisor (who gets --archive) and the pruner
 * (how long an archive is kept) ask the same function.
 */
#ifndef XT_ARCHIVE_POLICY_H
#define XT_ARCHIVE_POLICY_H

/* xtreamd, once its configuration is read: archive_root set or not */
void xt_archive_policy_set(int enabled);
int xt_archive_policy_enabled(void);

/* the days a stream keeps (and advertises) an archive; 0 = none */
unsigned xt_archive_days(long long tv_archive, long long duration,
    long long on_demand);

#endif
