import type { TransactionSql } from 'postgres';
import type { Sql } from '../db';
import { CheckoutError } from './pricing';

type Tx = TransactionSql;

/** `created_at` older than this is an expired order (a fragment of the caller's query). */
export const expiredBefore = (tx: Tx, lifetimeMs: number) => tx`now() - make_interval(secs => ${lifetimeMs / 1000})`;

/**
 * Claims one use of a promo code, atomically: the row lock serialises concurrent claims, and the condition is checked
 * again on the row each one finds, so N buyers of a one-use code get one claim. CheckoutError when none is left.
 */
export async function claimPromo(tx: Tx, promoCodeId: number): Promise<void> {
  const claimed = await tx`
    update promo_codes set uses = uses + 1
    where id = ${promoCodeId} and (max_uses is null or uses < max_uses) and (expires_at is null or expires_at > now())
      and disabled_at is null
    returning id`;
  if (claimed.length > 0) return;
  const [row]: [{ expired: boolean }?] = await tx`
    select coalesce(expires_at <= now(), false) or disabled_at is not null as expired from promo_codes where id = ${promoCodeId}`;
  throw new CheckoutError(row?.expired ? 'promo-expired' : 'promo-used-up');
}

/**
 * Ends these orders if they are still pending (expired or cancelled) and gives their promo claims back; the ids of
 * the orders it ended. Runs in the caller's transaction, which must have locked the order rows first.
 */
export async function closeOrders(tx: Tx, ids: number[], status: 'expired' | 'cancelled'): Promise<number[]> {
  if (ids.length === 0) return [];
  const closed = await tx<{ id: number }[]>`
    update orders set status = ${status}, closed_at = now() where id in ${tx(ids)} and status = 'pending' returning id`;
  if (closed.length === 0) return [];
  const released = await tx<{ promoCodeId: number }[]>`
    delete from promo_redemptions where order_id in ${tx(closed.map((o) => o.id))} returning promo_code_id`;
  const perCode = new Map<number, number>();
  for (const { promoCodeId } of released) perCode.set(promoCodeId, (perCode.get(promoCodeId) ?? 0) + 1);
  for (const [promoCodeId, count] of [...perCode].sort(([a], [b]) => a - b)) {
    await tx`update promo_codes set uses = greatest(uses - ${count}, 0) where id = ${promoCodeId}`;
  }
  return closed.map((o) => o.id);
}

/**
 * Before a new order: the student's other pending orders for the course are cancelled (one live order per student and
 * course, so their own claim moves to the new order), and pending orders past their lifetime that hold a claim on
 * `promoCodeId` expire, giving it back. Rows are locked in id order, so concurrent checkouts cannot deadlock.
 */
export async function closeBeforeCheckout(
  tx: Tx,
  input: { userId: number; courseId: number; promoCodeId: number | null; lifetimeMs: number },
): Promise<void> {
  const rows = await tx<{ id: number; expired: boolean; promoCodeId: number | null }[]>`
    select id, created_at <= ${expiredBefore(tx, input.lifetimeMs)} as expired, promo_code_id from orders
    where status = 'pending'
      and ((user_id = ${input.userId} and course_id = ${input.courseId})
           or (promo_code_id = ${input.promoCodeId} and created_at <= ${expiredBefore(tx, input.lifetimeMs)}))
    order by id
    for update`;
  // Then every promo code this checkout touches, also in id order (released claims, and the one it will claim).
  const codes = [...new Set([...rows.map((r) => r.promoCodeId), input.promoCodeId])].filter((id) => id !== null);
  if (codes.length > 0) await tx`select id from promo_codes where id in ${tx(codes)} order by id for update`;
  await closeOrders(
    tx,
    rows.filter((r) => r.expired).map((r) => r.id),
    'expired',
  );
  await closeOrders(
    tx,
    rows.filter((r) => !r.expired).map((r) => r.id),
    'cancelled',
  );
}

/**
 * Retention: pending orders past their lifetime are closed as expired (their promo claims given back), and closed
 * orders that were never paid lose the e-mail they held for a receipt that never came. The orders it expired.
 * Orders a checkout holds locked are left for the next sweep instead of waited for.
 */
export async function sweepAbandonedOrders(sql: Sql, lifetimeMs: number): Promise<number> {
  const expired = await sql.begin(async (tx) => {
    const rows = await tx<{ id: number }[]>`
      select id from orders where status = 'pending' and created_at <= ${expiredBefore(tx, lifetimeMs)}
      order by id for update skip locked`;
    return closeOrders(
      tx,
      rows.map((r) => r.id),
      'expired',
    );
  });
  await sql`update orders set email = null where status in ('expired', 'cancelled') and email is not null`;
  return expired.length;
}
