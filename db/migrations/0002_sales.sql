-- Up Migration

-- The sales side: orders (one per checkout attempt), promo codes, consent to the offer, bot sessions, support
-- threads and one-person group invites.

ALTER TYPE enrollment_stage ADD VALUE IF NOT EXISTS 'refunded';

ALTER TABLE users ADD COLUMN email text;

-- Telegram Stars price of a tariff (whole stars); the tariff is not sold for Stars when null.
ALTER TABLE course_tariffs ADD COLUMN price_stars integer CHECK (price_stars > 0);
-- How long a journey waits for the student to choose a lesson time after access (0: start at once).
ALTER TABLE courses ADD COLUMN onboarding_wait_ms bigint NOT NULL DEFAULT 0 CHECK (onboarding_wait_ms >= 0);

CREATE TABLE promo_codes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code = upper(code) AND code ~ '^[A-Z0-9_-]{3,32}$'),
  -- Null: valid for every course.
  course_id bigint REFERENCES courses (id) ON DELETE CASCADE,
  percent_off integer CHECK (percent_off BETWEEN 1 AND 100),
  amount_off_minor bigint CHECK (amount_off_minor > 0),
  -- The currency of amount_off_minor.
  currency text,
  expires_at timestamptz,
  max_uses integer CHECK (max_uses > 0),
  uses integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((percent_off IS NULL) <> (amount_off_minor IS NULL)),
  CHECK (amount_off_minor IS NULL OR currency IS NOT NULL)
);

CREATE TYPE order_status AS ENUM ('pending', 'paid', 'refunded');

CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id text NOT NULL UNIQUE,
  user_id bigint NOT NULL REFERENCES users (id),
  course_id bigint NOT NULL REFERENCES courses (id),
  tariff tariff NOT NULL,
  -- Set for an upgrade: the tariff the student had; the order charges the difference.
  upgrade_from tariff,
  provider text NOT NULL,
  list_price_minor bigint NOT NULL CHECK (list_price_minor >= 0),
  amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
  currency text NOT NULL,
  promo_code_id bigint REFERENCES promo_codes (id),
  status order_status NOT NULL DEFAULT 'pending',
  provider_payment_id text,
  email text,
  created_at timestamptz NOT NULL DEFAULT now(),
  paid_at timestamptz,
  refunded_at timestamptz,
  UNIQUE (provider, provider_payment_id)
);
CREATE INDEX orders_user_idx ON orders (user_id, created_at DESC);

-- A promo code counts once per paid order.
CREATE TABLE promo_redemptions (
  promo_code_id bigint NOT NULL REFERENCES promo_codes (id),
  order_id bigint NOT NULL UNIQUE REFERENCES orders (id),
  user_id bigint NOT NULL REFERENCES users (id),
  redeemed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (promo_code_id, order_id)
);

-- Acceptance of the public offer and the privacy policy, per document version.
CREATE TABLE consents (
  user_id bigint NOT NULL REFERENCES users (id),
  document text NOT NULL CHECK (document IN ('offer', 'privacy')),
  version text NOT NULL,
  accepted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, document, version)
);

-- grammY sessions (what a bot is waiting for from a user: an e-mail, a promo code, a question).
CREATE TABLE bot_sessions (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- "Talk to a human": each question copied to the admin chat, so an admin's reply finds its way back.
CREATE TABLE support_messages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  admin_chat_id bigint NOT NULL,
  admin_message_id bigint NOT NULL,
  user_message_id bigint NOT NULL,
  answered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (admin_chat_id, admin_message_id)
);

-- One-person invite links to a tariff's private groups; revoked once used or when access ends.
CREATE TABLE group_invites (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  enrollment_id bigint NOT NULL REFERENCES enrollments (id),
  chat_id bigint NOT NULL,
  invite_link text NOT NULL UNIQUE,
  used_by_telegram_id bigint,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (enrollment_id, chat_id)
);

-- Down Migration

DROP TABLE group_invites, support_messages, bot_sessions, consents, promo_redemptions, orders, promo_codes;
DROP TYPE order_status;
ALTER TABLE courses DROP COLUMN onboarding_wait_ms;
ALTER TABLE course_tariffs DROP COLUMN price_stars;
ALTER TABLE users DROP COLUMN email;
-- Postgres cannot drop an enum value; 'refunded' stays in enrollment_stage.
