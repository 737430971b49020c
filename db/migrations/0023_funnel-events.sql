-- Up Migration

-- Funnel analytics (#18): one row per student, course and step (each lesson its own step by day; other steps use
-- day 0), written by the bots and activities that take the step, with what the breakdowns need as it was then.
-- A repeated step (a second /start, a double tap, a retried activity) hits the unique key and changes nothing.
CREATE TABLE funnel_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  course_id bigint NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
  step text NOT NULL CHECK (step IN ('start', 'course-card', 'tariff', 'consent', 'checkout', 'paid', 'access',
                                      'first-lesson', 'lesson', 'assignment', 'completed', 'refunded')),
  day integer NOT NULL DEFAULT 0 CHECK (day >= 0),
  tariff tariff,
  -- The referral code (referrals.partner_id) the student came with, if any.
  partner text,
  promo_code text,
  cohort_id integer REFERENCES cohorts (id) ON DELETE SET NULL,
  language text,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, course_id, step, day)
);
CREATE INDEX funnel_events_course_time_idx ON funnel_events (course_id, occurred_at);

-- Down Migration

DROP TABLE funnel_events;
