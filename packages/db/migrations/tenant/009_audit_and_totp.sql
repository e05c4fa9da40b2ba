-- The tenant's audit log (who did what, from where), written in the same transaction as the
-- change it records, and two-factor sign-in (TOTP secret, recovery codes kept hashed).
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id integer REFERENCES users (id) ON DELETE SET NULL,
  action text NOT NULL,
  target_type text,
  target_id text,
  ip text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_action_idx ON audit_log (action, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id DESC);

-- totp_secret is set at setup; totp_enabled_at only once a code confirmed it.
ALTER TABLE users ADD COLUMN totp_secret text;
ALTER TABLE users ADD COLUMN totp_enabled_at timestamptz;
-- The time step of the last code accepted: a code is never accepted twice (replay).
ALTER TABLE users ADD COLUMN totp_last_step bigint;

CREATE TABLE totp_recovery_codes (
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);
