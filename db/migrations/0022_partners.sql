-- Up Migration

-- Partners (#18): a code of the referral charset (stored in upper case; /start links match it in any case), the
-- partner's Telegram id (their /partner view in the sales bot), and a commission rate per course and optionally tariff.
CREATE TABLE partners (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code = upper(code) AND code ~ '^[A-Z0-9_-]{1,64}$'),
  telegram_id bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX partners_telegram_idx ON partners (telegram_id);

-- A rate with a tariff beats the course's rate without one.
CREATE TABLE partner_rates (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partner_id bigint NOT NULL REFERENCES partners (id),
  course_id bigint NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
  tariff tariff,
  percent integer NOT NULL CHECK (percent BETWEEN 1 AND 100),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE NULLS NOT DISTINCT (partner_id, course_id, tariff)
);

-- How long a commission is held for refunds before it can be paid out (course.yaml `partnerHold`, default 14 days).
ALTER TABLE courses ADD COLUMN partner_hold_ms bigint NOT NULL DEFAULT 1209600000 CHECK (partner_hold_ms >= 0);

-- A promo code bound to a partner attributes the sale to them, link or not.
ALTER TABLE promo_codes ADD COLUMN partner_id bigint REFERENCES partners (id);

-- What a partner was paid, per currency; commissions and adjustments point at the payout that settled them.
CREATE TABLE partner_payouts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partner_id bigint NOT NULL REFERENCES partners (id),
  currency text NOT NULL,
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  admin_telegram_id bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TYPE commission_status AS ENUM ('held', 'available', 'clawed_back', 'paid_out');

-- One commission per accepted payment, ever (the unique payment_id makes accrual idempotent).
CREATE TABLE commissions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partner_id bigint NOT NULL REFERENCES partners (id),
  payment_id bigint NOT NULL UNIQUE REFERENCES payments (id),
  source text NOT NULL CHECK (source IN ('link', 'promo', 'sale')),
  percent integer NOT NULL,
  amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
  currency text NOT NULL,
  hold_ms bigint NOT NULL,
  status commission_status NOT NULL DEFAULT 'held',
  payout_id bigint REFERENCES partner_payouts (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  released_at timestamptz,
  clawed_back_at timestamptz
);
CREATE INDEX commissions_partner_idx ON commissions (partner_id, status);

-- A refund after the hold: the commission stays as it was, and this negative amount comes off the next payout.
CREATE TABLE commission_adjustments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  commission_id bigint NOT NULL UNIQUE REFERENCES commissions (id),
  partner_id bigint NOT NULL REFERENCES partners (id),
  amount_minor bigint NOT NULL CHECK (amount_minor < 0),
  currency text NOT NULL,
  payout_id bigint REFERENCES partner_payouts (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE commission_adjustments;
DROP TABLE commissions;
DROP TYPE commission_status;
DROP TABLE partner_payouts;
ALTER TABLE promo_codes DROP COLUMN partner_id;
ALTER TABLE courses DROP COLUMN partner_hold_ms;
DROP TABLE partner_rates;
DROP TABLE partners;
