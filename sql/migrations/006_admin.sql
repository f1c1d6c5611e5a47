-- Admin API (docs/ADMIN-API.md): roles, sessions, login lock-out, audit
-- log, the per-line kick generation and the stream command queue.

ALTER TABLE admins ADD COLUMN IF NOT EXISTS role ENUM('admin','viewer') NOT NULL DEFAULT 'admin';
ALTER TABLE admins ADD COLUMN IF NOT EXISTS last_login BIGINT NOT NULL DEFAULT 0;

-- only SHA-256 of the cookie's session id is stored: a dump of this table
-- cannot be replayed as a cookie
CREATE TABLE IF NOT EXISTS admin_sessions (
    id_hash     BINARY(32) NOT NULL PRIMARY KEY,
    admin_id    INT UNSIGNED NOT NULL,
    csrf_token  CHAR(64) NOT NULL,
    address     VARCHAR(64) NOT NULL DEFAULT '',
    created     BIGINT NOT NULL,
    last_seen   BIGINT NOT NULL,
    expires     BIGINT NOT NULL,
    KEY (admin_id),
    KEY (expires),
    CONSTRAINT fk_admin_sessions_admin FOREIGN KEY (admin_id) REFERENCES admins (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- failed logins per username ('u:name') and per address ('a:1.2.3.4')
CREATE TABLE IF NOT EXISTS admin_login_failures (
    scope_key     VARCHAR(96) NOT NULL PRIMARY KEY,
    failures      INT UNSIGNED NOT NULL DEFAULT 0,
    window_start  BIGINT NOT NULL,
    locked_until  BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- one row per change, written in the change's own transaction
CREATE TABLE IF NOT EXISTS admin_audit (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at           BIGINT NOT NULL,
    admin        VARCHAR(80) NOT NULL,
    address      VARCHAR(64) NOT NULL DEFAULT '',
    action       VARCHAR(16) NOT NULL,
    resource     VARCHAR(32) NOT NULL,
    resource_id  VARCHAR(64) NOT NULL DEFAULT '',
    detail       TEXT NULL,
    KEY (at),
    KEY (resource, resource_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- "kill this line's connections": bumped by the API, compiled into
-- lines.snap (section XT_SEC_LINE_KICKS); the module ends connections
-- admitted under an older value.  An UPDATE of `lines`, so the existing
-- trigger rebuilds the lines snapshot.
ALTER TABLE `lines` ADD COLUMN IF NOT EXISTS kick INT UNSIGNED NOT NULL DEFAULT 0;

-- start/stop/restart asked through the API; each xtreamd reads the rows
-- for its server (or 0 = every server) newer than the last one it saw
CREATE TABLE IF NOT EXISTS stream_commands (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    stream_id   INT UNSIGNED NOT NULL,
    server_id   INT UNSIGNED NOT NULL DEFAULT 0,
    action      ENUM('start','stop','restart') NOT NULL,
    created     BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
