-- Uploads issued to users: a message or avatar may only point at an upload its user made.
CREATE TABLE uploads (
  key text PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('image', 'avatar', 'logo')),
  content_type text NOT NULL,
  size integer NOT NULL CHECK (size > 0),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'stored')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX uploads_user ON uploads (user_id, created_at);
