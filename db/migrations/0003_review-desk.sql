-- Up Migration

-- The review desk: an answer may ask for changes (the student then submits again).
ALTER TYPE assignment_status ADD VALUE IF NOT EXISTS 'changes-requested';

-- Every message the course bot posts about an assignment in the review chat (header and copies): an admin replying
-- to any of them answers that assignment.
CREATE TABLE review_messages (
  chat_id bigint NOT NULL,
  message_id bigint NOT NULL,
  assignment_id bigint NOT NULL REFERENCES assignments (id),
  PRIMARY KEY (chat_id, message_id)
);

ALTER TABLE assignments ADD COLUMN verdict text CHECK (verdict IN ('approved', 'changes-requested'));

-- Every admin action (answers, access by hand, moves), for the audit trail.
CREATE TABLE admin_actions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  admin_telegram_id bigint NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  details jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE admin_actions;
ALTER TABLE assignments DROP COLUMN verdict;
DROP TABLE review_messages;
