-- Up Migration

-- Cohorts (issue #17): a course runs self-paced (cohort_policy NULL, as before) or in cohorts that start together.
-- A late joiner gets the lessons the cohort has had by the policy: 'catch-up' (at once, one per
-- cohort_catch_up_ms, then the common rhythm) or 'from-today' (the cohort's latest lesson at once, earlier ones
-- skipped). Students without a lesson time of their own get cohort_lesson_time.
ALTER TABLE courses
  ADD COLUMN cohort_policy text CHECK (cohort_policy IN ('catch-up', 'from-today')),
  ADD COLUMN cohort_catch_up_ms integer NOT NULL DEFAULT 300000 CHECK (cohort_catch_up_ms >= 0),
  ADD COLUMN cohort_lesson_time time NOT NULL DEFAULT '09:00',
  ADD COLUMN cohort_join_until_day integer CHECK (cohort_join_until_day >= 1);

CREATE TABLE cohorts (
  id serial PRIMARY KEY,
  course_id integer NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
  starts_on date NOT NULL,
  -- 'file': course.yaml (an import keeps it in step); 'admin': /cohort add (an import leaves it alone).
  source text NOT NULL CHECK (source IN ('file', 'admin')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (course_id, name)
);

ALTER TABLE enrollments ADD COLUMN cohort_id integer REFERENCES cohorts (id);
CREATE INDEX enrollments_cohort_idx ON enrollments (cohort_id) WHERE cohort_id IS NOT NULL;

-- Down Migration

ALTER TABLE enrollments DROP COLUMN cohort_id;
DROP TABLE cohorts;
ALTER TABLE courses
  DROP COLUMN cohort_policy,
  DROP COLUMN cohort_catch_up_ms,
  DROP COLUMN cohort_lesson_time,
  DROP COLUMN cohort_join_until_day;
