-- Up Migration

-- The journey numbers its stage writes (recordStage's `seq`); an update applies only when its number is higher than
-- the one stored, so a write that lands late never overwrites a newer stage. 0: no numbered write yet.
ALTER TABLE enrollments ADD COLUMN stage_seq integer NOT NULL DEFAULT 0;

-- Down Migration

ALTER TABLE enrollments DROP COLUMN stage_seq;
