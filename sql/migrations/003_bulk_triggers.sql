-- The change triggers of 002, recreated so that a session that sets
-- @xt_bulk (only `xtreamctl import`, xtreamd/xt_import_apply.c) skips the
-- per-row counter bump: it bumps each domain it wrote once, in the same
-- transaction, before COMMIT.  Every other writer leaves @xt_bulk NULL and
-- is counted row by row exactly as before.  One statement per line: the
-- ";" inside a body is not at the end of a line, so the migration runner
-- (xt_migrate_split) keeps each CREATE whole.  CREATE OR REPLACE swaps a
-- trigger atomically: no window without one.
CREATE OR REPLACE TRIGGER trg_lines_ai AFTER INSERT ON `lines` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'lines'; END IF;
CREATE OR REPLACE TRIGGER trg_lines_au AFTER UPDATE ON `lines` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'lines'; END IF;
CREATE OR REPLACE TRIGGER trg_lines_ad AFTER DELETE ON `lines` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'lines'; END IF;
CREATE OR REPLACE TRIGGER trg_line_bouquets_ai AFTER INSERT ON `line_bouquets` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'lines'; END IF;
CREATE OR REPLACE TRIGGER trg_line_bouquets_au AFTER UPDATE ON `line_bouquets` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'lines'; END IF;
CREATE OR REPLACE TRIGGER trg_line_bouquets_ad AFTER DELETE ON `line_bouquets` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'lines'; END IF;
CREATE OR REPLACE TRIGGER trg_settings_ai AFTER INSERT ON `settings` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_settings_au AFTER UPDATE ON `settings` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_settings_ad AFTER DELETE ON `settings` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_servers_ai AFTER INSERT ON `servers` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_servers_au AFTER UPDATE ON `servers` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_servers_ad AFTER DELETE ON `servers` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_categories_ai AFTER INSERT ON `categories` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_categories_au AFTER UPDATE ON `categories` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_categories_ad AFTER DELETE ON `categories` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_streams_ai AFTER INSERT ON `streams` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_streams_au AFTER UPDATE ON `streams` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_streams_ad AFTER DELETE ON `streams` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_stream_sources_ai AFTER INSERT ON `stream_sources` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_stream_sources_au AFTER UPDATE ON `stream_sources` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_stream_sources_ad AFTER DELETE ON `stream_sources` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_stream_servers_ai AFTER INSERT ON `stream_servers` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_stream_servers_au AFTER UPDATE ON `stream_servers` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_stream_servers_ad AFTER DELETE ON `stream_servers` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_transcode_profiles_ai AFTER INSERT ON `transcode_profiles` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_transcode_profiles_au AFTER UPDATE ON `transcode_profiles` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_transcode_profiles_ad AFTER DELETE ON `transcode_profiles` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_movies_ai AFTER INSERT ON `movies` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_movies_au AFTER UPDATE ON `movies` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_movies_ad AFTER DELETE ON `movies` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_series_ai AFTER INSERT ON `series` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_series_au AFTER UPDATE ON `series` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_series_ad AFTER DELETE ON `series` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_series_seasons_ai AFTER INSERT ON `series_seasons` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_series_seasons_au AFTER UPDATE ON `series_seasons` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_series_seasons_ad AFTER DELETE ON `series_seasons` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_episodes_ai AFTER INSERT ON `episodes` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_episodes_au AFTER UPDATE ON `episodes` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_episodes_ad AFTER DELETE ON `episodes` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_bouquets_ai AFTER INSERT ON `bouquets` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_bouquets_au AFTER UPDATE ON `bouquets` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_bouquets_ad AFTER DELETE ON `bouquets` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_bouquet_items_ai AFTER INSERT ON `bouquet_items` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_bouquet_items_au AFTER UPDATE ON `bouquet_items` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_bouquet_items_ad AFTER DELETE ON `bouquet_items` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'catalog'; END IF;
CREATE OR REPLACE TRIGGER trg_epg_channels_ai AFTER INSERT ON `epg_channels` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'epg'; END IF;
CREATE OR REPLACE TRIGGER trg_epg_channels_au AFTER UPDATE ON `epg_channels` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'epg'; END IF;
CREATE OR REPLACE TRIGGER trg_epg_channels_ad AFTER DELETE ON `epg_channels` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'epg'; END IF;
CREATE OR REPLACE TRIGGER trg_epg_programmes_ai AFTER INSERT ON `epg_programmes` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'epg'; END IF;
CREATE OR REPLACE TRIGGER trg_epg_programmes_au AFTER UPDATE ON `epg_programmes` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'epg'; END IF;
CREATE OR REPLACE TRIGGER trg_epg_programmes_ad AFTER DELETE ON `epg_programmes` FOR EACH ROW IF @xt_bulk IS NULL THEN UPDATE change_counters SET counter = counter + 1 WHERE domain = 'epg'; END IF;
