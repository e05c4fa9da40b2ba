-- Link previews, cached per URL; a message points at the preview of its first URL.
CREATE TABLE link_previews (
  url text PRIMARY KEY,
  title text,
  description text,
  image_url text,
  ok boolean NOT NULL,
  fetched_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE messages ADD COLUMN preview_url text;
