-- issue 19: the username a failed-login row counts for (NULL for a row of
-- an address alone), so the Admins page can show an admin's lock-out and
-- release it whatever the key looks like (the key may be a hash)
ALTER TABLE admin_login_failures ADD COLUMN IF NOT EXISTS username VARCHAR(64) NULL DEFAULT NULL;
CREATE INDEX IF NOT EXISTS alf_username ON admin_login_failures (username);
