-- Up Migration

-- Lesson media uploaded once per bot: Telegram's file_id for a source (URL), kept per bot because file ids belong
-- to the bot that received them.
CREATE TABLE media_files (
  bot_id bigint NOT NULL,
  source text NOT NULL,
  kind text NOT NULL,
  file_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bot_id, source)
);

-- Down Migration

DROP TABLE media_files;
