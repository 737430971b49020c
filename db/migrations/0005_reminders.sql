-- Up Migration

-- How long after a lesson a FEEDBACK/PREMIUM student who has not handed in its assignment gets one reminder (0: none).
ALTER TABLE courses ADD COLUMN reminder_after_ms bigint NOT NULL DEFAULT 0 CHECK (reminder_after_ms >= 0);

-- Down Migration

ALTER TABLE courses DROP COLUMN reminder_after_ms;
