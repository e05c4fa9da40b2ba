-- Server-made thumbnails of image messages.
ALTER TABLE messages ADD COLUMN thumb_key text;
