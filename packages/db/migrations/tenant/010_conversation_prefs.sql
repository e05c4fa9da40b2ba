-- A person's choices about one conversation: how much it notifies them (all, mentions, none;
-- unset = the kind's default) and, for public channels, that they left it (it leaves their list
-- until they join again from the channel browser).
CREATE TABLE conversation_prefs (
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  group_id integer NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  level text CHECK (level IN ('all', 'mentions', 'none')),
  left_at timestamptz,
  PRIMARY KEY (user_id, group_id)
);
