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
