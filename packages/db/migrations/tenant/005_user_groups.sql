-- User groups (Group Manager): named sets of users; each owns a managed chat whose membership
-- follows it. Direct-message restrictions between user groups.
CREATE TABLE user_groups (
  id serial PRIMARY KEY,
  name text NOT NULL,
  managed_group_id integer UNIQUE REFERENCES groups (id) ON DELETE SET NULL,
  created_by integer REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX user_groups_name_key ON user_groups (lower(name));

CREATE TABLE user_group_members (
  user_group_id integer NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (user_group_id, user_id)
);
CREATE INDEX user_group_members_user ON user_group_members (user_id);

-- Members of from_user_group may not start a direct message with members of to_user_group.
CREATE TABLE dm_restrictions (
  from_user_group integer NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
  to_user_group integer NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
  PRIMARY KEY (from_user_group, to_user_group)
);
