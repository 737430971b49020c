-- Up Migration

-- Orders that can no longer be paid: 'expired' (found older than ORDER_LIFETIME) and 'cancelled' (replaced by the
-- student's next checkout, or their enrollment was refunded). Either gives its promo code claim back.
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'expired';
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'cancelled';
ALTER TABLE orders ADD COLUMN closed_at timestamptz;

-- A promo code is claimed when its order is made, not when it is paid: one promo_redemptions row per order holding a
-- claim, and `uses` counts the claims of pending and paid orders. Pending orders from before this claim theirs now.
WITH claimed AS (
  INSERT INTO promo_redemptions (promo_code_id, order_id, user_id)
  SELECT promo_code_id, id, user_id FROM orders WHERE status = 'pending' AND promo_code_id IS NOT NULL
  ON CONFLICT DO NOTHING
  RETURNING promo_code_id
)
UPDATE promo_codes c SET uses = c.uses + n.claims
FROM (SELECT promo_code_id, count(*) AS claims FROM claimed GROUP BY promo_code_id) n
WHERE c.id = n.promo_code_id;

-- Claims of pending orders are looked up when a code is claimed (to release expired ones) and quoted.
CREATE INDEX orders_pending_promo_idx ON orders (promo_code_id, created_at) WHERE status = 'pending';

-- Money taken for an order that could not be honoured (expired or cancelled before it was paid, its enrollment
-- refunded, an upgrade from a tariff no longer held, a second payment after the journey ended): never granted,
-- recorded once per provider payment for a refund.
CREATE TABLE refunds_due (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders (id),
  provider text NOT NULL,
  provider_payment_id text NOT NULL,
  amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
  currency text NOT NULL,
  reason text NOT NULL,
  raw_event jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Set by whoever gave the money back.
  refunded_at timestamptz,
  UNIQUE (provider, provider_payment_id)
);
CREATE INDEX refunds_due_open_idx ON refunds_due (created_at) WHERE refunded_at IS NULL;

-- Down Migration

DROP TABLE refunds_due;
DROP INDEX orders_pending_promo_idx;
ALTER TABLE orders DROP COLUMN closed_at;
-- Postgres cannot drop enum values: 'expired' and 'cancelled' stay in order_status. Claims stay counted in uses.
