-- Up Migration

CREATE TYPE tariff AS ENUM ('BASIC', 'FEEDBACK', 'PREMIUM');
CREATE TYPE enrollment_stage AS ENUM ('awaiting-payment', 'active', 'awaiting-feedback', 'completed', 'blocked', 'expired');
CREATE TYPE payment_status AS ENUM ('accepted', 'underpaid', 'refunded');
CREATE TYPE assignment_status AS ENUM ('submitted', 'awaiting-review', 'auto-answered', 'answered');

-- A course is authored as files under content/ and upserted here by `npm run course:import`.
CREATE TABLE courses (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  default_language text NOT NULL DEFAULT 'en',
  lesson_interval_ms bigint NOT NULL DEFAULT 86400000 CHECK (lesson_interval_ms > 0),
  unpaid_expiry_ms bigint NOT NULL DEFAULT 259200000 CHECK (unpaid_expiry_ms > 0),
  feedback_wait_ms bigint NOT NULL DEFAULT 1209600000 CHECK (feedback_wait_ms > 0),
  protect_content boolean NOT NULL DEFAULT false,
  content_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE course_tariffs (
  course_id bigint NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
  tariff tariff NOT NULL,
  title text NOT NULL,
  price_minor bigint NOT NULL CHECK (price_minor >= 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  includes text[] NOT NULL DEFAULT '{}',
  group_chat_ids bigint[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (course_id, tariff)
);

-- parts: ordered text and media parts ({type: 'text', text} | {type: 'photo'|'video'|'document'|'voice', source, caption?});
-- tasks: the assignment per tariff ({BASIC?: text, FEEDBACK?: text, PREMIUM?: text}); a silent day sends nothing.
CREATE TABLE lessons (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  course_id bigint NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
  day integer NOT NULL CHECK (day >= 1),
  title text NOT NULL,
  parts jsonb NOT NULL DEFAULT '[]',
  tasks jsonb NOT NULL DEFAULT '{}',
  silent boolean NOT NULL DEFAULT false,
  UNIQUE (course_id, day)
);

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  telegram_id bigint NOT NULL UNIQUE,
  first_name text NOT NULL DEFAULT '',
  last_name text,
  username text,
  language_code text,
  time_zone text NOT NULL DEFAULT 'UTC',
  preferred_lesson_time time,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per (user, course); the row mirrors the workflow's state for bots and reports, the workflow is the truth.
CREATE TABLE enrollments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  course_id bigint NOT NULL REFERENCES courses (id),
  workflow_id text NOT NULL UNIQUE,
  tariff tariff,
  stage enrollment_stage NOT NULL DEFAULT 'awaiting-payment',
  -- Why the journey is blocked (Telegram's answer), for ops; null otherwise.
  stage_reason text,
  current_day integer NOT NULL DEFAULT 0,
  access_granted_at timestamptz,
  completed_at timestamptz,
  stage_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, course_id)
);

CREATE TABLE payments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  enrollment_id bigint NOT NULL REFERENCES enrollments (id),
  provider text NOT NULL,
  provider_payment_id text NOT NULL,
  amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
  currency text NOT NULL,
  tariff tariff NOT NULL,
  status payment_status NOT NULL,
  reason text,
  raw_event jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider, provider_payment_id)
);

-- First touch wins: one referral per referred user, ever.
CREATE TABLE referrals (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partner_id text NOT NULL,
  referred_user_id bigint NOT NULL UNIQUE REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The record that a lesson reached the student; each of its messages is also in sent_messages (per-message idempotency).
CREATE TABLE lesson_deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  enrollment_id bigint NOT NULL REFERENCES enrollments (id),
  day integer NOT NULL,
  message_ids bigint[] NOT NULL DEFAULT '{}',
  sent_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (enrollment_id, day)
);

CREATE TABLE assignments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  enrollment_id bigint NOT NULL REFERENCES enrollments (id),
  day integer NOT NULL,
  submission_key text NOT NULL,
  parts jsonb NOT NULL,
  status assignment_status NOT NULL DEFAULT 'submitted',
  feedback jsonb,
  reviewer_telegram_id bigint,
  -- The review-chat message admins reply to.
  review_chat_id bigint,
  review_message_id bigint,
  submitted_at timestamptz NOT NULL DEFAULT now(),
  routed_at timestamptz,
  reviewed_at timestamptz,
  feedback_delivered_at timestamptz,
  UNIQUE (enrollment_id, submission_key)
);
CREATE INDEX assignments_waiting_idx ON assignments (submitted_at) WHERE status = 'awaiting-review';

-- One row per one-off message (welcome, completion, feedback, ...): the key makes a retried activity send it once.
CREATE TABLE sent_messages (
  key text PRIMARY KEY,
  chat_id bigint NOT NULL,
  message_ids bigint[] NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE sent_messages, assignments, lesson_deliveries, referrals, payments, enrollments, users, lessons, course_tariffs, courses;
DROP TYPE assignment_status, payment_status, enrollment_stage, tariff;
