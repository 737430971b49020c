-- Up Migration

-- /forget pseudonymises a student's users row instead of deleting it: payments and orders stay linked to it for the
-- accounting, but nothing on it names the person any more. Its Telegram id goes too, so the same person writing
-- again is a new user; a row without one is always an erased one.
ALTER TABLE users ALTER COLUMN telegram_id DROP NOT NULL;
ALTER TABLE users ADD COLUMN erased_at timestamptz;
ALTER TABLE users ADD CONSTRAINT users_telegram_id_or_erased CHECK (telegram_id IS NOT NULL OR erased_at IS NOT NULL);

-- The sweep of abandoned orders looks for pending orders by age.
CREATE INDEX orders_pending_age_idx ON orders (created_at) WHERE status = 'pending';

-- Down Migration

DROP INDEX orders_pending_age_idx;
ALTER TABLE users DROP CONSTRAINT users_telegram_id_or_erased;
-- Erased rows get a placeholder no Telegram user has (user ids are positive).
UPDATE users SET telegram_id = -id WHERE telegram_id IS NULL;
ALTER TABLE users DROP COLUMN erased_at;
ALTER TABLE users ALTER COLUMN telegram_id SET NOT NULL;
