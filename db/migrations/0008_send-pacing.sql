-- Up Migration

-- One row per bot: the next free moment (epoch ms) for a message from it. Every worker reserves its sends here, so
-- a bot's messages stay under Telegram's global limit however many workers run.
CREATE TABLE send_pacing (
  bot_id bigint PRIMARY KEY,
  next_slot_ms double precision NOT NULL
);

-- Down Migration

DROP TABLE send_pacing;
