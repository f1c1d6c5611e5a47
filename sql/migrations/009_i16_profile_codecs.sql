-- Issue 16: codecs of a transcode profile's ladder. Each rung of the ladder
-- JSON may name its own video_codec / audio_codec; these are the defaults
-- for rungs that do not.
-- video_codec: h264 (libx264) or hevc (libx265).
-- audio_codec: aac, mp3 (libmp3lame) or copy (the source's audio passed
-- through; it must be audio MPEG-TS carries: AAC, MP3, MP2, AC-3, E-AC-3).
ALTER TABLE transcode_profiles ADD COLUMN IF NOT EXISTS video_codec ENUM('h264', 'hevc') NOT NULL DEFAULT 'h264';
ALTER TABLE transcode_profiles ADD COLUMN IF NOT EXISTS audio_codec ENUM('aac', 'mp3', 'copy') NOT NULL DEFAULT 'aac';
