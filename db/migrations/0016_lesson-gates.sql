-- Up Migration

-- What a lesson's homework must reach before the next lesson comes (issue #17): 'submitted' or 'approved' (BASIC
-- students, whom nobody reviews, pass 'approved' by submitting). NULL: the next lesson comes on schedule.
ALTER TABLE lessons ADD COLUMN gate text CHECK (gate IN ('submitted', 'approved'));

-- Down Migration

ALTER TABLE lessons DROP COLUMN gate;
