-- Up Migration

-- What a student hands in and what a reviewer answers are stored here by the bot that received them, and the journey
-- is told only the row's id. Workflow histories (kept for the namespace's retention, shown in the Temporal UI, copied
-- into the Temporal server's backups) then hold no message contents, chat ids or reviewer ids (issue #16).
CREATE TABLE submissions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  enrollment_id bigint NOT NULL REFERENCES enrollments (id),
  day integer NOT NULL,
  -- The student's chat and first message: the same submission sent twice (a double tap) is stored once.
  submission_key text NOT NULL,
  parts jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (enrollment_id, submission_key)
);

CREATE TABLE reviewer_answers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  assignment_id bigint NOT NULL REFERENCES assignments (id),
  reviewer_telegram_id bigint NOT NULL,
  parts jsonb NOT NULL,
  verdict text CHECK (verdict IN ('approved', 'changes-requested')),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE reviewer_answers;
DROP TABLE submissions;
