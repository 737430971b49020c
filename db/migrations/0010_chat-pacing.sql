-- Up Migration

-- Per-chat flood limits (about 1 message a second to a private chat after a short burst, 20 a minute to a group),
-- shared by every worker and bot process. One row per chat that may not take a full burst right now: `full_at_ms` is
-- the moment (epoch ms) its bucket is full again (the "theoretical arrival time" of a generic cell rate algorithm),
-- `shift_ms` how far the chat's schedule has been moved back because messages reached Telegram later than their
-- slots. A row whose moment has passed says nothing an absent row would not, so idle rows are deleted and the table
-- holds only the chats messaged in the last few seconds (a minute for groups).
CREATE TABLE chat_pacing (
  bot_id bigint NOT NULL,
  chat_id bigint NOT NULL,
  full_at_ms double precision NOT NULL,
  shift_ms double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (bot_id, chat_id)
);

-- Down Migration

DROP TABLE chat_pacing;
