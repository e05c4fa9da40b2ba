-- Search: full-text (word prefixes) plus trigrams (any part of a word). pg_trgm is created in
-- schema public by the migrator before tenant migrations run.
ALTER TABLE messages
  ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED;
CREATE INDEX messages_search ON messages USING gin (search);
CREATE INDEX messages_content_trgm ON messages USING gin (content public.gin_trgm_ops);
