-- Schedule (Team plan): events (one row per series), RSVPs per occurrence, each
-- person's secret calendar-feed token, and which devices a reminder went to.
-- Event types exist since 001 (seeded at first start); names are unique regardless of case.
CREATE UNIQUE INDEX event_types_lower_name_key ON event_types (lower(name));

-- A one-off event or a recurring series. Times are instants; `time_zone` is where the
-- recurrence is computed (a weekly 09:00 stays 09:00 there across daylight-saving changes).
-- `series_ends_at` is the end of the last occurrence (null: the series never ends), so a range
-- query reads only the series that can have an occurrence in it.
CREATE TABLE events (
  id serial PRIMARY KEY,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  location text NOT NULL DEFAULT '',
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  all_day boolean NOT NULL DEFAULT false,
  time_zone text NOT NULL,
  type_id integer NOT NULL REFERENCES event_types (id),
  audience_group_id integer REFERENCES groups (id) ON DELETE CASCADE,
  audience_user_group_id integer REFERENCES user_groups (id) ON DELETE CASCADE,
  recurrence jsonb,
  exceptions timestamptz[] NOT NULL DEFAULT '{}',
  series_ends_at timestamptz,
  reminder_minutes integer,
  created_by integer REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  CHECK (audience_group_id IS NULL OR audience_user_group_id IS NULL)
);
CREATE INDEX events_range ON events (starts_at, series_ends_at);
CREATE INDEX events_audience_group ON events (audience_group_id) WHERE audience_group_id IS NOT NULL;
CREATE INDEX events_audience_user_group ON events (audience_user_group_id)
  WHERE audience_user_group_id IS NOT NULL;

CREATE TABLE event_rsvps (
  event_id integer NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  occurrence_start timestamptz NOT NULL,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('going', 'maybe', 'not_going')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, occurrence_start, user_id)
);

-- Only the hash of a feed token is kept; a new token replaces the old one.
CREATE TABLE calendar_tokens (
  user_id integer PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per device a reminder of an occurrence was sent to: never twice.
CREATE TABLE reminder_deliveries (
  event_id integer NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  occurrence_start timestamptz NOT NULL,
  subscription_id bigint NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, occurrence_start, subscription_id)
);
