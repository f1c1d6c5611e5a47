-- Many servers (issue 11): load reports and the cluster snapshot.
-- servers (001) lists the main and the streaming nodes; stream_servers
-- (001) places streams on them.  Load lives in its own table because it
-- changes every few seconds: servers rows bump the catalog counter (002),
-- a load report must not rebuild the catalog.  Each node's xtreamd upserts
-- its row on the PRIMARY (its write connection) every load_report_ms; the
-- row replicates to every replica like any other.
CREATE TABLE IF NOT EXISTS server_load (
    server_id       INT UNSIGNED NOT NULL PRIMARY KEY,
    connections     INT UNSIGNED NOT NULL DEFAULT 0,   -- live_connections rows of the server
    out_kbps        INT UNSIGNED NOT NULL DEFAULT 0,   -- transmit rate of the machine
    cpu_pct         INT UNSIGNED NOT NULL DEFAULT 0,   -- 0..100, all cores
    streams_running INT UNSIGNED NOT NULL DEFAULT 0,   -- worker processes alive
    last_seen       BIGINT NOT NULL DEFAULT 0,         -- unix seconds of the report
    CONSTRAINT fk_sl_server FOREIGN KEY (server_id) REFERENCES servers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- the cluster snapshot (cluster.snap): servers, loads, placement and the
-- per-line connection counts of every server; bumped by the triggers below
INSERT IGNORE INTO change_counters (domain, counter) VALUES ('cluster', 1);

-- connection keys are counted per nginx (every server starts at 1): the
-- key of a live connection is (server, conn_key), else servers overwrite
-- each other's rows
ALTER TABLE live_connections DROP PRIMARY KEY, ADD PRIMARY KEY (server_id, conn_key);
ALTER TABLE live_connections ADD KEY IF NOT EXISTS k_lc_server_line (server_id, line_id);

CREATE TRIGGER IF NOT EXISTS trg_server_load_ai AFTER INSERT ON `server_load` FOR EACH ROW UPDATE change_counters SET counter = counter + 1 WHERE domain = 'cluster';
CREATE TRIGGER IF NOT EXISTS trg_server_load_au AFTER UPDATE ON `server_load` FOR EACH ROW UPDATE change_counters SET counter = counter + 1 WHERE domain = 'cluster';
CREATE TRIGGER IF NOT EXISTS trg_server_load_ad AFTER DELETE ON `server_load` FOR EACH ROW UPDATE change_counters SET counter = counter + 1 WHERE domain = 'cluster';
CREATE TRIGGER IF NOT EXISTS trg_servers_cl_ai AFTER INSERT ON `servers` FOR EACH ROW UPDATE change_counters SET counter = counter + 1 WHERE domain = 'cluster';
CREATE TRIGGER IF NOT EXISTS trg_servers_cl_au AFTER UPDATE ON `servers` FOR EACH ROW UPDATE change_counters SET counter = counter + 1 WHERE domain = 'cluster';
CREATE TRIGGER IF NOT EXISTS trg_servers_cl_ad AFTER DELETE ON `servers` FOR EACH ROW UPDATE change_counters SET counter = counter + 1 WHERE domain = 'cluster';
CREATE TRIGGER IF NOT EXISTS trg_stream_servers_cl_ai AFTER INSERT ON `stream_servers` FOR EACH ROW UPDATE change_counters SET counter = counter + 1 WHERE domain = 'cluster';
CREATE TRIGGER IF NOT EXISTS trg_stream_servers_cl_au AFTER UPDATE ON `stream_servers` FOR EACH ROW UPDATE change_counters SET counter = counter + 1 WHERE domain = 'cluster';
CREATE TRIGGER IF NOT EXISTS trg_stream_servers_cl_ad AFTER DELETE ON `stream_servers` FOR EACH ROW UPDATE change_counters SET counter = counter + 1 WHERE domain = 'cluster';
