-- Commit-time change notices for the per-instance caches (ARCHITECTURE.md, "Cost of a send"):
-- an instance keeps a live session's user in memory and forgets it when Postgres says, at
-- commit, that the person or one of their sessions changed — whichever instance or script made
-- the change. Payload: "user:<schema>:<id>" or "group:<schema>:<id>" on channel
-- rosterchirp_changes (pg_notify folds repeats within a transaction into one).
CREATE OR REPLACE FUNCTION notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
BEGIN
  -- TG_ARGV: the kind of thing that changed and the column naming it.
  PERFORM pg_notify('rosterchirp_changes', TG_ARGV[0] || ':' || TG_TABLE_SCHEMA || ':' || (changed ->> TG_ARGV[1]));
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS users_notify_change ON users;
DROP TRIGGER IF EXISTS sessions_notify_change ON sessions;
DROP TRIGGER IF EXISTS groups_notify_change ON groups;
DROP TRIGGER IF EXISTS group_members_notify_change ON group_members;

-- Any change of a person (a stale last_online in a cached copy would be harmless, but one
-- trigger for every column stays right when columns are added).
CREATE TRIGGER users_notify_change AFTER UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION notify_change('user', 'id');
-- A session revoked, expired early or removed (not the last-seen stamp).
CREATE TRIGGER sessions_notify_change AFTER UPDATE OF revoked_at, expires_at, user_id OR DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION notify_change('user', 'user_id');
-- A conversation's kind, name or owner (not its change sequence, bumped by every message).
CREATE TRIGGER groups_notify_change AFTER UPDATE OF type, name, created_by OR DELETE ON groups
  FOR EACH ROW EXECUTE FUNCTION notify_change('group', 'id');
-- Who is a member (not their read position, moved by every "mark read").
CREATE TRIGGER group_members_notify_change AFTER INSERT OR UPDATE OF group_id, user_id OR DELETE ON group_members
  FOR EACH ROW EXECUTE FUNCTION notify_change('group', 'group_id');

-- What a person may do with a conversation, asked before every send and most reads. As a
-- plpgsql function its plan is made once per database connection and kept (PgBouncer's
-- transaction mode rules out prepared statements; planning the same query with its subqueries
-- was ~170 µs of Postgres CPU per send in `pnpm bench:send-profile`). Tables are named outright
-- (baked in from the migration's search_path), as in migration 008.
DO $migration$
DECLARE
  s text := quote_ident(current_schema());
BEGIN
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION %1$s.group_access(p_group integer, p_user integer)
    RETURNS TABLE (id integer, type text, name text, created_by integer, is_member boolean, readonly boolean)
    LANGUAGE plpgsql STABLE AS $body$
    #variable_conflict use_column
    BEGIN
      RETURN QUERY
      SELECT g.id, g.type, g.name, g.created_by,
        EXISTS (SELECT 1 FROM %1$s.group_members WHERE group_id = g.id AND user_id = p_user),
        (g.type = 'direct' AND (
          (SELECT count(*) FROM %1$s.group_members WHERE group_id = g.id) < 2
          OR EXISTS (SELECT 1 FROM %1$s.group_members dm JOIN %1$s.users du ON du.id = dm.user_id
                     WHERE dm.group_id = g.id AND du.status = 'deleted')))
      FROM %1$s.groups g WHERE g.id = p_group;
    END
    $body$;
  $f$, s);
END
$migration$;

-- How many people are active, kept by triggers instead of counted: a public channel's member
-- count is everyone active, and counting the users table on every conversation list was the
-- largest cost of Mattermost's user model at 25,000 people (`pnpm bench -- --statements`).
CREATE TABLE IF NOT EXISTS user_counts (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  active integer NOT NULL
);
INSERT INTO user_counts (active) SELECT count(*) FROM users WHERE status = 'active'
  ON CONFLICT (only_row) DO UPDATE SET active = EXCLUDED.active;

DO $migration$
DECLARE
  s text := quote_ident(current_schema());
BEGIN
  -- Rows added or removed: one update per statement (a bulk import is one).
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION %1$s.user_counts_rows() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE %1$s.user_counts SET active = active + (SELECT count(*) FROM added WHERE status = 'active');
      ELSE
        UPDATE %1$s.user_counts SET active = active - (SELECT count(*) FROM removed WHERE status = 'active');
      END IF;
      RETURN NULL;
    END
    $body$;
  $f$, s);
  -- A person's status changed (rare: suspend, resume, delete).
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION %1$s.user_counts_status() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      UPDATE %1$s.user_counts SET active = active
        + (CASE WHEN NEW.status = 'active' THEN 1 ELSE 0 END)
        - (CASE WHEN OLD.status = 'active' THEN 1 ELSE 0 END);
      RETURN NULL;
    END
    $body$;
  $f$, s);
END
$migration$;

DROP TRIGGER IF EXISTS users_count_added ON users;
DROP TRIGGER IF EXISTS users_count_removed ON users;
DROP TRIGGER IF EXISTS users_count_status ON users;
CREATE TRIGGER users_count_added AFTER INSERT ON users REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION user_counts_rows();
CREATE TRIGGER users_count_removed AFTER DELETE ON users REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION user_counts_rows();
CREATE TRIGGER users_count_status AFTER UPDATE OF status ON users
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION user_counts_status();

-- The public channels by index: the conversation list starts from them and the viewer's
-- memberships instead of scanning every conversation (see group-mapping.ts).
CREATE INDEX IF NOT EXISTS groups_public ON groups (id) WHERE type = 'public';

-- Who may get a push for a message: run once per message by the push fan-out job. As a plpgsql
-- function its plan is made once per connection (planning it was 260–420 µs per message in
-- `pnpm bench -- --statements`, more than running it).
DO $migration$
DECLARE
  s text := quote_ident(current_schema());
BEGIN
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION %1$s.push_candidates(p_group integer, p_public boolean, p_default_level text,
      p_author integer, p_mentions text[], p_message bigint, p_reclaim_seconds double precision)
    RETURNS TABLE (user_id integer, level text, mentioned boolean, preferences jsonb, subscription_id bigint,
      endpoint text, p256dh text, auth text, held boolean)
    LANGUAGE plpgsql STABLE AS $body$
    #variable_conflict use_column
    BEGIN
      RETURN QUERY
      SELECT u.id, coalesce(cp.level, p_default_level),
             (u.handle = ANY(p_mentions) OR 'here' = ANY(p_mentions) OR 'channel' = ANY(p_mentions)),
             u.preferences, ps.id, ps.endpoint, ps.p256dh, ps.auth,
             (pd.message_id IS NOT NULL AND pd.claimed_at >= now() - make_interval(secs => p_reclaim_seconds))
        FROM %1$s.users u
        JOIN %1$s.push_subscriptions ps ON ps.user_id = u.id
        LEFT JOIN %1$s.conversation_prefs cp ON cp.user_id = u.id AND cp.group_id = p_group
        LEFT JOIN %1$s.push_deliveries pd ON pd.message_id = p_message AND pd.subscription_id = ps.id
       WHERE u.status = 'active' AND u.id <> p_author
         -- Public channels: everyone who has not left; other kinds: the members.
         AND CASE WHEN p_public THEN cp.left_at IS NULL
                  ELSE EXISTS (SELECT 1 FROM %1$s.group_members gm WHERE gm.group_id = p_group AND gm.user_id = u.id)
             END
         AND pd.sent_at IS NULL
       ORDER BY ps.id;
    END
    $body$;
  $f$, s);
END
$migration$;
