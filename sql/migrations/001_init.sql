-- xtream schema, version 1: the whole Xtream data model.
-- Applied by xtreamd (and xtreamctl migrate) inside one run; the
-- schema_version row records it, so applying again is a no-op.
-- Times are unix seconds (BIGINT), the unit players see.

CREATE TABLE IF NOT EXISTS schema_version (
    id        TINYINT UNSIGNED NOT NULL PRIMARY KEY DEFAULT 1,
    version   INT UNSIGNED NOT NULL,
    applied   BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One counter per snapshot kind, bumped by triggers on every change of the
-- tables that feed it: xtreamd polls three integers instead of scanning.
CREATE TABLE IF NOT EXISTS change_counters (
    domain    VARCHAR(16) NOT NULL PRIMARY KEY,
    counter   BIGINT UNSIGNED NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT IGNORE INTO change_counters (domain, counter) VALUES ('lines', 1), ('catalog', 1), ('epg', 1);

CREATE TABLE IF NOT EXISTS settings (
    name      VARCHAR(64) NOT NULL PRIMARY KEY,
    value     VARCHAR(1024) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS servers (
    id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name          VARCHAR(64) NOT NULL UNIQUE,
    host          VARCHAR(255) NOT NULL,
    http_port     INT UNSIGNED NOT NULL DEFAULT 80,
    https_port    INT UNSIGNED NOT NULL DEFAULT 443,
    rtmp_port     INT UNSIGNED NOT NULL DEFAULT 1935,
    is_main       TINYINT(1) NOT NULL DEFAULT 0,
    enabled       TINYINT(1) NOT NULL DEFAULT 1,
    load_clients  INT UNSIGNED NOT NULL DEFAULT 0,
    load_mbps     INT UNSIGNED NOT NULL DEFAULT 0,
    last_seen     BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS categories (
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    type        ENUM('live','movie','series') NOT NULL,
    name        VARCHAR(255) NOT NULL,
    parent_id   INT UNSIGNED NOT NULL DEFAULT 0,
    sort_order  INT NOT NULL DEFAULT 0,
    KEY (type, sort_order)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS transcode_profiles (
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name        VARCHAR(64) NOT NULL UNIQUE,
    mode        ENUM('copy','abr') NOT NULL DEFAULT 'copy',
    -- ladder for 'abr': JSON array of {"name":"720p","height":720,
    -- "video_kbps":2500,"audio_kbps":128}
    ladder      TEXT NULL,
    preset      VARCHAR(16) NOT NULL DEFAULT 'veryfast',
    segment_seconds INT UNSIGNED NOT NULL DEFAULT 4,
    window_segments INT UNSIGNED NOT NULL DEFAULT 6
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS streams (
    id                  INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name                VARCHAR(255) NOT NULL,
    category_id         INT UNSIGNED NULL,
    icon                VARCHAR(1024) NOT NULL DEFAULT '',
    epg_channel_id      VARCHAR(255) NOT NULL DEFAULT '',
    custom_sid          VARCHAR(64) NOT NULL DEFAULT '',
    is_adult            TINYINT(1) NOT NULL DEFAULT 0,
    tv_archive          TINYINT(1) NOT NULL DEFAULT 0,
    tv_archive_duration INT UNSIGNED NOT NULL DEFAULT 0,   -- days
    transcode_profile_id INT UNSIGNED NULL,
    on_demand           TINYINT(1) NOT NULL DEFAULT 0,
    enabled             TINYINT(1) NOT NULL DEFAULT 1,
    -- RTMP push key: salt (16 bytes) then SHA-256(salt || key); NULL = no push
    stream_key_hash     VARBINARY(48) NULL,
    sort_order          INT NOT NULL DEFAULT 0,
    added               BIGINT NOT NULL DEFAULT 0,
    KEY (category_id),
    CONSTRAINT fk_streams_cat FOREIGN KEY (category_id) REFERENCES categories (id) ON DELETE SET NULL,
    CONSTRAINT fk_streams_prof FOREIGN KEY (transcode_profile_id) REFERENCES transcode_profiles (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS stream_sources (
    stream_id   INT UNSIGNED NOT NULL,
    position    INT UNSIGNED NOT NULL DEFAULT 0,
    url         VARCHAR(2048) NOT NULL,
    PRIMARY KEY (stream_id, position),
    CONSTRAINT fk_sources_stream FOREIGN KEY (stream_id) REFERENCES streams (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- which servers carry which stream
CREATE TABLE IF NOT EXISTS stream_servers (
    stream_id   INT UNSIGNED NOT NULL,
    server_id   INT UNSIGNED NOT NULL,
    PRIMARY KEY (stream_id, server_id),
    CONSTRAINT fk_ss_stream FOREIGN KEY (stream_id) REFERENCES streams (id) ON DELETE CASCADE,
    CONSTRAINT fk_ss_server FOREIGN KEY (server_id) REFERENCES servers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- what the supervisor reports per stream and server (not a snapshot input)
CREATE TABLE IF NOT EXISTS stream_status (
    stream_id     INT UNSIGNED NOT NULL,
    server_id     INT UNSIGNED NOT NULL DEFAULT 0,
    state         ENUM('stopped','starting','running','error') NOT NULL DEFAULT 'stopped',
    pid           INT NOT NULL DEFAULT 0,
    started_at    BIGINT NOT NULL DEFAULT 0,
    bitrate_kbps  INT UNSIGNED NOT NULL DEFAULT 0,
    fps           DECIMAL(7,2) NOT NULL DEFAULT 0,
    speed         DECIMAL(7,3) NOT NULL DEFAULT 0,
    video_codec   VARCHAR(32) NOT NULL DEFAULT '',
    audio_codec   VARCHAR(32) NOT NULL DEFAULT '',
    width         INT UNSIGNED NOT NULL DEFAULT 0,
    height        INT UNSIGNED NOT NULL DEFAULT 0,
    restarts      INT UNSIGNED NOT NULL DEFAULT 0,
    last_error    VARCHAR(1024) NOT NULL DEFAULT '',
    updated_at    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (stream_id, server_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS movies (
    id                  INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name                VARCHAR(255) NOT NULL,
    category_id         INT UNSIGNED NULL,
    icon                VARCHAR(1024) NOT NULL DEFAULT '',
    container_extension VARCHAR(8) NOT NULL DEFAULT 'mp4',
    path                VARCHAR(1024) NOT NULL DEFAULT '',   -- relative to the VOD root
    rating              VARCHAR(8) NOT NULL DEFAULT '',
    plot                TEXT NULL,
    cast                VARCHAR(1024) NOT NULL DEFAULT '',
    director            VARCHAR(255) NOT NULL DEFAULT '',
    genre               VARCHAR(255) NOT NULL DEFAULT '',
    release_date        VARCHAR(16) NOT NULL DEFAULT '',
    duration_secs       INT UNSIGNED NOT NULL DEFAULT 0,
    tmdb_id             INT UNSIGNED NOT NULL DEFAULT 0,
    youtube_trailer     VARCHAR(64) NOT NULL DEFAULT '',
    backdrop_json       TEXT NULL,      -- JSON array of URLs
    is_adult            TINYINT(1) NOT NULL DEFAULT 0,
    enabled             TINYINT(1) NOT NULL DEFAULT 1,
    sort_order          INT NOT NULL DEFAULT 0,
    added               BIGINT NOT NULL DEFAULT 0,
    KEY (category_id),
    CONSTRAINT fk_movies_cat FOREIGN KEY (category_id) REFERENCES categories (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS series (
    id                  INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name                VARCHAR(255) NOT NULL,
    category_id         INT UNSIGNED NULL,
    cover               VARCHAR(1024) NOT NULL DEFAULT '',
    plot                TEXT NULL,
    cast                VARCHAR(1024) NOT NULL DEFAULT '',
    director            VARCHAR(255) NOT NULL DEFAULT '',
    genre               VARCHAR(255) NOT NULL DEFAULT '',
    release_date        VARCHAR(16) NOT NULL DEFAULT '',
    rating              VARCHAR(8) NOT NULL DEFAULT '',
    backdrop_json       TEXT NULL,
    youtube_trailer     VARCHAR(64) NOT NULL DEFAULT '',
    episode_run_time    INT UNSIGNED NOT NULL DEFAULT 0,
    tmdb_id             INT UNSIGNED NOT NULL DEFAULT 0,
    enabled             TINYINT(1) NOT NULL DEFAULT 1,
    sort_order          INT NOT NULL DEFAULT 0,
    last_modified       BIGINT NOT NULL DEFAULT 0,
    KEY (category_id),
    CONSTRAINT fk_series_cat FOREIGN KEY (category_id) REFERENCES categories (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS series_seasons (
    series_id       INT UNSIGNED NOT NULL,
    season_number   INT UNSIGNED NOT NULL,
    name            VARCHAR(255) NOT NULL DEFAULT '',
    air_date        VARCHAR(16) NOT NULL DEFAULT '',
    overview        TEXT NULL,
    cover           VARCHAR(1024) NOT NULL DEFAULT '',
    cover_big       VARCHAR(1024) NOT NULL DEFAULT '',
    PRIMARY KEY (series_id, season_number),
    CONSTRAINT fk_seasons_series FOREIGN KEY (series_id) REFERENCES series (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS episodes (
    id                  INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    series_id           INT UNSIGNED NOT NULL,
    season_number       INT UNSIGNED NOT NULL,
    episode_num         INT UNSIGNED NOT NULL,
    title               VARCHAR(255) NOT NULL DEFAULT '',
    container_extension VARCHAR(8) NOT NULL DEFAULT 'mp4',
    path                VARCHAR(1024) NOT NULL DEFAULT '',
    plot                TEXT NULL,
    movie_image         VARCHAR(1024) NOT NULL DEFAULT '',
    release_date        VARCHAR(16) NOT NULL DEFAULT '',
    rating              VARCHAR(8) NOT NULL DEFAULT '',
    duration_secs       INT UNSIGNED NOT NULL DEFAULT 0,
    added               BIGINT NOT NULL DEFAULT 0,
    KEY (series_id, season_number, episode_num),
    CONSTRAINT fk_episodes_series FOREIGN KEY (series_id) REFERENCES series (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS bouquets (
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name        VARCHAR(255) NOT NULL UNIQUE,
    sort_order  INT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- bouquet contents, in the bouquet's order
CREATE TABLE IF NOT EXISTS bouquet_items (
    bouquet_id  INT UNSIGNED NOT NULL,
    item_type   ENUM('live','movie','series') NOT NULL,
    item_id     INT UNSIGNED NOT NULL,
    sort_order  INT NOT NULL DEFAULT 0,
    PRIMARY KEY (bouquet_id, item_type, item_id),
    CONSTRAINT fk_bi_bouquet FOREIGN KEY (bouquet_id) REFERENCES bouquets (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS `lines` (
    id              INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    username        VARCHAR(64) NOT NULL UNIQUE,
    -- never the password itself: SHA-256(salt || password) and its salt
    password_salt   BINARY(16) NOT NULL,
    password_hash   BINARY(32) NOT NULL,
    status          ENUM('active','disabled','banned') NOT NULL DEFAULT 'active',
    exp_date        BIGINT NULL,              -- NULL = unlimited
    max_connections INT UNSIGNED NOT NULL DEFAULT 1,   -- 0 = unlimited
    is_trial        TINYINT(1) NOT NULL DEFAULT 0,
    allowed_outputs SET('ts','m3u8','rtmp') NOT NULL DEFAULT 'ts,m3u8',
    allowed_ips     VARCHAR(1024) NOT NULL DEFAULT '',
    allowed_uas     VARCHAR(1024) NOT NULL DEFAULT '',
    message         VARCHAR(1024) NOT NULL DEFAULT '',
    notes           VARCHAR(1024) NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS line_bouquets (
    line_id     INT UNSIGNED NOT NULL,
    bouquet_id  INT UNSIGNED NOT NULL,
    sort_order  INT NOT NULL DEFAULT 0,
    PRIMARY KEY (line_id, bouquet_id),
    CONSTRAINT fk_lb_line FOREIGN KEY (line_id) REFERENCES `lines` (id) ON DELETE CASCADE,
    CONSTRAINT fk_lb_bouquet FOREIGN KEY (bouquet_id) REFERENCES bouquets (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS epg_sources (
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name        VARCHAR(255) NOT NULL,
    url         VARCHAR(2048) NOT NULL,
    enabled     TINYINT(1) NOT NULL DEFAULT 1,
    last_import BIGINT NOT NULL DEFAULT 0,
    last_error  VARCHAR(1024) NOT NULL DEFAULT ''
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS epg_channels (
    epg_channel_id  VARCHAR(255) NOT NULL PRIMARY KEY,
    source_id       INT UNSIGNED NULL,
    display_name    VARCHAR(255) NOT NULL DEFAULT '',
    icon            VARCHAR(1024) NOT NULL DEFAULT ''
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS epg_programmes (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    epg_channel_id  VARCHAR(255) NOT NULL,
    start           BIGINT NOT NULL,
    stop            BIGINT NOT NULL,
    title           VARCHAR(1024) NOT NULL DEFAULT '',    -- plain UTF-8
    description     TEXT NULL,
    lang            VARCHAR(8) NOT NULL DEFAULT '',
    KEY (epg_channel_id, start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- finished and open connections, written by xtreamd from module events
CREATE TABLE IF NOT EXISTS activity (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    line_id     INT UNSIGNED NOT NULL,
    stream_id   INT UNSIGNED NOT NULL DEFAULT 0,
    kind        ENUM('live','hls','movie','episode','timeshift') NOT NULL DEFAULT 'live',
    ip          VARCHAR(64) NOT NULL DEFAULT '',
    user_agent  VARCHAR(512) NOT NULL DEFAULT '',
    started     BIGINT NOT NULL,
    ended       BIGINT NULL,
    bytes       BIGINT UNSIGNED NOT NULL DEFAULT 0,
    KEY (line_id, started)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS live_connections (
    conn_key    VARCHAR(64) NOT NULL PRIMARY KEY,
    line_id     INT UNSIGNED NOT NULL,
    stream_id   INT UNSIGNED NOT NULL DEFAULT 0,
    kind        ENUM('live','hls','movie','episode','timeshift') NOT NULL DEFAULT 'live',
    ip          VARCHAR(64) NOT NULL DEFAULT '',
    user_agent  VARCHAR(512) NOT NULL DEFAULT '',
    server_id   INT UNSIGNED NOT NULL DEFAULT 0,
    started     BIGINT NOT NULL,
    KEY (line_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- web panel / admin accounts: PBKDF2-HMAC-SHA256, slow on purpose (humans
-- choose these passwords and they are checked rarely)
CREATE TABLE IF NOT EXISTS admins (
    id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    username      VARCHAR(64) NOT NULL UNIQUE,
    password_kdf  VARCHAR(255) NOT NULL,   -- pbkdf2-sha256$iterations$salt_hex$hash_hex
    created_at    BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
