-- Web Push subscriptions: one per person per device class (a new one replaces the old), with
-- the outcome of the last delivery for the admins' debug view.
CREATE TABLE push_subscriptions (
  id bigserial PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  device text NOT NULL CHECK (device IN ('mobile', 'desktop')),
  endpoint text NOT NULL UNIQUE,
  p256dh text NOT NULL,
  auth text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_success_at timestamptz,
  last_error text
);
CREATE UNIQUE INDEX push_subscriptions_one_per_device ON push_subscriptions (user_id, device);
