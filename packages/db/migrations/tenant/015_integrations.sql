-- Integrations (docs/INTEGRATIONS.md): bot accounts, incoming and outgoing webhooks, the SMS
-- and WhatsApp bridges with their address book, and the WhatsApp auth state.

-- A bot is a user row that signs in with a token instead of a password. `bot_scopes` says what
-- its token may do; people have NULL. Bots are not counted as seats nor shown in the directory.
ALTER TABLE users ADD COLUMN IF NOT EXISTS bot_scopes text[];
-- A message posted through an incoming webhook may name itself (Slack's `username`, `icon_url`).
ALTER TABLE messages ADD COLUMN IF NOT EXISTS sender_name text;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS sender_icon text;

DO $migration$
DECLARE
  s text := quote_ident(current_schema());
BEGIN
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION %1$s.user_counts_rows() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE %1$s.user_counts SET active = active
          + (SELECT count(*) FROM added WHERE status = 'active' AND bot_scopes IS NULL);
      ELSE
        UPDATE %1$s.user_counts SET active = active
          - (SELECT count(*) FROM removed WHERE status = 'active' AND bot_scopes IS NULL);
      END IF;
      RETURN NULL;
    END
    $body$;
  $f$, s);
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION %1$s.user_counts_status() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      IF NEW.bot_scopes IS NULL THEN
        UPDATE %1$s.user_counts SET active = active
          + (CASE WHEN NEW.status = 'active' THEN 1 ELSE 0 END)
          - (CASE WHEN OLD.status = 'active' THEN 1 ELSE 0 END);
      END IF;
      RETURN NULL;
    END
    $body$;
  $f$, s);
END
$migration$;
UPDATE user_counts SET active = (SELECT count(*) FROM users WHERE status = 'active' AND bot_scopes IS NULL);

CREATE TABLE IF NOT EXISTS bots (
  user_id integer PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  -- 'token': an API bot; 'webhook': the author of an incoming webhook's posts; 'bridge': SMS/WhatsApp.
  kind text NOT NULL CHECK (kind IN ('token', 'webhook', 'bridge')),
  created_by integer REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE IF NOT EXISTS incoming_webhooks (
  id serial PRIMARY KEY,
  group_id integer NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  name text NOT NULL,
  -- sha256 of the secret in the URL: the secret itself is shown once.
  secret_hash text NOT NULL UNIQUE,
  bot_user_id integer NOT NULL REFERENCES users (id),
  created_by integer REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

CREATE TABLE IF NOT EXISTS outgoing_webhooks (
  id serial PRIMARY KEY,
  url text NOT NULL,
  events text[] NOT NULL,
  -- NULL: every conversation the event happens in.
  group_ids integer[],
  secret text NOT NULL,
  created_by integer REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id bigserial PRIMARY KEY,
  webhook_id integer NOT NULL REFERENCES outgoing_webhooks (id) ON DELETE CASCADE,
  event text NOT NULL,
  message_id bigint,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'refused')),
  attempts integer NOT NULL DEFAULT 0,
  response_status integer,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (webhook_id, event, message_id)
);
-- Which tenants relay messages is cached by every instance (integration-jobs.ts) and forgotten
-- at commit when a webhook or a bridged conversation comes or goes (change notices, migration 014).
DROP TRIGGER IF EXISTS outgoing_webhooks_notify_change ON outgoing_webhooks;
CREATE TRIGGER outgoing_webhooks_notify_change AFTER INSERT OR UPDATE OR DELETE ON outgoing_webhooks
  FOR EACH ROW EXECUTE FUNCTION notify_change('relays', 'id');

CREATE INDEX IF NOT EXISTS webhook_deliveries_recent ON webhook_deliveries (webhook_id, id DESC);

-- The address book of people outside the workspace, reached through a bridge.
CREATE TABLE IF NOT EXISTS contacts (
  id serial PRIMARY KEY,
  name text NOT NULL,
  phones text[] NOT NULL DEFAULT '{}',
  tags text[] NOT NULL DEFAULT '{}',
  sms_opted_out_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS contacts_phones ON contacts USING gin (phones);

-- One conversation per contact and bridge; its messages are relayed both ways.
CREATE TABLE IF NOT EXISTS bridge_conversations (
  bridge text NOT NULL CHECK (bridge IN ('sms', 'whatsapp')),
  contact_id integer NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  group_id integer NOT NULL UNIQUE REFERENCES groups (id) ON DELETE CASCADE,
  PRIMARY KEY (bridge, contact_id)
);

DROP TRIGGER IF EXISTS bridge_conversations_notify_change ON bridge_conversations;
CREATE TRIGGER bridge_conversations_notify_change AFTER INSERT OR DELETE ON bridge_conversations
  FOR EACH ROW EXECUTE FUNCTION notify_change('relays', 'contact_id');

-- Every message a bridge relayed, by the provider's id: a redelivered webhook is a no-op.
CREATE TABLE IF NOT EXISTS bridge_messages (
  bridge text NOT NULL,
  external_id text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('in', 'out')),
  message_id bigint REFERENCES messages (id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'done',
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bridge, external_id)
);

-- The WhatsApp (Baileys) auth state: credentials and signal keys, Buffers kept by BufferJSON.
-- `tenant` repeats the schema's name and every statement checks it.
CREATE TABLE IF NOT EXISTS whatsapp_auth (
  tenant text NOT NULL,
  category text NOT NULL,
  key_id text NOT NULL,
  value text NOT NULL,
  expires_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, category, key_id)
);
CREATE INDEX IF NOT EXISTS whatsapp_auth_expiry ON whatsapp_auth (expires_at) WHERE expires_at IS NOT NULL;
