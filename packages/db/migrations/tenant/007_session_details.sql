-- What "where am I signed in" shows: the browser or app that opened a session, and when it
-- last connected.
ALTER TABLE sessions ADD COLUMN user_agent text;
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz;
