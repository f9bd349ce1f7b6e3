-- When the server holding the embed lock started: a lock taken before the server (re)started belongs to a
-- connection that is gone, so it is free at once rather than after the heartbeat expiry.
ALTER TABLE embed_lock ADD COLUMN IF NOT EXISTS server_started timestamptz;
