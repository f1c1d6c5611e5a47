-- Issue 15: how a stream's sources are read.
-- read_native_rate: auto paces a source that can run ahead of real time (a
-- file, a file over HTTP, an HLS VOD playlist) on its own timestamps; on
-- paces every source; off never paces.
-- source_loop: a file-like source starts again at its end (else the next
-- source is tried).
ALTER TABLE streams ADD COLUMN IF NOT EXISTS read_native_rate ENUM('auto', 'on', 'off') NOT NULL DEFAULT 'auto';
ALTER TABLE streams ADD COLUMN IF NOT EXISTS source_loop TINYINT(1) NOT NULL DEFAULT 1;
