-- EPG import (xtreamd/xt_epg_*.c): XMLTV sources with their schedule,
-- conditional-request validators, last outcome and live progress; every
-- imported programme and channel row remembers its source so one source's
-- guide can be replaced in one transaction without touching the others.
-- epg_sources has no change trigger: status and progress writes never
-- rebuild epg.snap; the import bumps the epg counter once, at COMMIT.
ALTER TABLE epg_sources
    ADD COLUMN refresh_interval  INT UNSIGNED NOT NULL DEFAULT 86400,  -- seconds
    ADD COLUMN lang              VARCHAR(16) NOT NULL DEFAULT '',      -- preferred title/desc language
    ADD COLUMN next_due          BIGINT NOT NULL DEFAULT 0,            -- unix time of the next scheduled refresh
    ADD COLUMN last_attempt      BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN last_status       VARCHAR(16) NOT NULL DEFAULT 'never', -- never|ok|not_modified|unchanged|error
    ADD COLUMN last_duration_ms  INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN etag              VARCHAR(255) NOT NULL DEFAULT '',
    ADD COLUMN last_modified     VARCHAR(64) NOT NULL DEFAULT '',
    ADD COLUMN format            VARCHAR(8) NOT NULL DEFAULT '',       -- plain|gzip
    ADD COLUMN bytes             BIGINT UNSIGNED NOT NULL DEFAULT 0,   -- size of the last imported file
    ADD COLUMN channels          INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN programmes        INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN skipped           INT UNSIGNED NOT NULL DEFAULT 0,      -- warnings, all reasons
    ADD COLUMN skipped_detail    VARCHAR(1024) NOT NULL DEFAULT '{}',  -- JSON {"reason": count}
    ADD COLUMN outside_window    INT UNSIGNED NOT NULL DEFAULT 0,      -- not imported: retention window
    ADD COLUMN progress_state    VARCHAR(16) NOT NULL DEFAULT 'idle',  -- idle|fetching|parsing
    ADD COLUMN progress_pid      INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN progress_started  BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN progress_at       BIGINT NOT NULL DEFAULT 0,            -- last progress write (heartbeat)
    ADD COLUMN progress_programmes INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN progress_bytes    BIGINT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN progress_total    BIGINT UNSIGNED NOT NULL DEFAULT 0,   -- 0 = size unknown
    ADD UNIQUE KEY uq_epg_sources_name (name);

ALTER TABLE epg_programmes
    ADD COLUMN source_id INT UNSIGNED NULL,                            -- NULL: epg demo / JSON import
    ADD KEY k_epg_programmes_source (source_id),
    ADD KEY k_epg_programmes_stop (stop);

ALTER TABLE epg_channels
    ADD KEY k_epg_channels_source (source_id);
