-- Up Migration

-- Lanes of a bot's send rate (issue #15): an answer to a user's action books the next slot at once, scheduled sends
-- (lessons) and bulk sends book only slots close to now, so an answer never queues behind a backlog of them.
-- `scheduled_waiting_until_ms`: until when (epoch ms) a scheduled message is known to be waiting for a slot; while it
-- is, bulk sends may take only their share of the slots, one per `bulk_next_ms` at most.
ALTER TABLE send_pacing
  ADD COLUMN scheduled_waiting_until_ms double precision NOT NULL DEFAULT 0,
  ADD COLUMN bulk_next_ms double precision NOT NULL DEFAULT 0;

-- Down Migration

ALTER TABLE send_pacing DROP COLUMN scheduled_waiting_until_ms, DROP COLUMN bulk_next_ms;
