-- Core chat schema of one tenant. Runs with search_path set to the tenant schema.

CREATE TABLE settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id serial PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL,
  display_name text,
  handle text NOT NULL,
  phone text,
  avatar_key text,
  about_me text,
  role text NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'manager', 'member')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'deleted')),
  password_hash text,
  must_change_password boolean NOT NULL DEFAULT false,
  last_online timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_handle_key ON users (handle);

CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  device text NOT NULL CHECK (device IN ('mobile', 'desktop')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_reason text
);
CREATE UNIQUE INDEX sessions_one_active_per_device ON sessions (user_id, device) WHERE revoked_at IS NULL;

CREATE TABLE groups (
  id serial PRIMARY KEY,
  type text NOT NULL CHECK (type IN ('public', 'private', 'direct', 'managed')),
  name text NOT NULL,
  avatar_key text,
  created_by integer REFERENCES users (id),
  direct_key text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE group_members (
  group_id integer NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'member')),
  last_read_id bigint NOT NULL DEFAULT 0,
  joined_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

-- Read positions for public groups, where users are not members.
CREATE TABLE read_positions (
  group_id integer NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  last_read_id bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (group_id, user_id)
);

CREATE TABLE messages (
  id bigserial PRIMARY KEY,
  group_id integer NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  author_id integer REFERENCES users (id),
  client_id text,
  kind text NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'system')),
  content text NOT NULL DEFAULT '',
  image_key text,
  reply_to bigint REFERENCES messages (id),
  mentions text[] NOT NULL DEFAULT '{}',
  pinned_at timestamptz,
  pinned_by integer REFERENCES users (id),
  edited_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX messages_client_key ON messages (author_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX messages_group_id ON messages (group_id, id);

CREATE TABLE message_edits (
  id bigserial PRIMARY KEY,
  message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  content text NOT NULL,
  edited_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reactions (
  message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  emoji text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, user_id, emoji)
);

CREATE TABLE event_types (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  colour text NOT NULL
);
