-- Up Migration

-- A student may pause the course; the journey mirrors it as a stage.
ALTER TYPE enrollment_stage ADD VALUE IF NOT EXISTS 'paused';

-- Down Migration

-- Postgres cannot drop an enum value; 'paused' stays in enrollment_stage.
SELECT 1;
