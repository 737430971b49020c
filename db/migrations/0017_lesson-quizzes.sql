-- Up Migration

-- A lesson's quiz (issue #17), as content/loader.ts normalizes it: {questions: [{question, options, correct,
-- explanation?}], passMark, retakeAfterMs, attempts}; `correct` is the right option's index, passMark a number of
-- correct answers or null (scored, holds nothing back), attempts null for no limit. NULL: the lesson has no quiz.
ALTER TABLE lessons ADD COLUMN quiz jsonb;

-- Each quiz poll sent to a student (one per question and attempt) and the student's answer to it. The poll id is
-- Telegram's, so a poll_answer finds its student, lesson, question and attempt here and nowhere else; the right
-- option is kept as sent, so a course edited later does not rescore answers already given. The first answer counts.
CREATE TABLE quiz_polls (
  poll_id text PRIMARY KEY,
  enrollment_id bigint NOT NULL REFERENCES enrollments (id),
  day int NOT NULL,
  attempt int NOT NULL CHECK (attempt >= 1),
  question int NOT NULL CHECK (question >= 0),
  -- How many questions the attempt has: an attempt is complete once this many of its polls are answered.
  questions int NOT NULL CHECK (questions >= 1),
  correct_option int NOT NULL,
  message_id bigint NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now(),
  answered_option int,
  answered_at timestamptz,
  UNIQUE (enrollment_id, day, attempt, question)
);

-- Down Migration

DROP TABLE quiz_polls;
ALTER TABLE lessons DROP COLUMN quiz;
