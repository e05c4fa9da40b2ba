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

CREATE OR REPLACE FUNCTION next_change_seq(p_group_id integer) RETURNS bigint
LANGUAGE sql SET search_path FROM CURRENT AS $$
  UPDATE groups SET change_seq = change_seq + 1 WHERE id = p_group_id RETURNING change_seq
$$;

CREATE OR REPLACE FUNCTION messages_stamp_seq() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  -- An UPDATE that sets seq itself (the reactions trigger) has already taken its number.
  IF TG_OP = 'UPDATE' AND NEW.seq IS DISTINCT FROM OLD.seq THEN
    RETURN NEW;
  END IF;
  NEW.seq := next_change_seq(NEW.group_id);
  RETURN NEW;
END
$$;
CREATE TRIGGER messages_stamp_seq BEFORE INSERT OR UPDATE ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_stamp_seq();

CREATE OR REPLACE FUNCTION reactions_stamp_seq() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  changed_id bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.message_id ELSE NEW.message_id END;
BEGIN
  -- The message row first, then the group's (as every edit does): the same lock order
  -- everywhere, so a reaction and an edit of one message never deadlock.
  PERFORM 1 FROM messages WHERE id = changed_id FOR UPDATE;
  UPDATE messages SET seq = next_change_seq(group_id) WHERE id = changed_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER reactions_stamp_seq AFTER INSERT OR DELETE ON reactions
  FOR EACH ROW EXECUTE FUNCTION reactions_stamp_seq();
