-- Up Migration

-- An admin's block: the bots stop serving the student and their journeys pause until unblocked.
ALTER TABLE users ADD COLUMN blocked_at timestamptz;

-- Down Migration

ALTER TABLE users DROP COLUMN blocked_at;
