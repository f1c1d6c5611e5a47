-- Catch-up archives: disk use per stream and server, written by xtreamd's
-- archive scan (xtreamd/xt_archive_prune.c) every archive_scan_seconds.
-- oldest/newest: start of the first/last archived segment (unix ms).
CREATE TABLE IF NOT EXISTS archive_usage (
    stream_id     INT UNSIGNED NOT NULL,
    server_id     INT UNSIGNED NOT NULL,
    bytes         BIGINT UNSIGNED NOT NULL DEFAULT 0,
    segments      INT UNSIGNED NOT NULL DEFAULT 0,
    oldest_ms     BIGINT NOT NULL DEFAULT 0,
    newest_ms     BIGINT NOT NULL DEFAULT 0,
    keep_days     INT UNSIGNED NOT NULL DEFAULT 0,
    updated_at    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (stream_id, server_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
