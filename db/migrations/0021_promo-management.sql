-- Up Migration

-- Promo codes made from the review chat and the CLI (#18): a code may be bound to one tariff, and is switched off by
-- a reviewer (disabled_at) rather than deleted, so the orders that used it keep pointing at it.
ALTER TABLE promo_codes ADD COLUMN tariff tariff;
ALTER TABLE promo_codes ADD COLUMN disabled_at timestamptz;
-- The same check as the order's: a fixed-amount code's currency is an ISO code in upper case.
ALTER TABLE promo_codes ADD CONSTRAINT promo_codes_currency_upper CHECK (currency IS NULL OR currency = upper(currency));

-- Down Migration

ALTER TABLE promo_codes DROP CONSTRAINT promo_codes_currency_upper;
ALTER TABLE promo_codes DROP COLUMN disabled_at;
ALTER TABLE promo_codes DROP COLUMN tariff;
