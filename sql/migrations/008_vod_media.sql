-- What ffprobe reads from a movie's or an episode's file, for get_vod_info
-- and get_series_info ("video", "audio", "bitrate"): the first video and
-- the first audio stream; '' / 0 when unknown (the answers then carry {}).
ALTER TABLE movies
    ADD COLUMN IF NOT EXISTS video_codec       VARCHAR(32) NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS video_width       INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS video_height      INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS audio_codec       VARCHAR(32) NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS audio_channels    INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS audio_sample_rate INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS bitrate_kbps      INT UNSIGNED NOT NULL DEFAULT 0;
ALTER TABLE episodes
    ADD COLUMN IF NOT EXISTS video_codec       VARCHAR(32) NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS video_width       INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS video_height      INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS audio_codec       VARCHAR(32) NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS audio_channels    INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS audio_sample_rate INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS bitrate_kbps      INT UNSIGNED NOT NULL DEFAULT 0;
