-- A person's own settings (quiet hours with their time zone, sounds, theme) as one JSON object,
-- validated by the API.
ALTER TABLE users ADD COLUMN preferences jsonb NOT NULL DEFAULT '{}';

-- One row per message per device that a push was sent (or is being sent) to: a fan-out that is
-- run again after a crash skips what was sent, and two runs at once never both send. `sent_at`
-- is null while the request is in flight; a claim older than the job lease may be taken again.
CREATE TABLE push_deliveries (
  message_id bigint NOT NULL,
  subscription_id bigint NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  PRIMARY KEY (message_id, subscription_id)
);
CREATE INDEX push_deliveries_claimed_at ON push_deliveries (claimed_at);
