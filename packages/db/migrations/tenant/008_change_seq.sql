-- Recovery of changes: every conversation has a change sequence that grows with each message
-- created, edited, deleted, reacted to, pinned or given a preview or thumbnail; the message
-- carries the sequence of its latest change. A reconnecting client asks for everything after
-- the highest sequence it saw (GET /api/groups/:id/changes?since=) and its view equals a fresh
-- load. Triggers keep it, so no code path can change a message without it.
--
-- Ordering: the bump updates the group's row, whose lock is held until commit, so changes of
-- one conversation commit in sequence order and `since=` can never skip one committed late.
--
-- Written to be re-runnable (a schema whose migration record was lost applies it again safely).
ALTER TABLE groups ADD COLUMN IF NOT EXISTS change_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS seq bigint NOT NULL DEFAULT 0;
DROP TRIGGER IF EXISTS messages_stamp_seq ON messages;
DROP TRIGGER IF EXISTS reactions_stamp_seq ON reactions;

-- Existing messages: their id is a valid, per-group increasing sequence to continue from.
UPDATE messages SET seq = id WHERE seq = 0;
UPDATE groups g SET change_seq = coalesce((SELECT max(m.seq) FROM messages m WHERE m.group_id = g.id), 0)
  WHERE change_seq = 0;
CREATE INDEX IF NOT EXISTS messages_group_seq ON messages (group_id, seq);

-- The functions name their schema's tables outright (baked in here from the migration's
-- search_path): a function-level SET search_path would cost a settings save and restore on every
-- message written, which `pnpm bench:send-profile` showed on the send path.
DO $migration$
DECLARE
  s text := quote_ident(current_schema());
BEGIN
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION %1$s.messages_stamp_seq() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      -- An UPDATE that sets seq itself (the reactions trigger) has already taken its number.
      IF TG_OP = 'UPDATE' AND NEW.seq IS DISTINCT FROM OLD.seq THEN
        RETURN NEW;
      END IF;
      UPDATE %1$s.groups SET change_seq = change_seq + 1 WHERE id = NEW.group_id
        RETURNING change_seq INTO NEW.seq;
      RETURN NEW;
    END
    $body$;
  $f$, s);
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION %1$s.reactions_stamp_seq() RETURNS trigger LANGUAGE plpgsql AS $body$
    DECLARE
      changed_id bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.message_id ELSE NEW.message_id END;
      changed_group integer;
      next_seq bigint;
    BEGIN
      -- The message row first, then the group's (as every edit does): the same lock order
      -- everywhere, so a reaction and an edit of one message never deadlock.
      SELECT group_id INTO changed_group FROM %1$s.messages WHERE id = changed_id FOR UPDATE;
      IF NOT FOUND THEN
        RETURN NULL; -- the message itself is being deleted
      END IF;
      UPDATE %1$s.groups SET change_seq = change_seq + 1 WHERE id = changed_group
        RETURNING change_seq INTO next_seq;
      UPDATE %1$s.messages SET seq = next_seq WHERE id = changed_id;
      RETURN NULL;
    END
    $body$;
  $f$, s);
END
$migration$;

CREATE TRIGGER messages_stamp_seq BEFORE INSERT OR UPDATE ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_stamp_seq();
CREATE TRIGGER reactions_stamp_seq AFTER INSERT OR DELETE ON reactions
  FOR EACH ROW EXECUTE FUNCTION reactions_stamp_seq();
