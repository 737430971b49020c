import type { EnrollmentStanding } from './pricing';
import type { StoredOrder } from './orders';
import type { VerifiedPaymentEvent } from './types';

export interface OrderVerdict {
  /** Why this payment is not honoured (its money is due back); undefined when it is. */
  refusal?: string;
  /** How a still-pending order ends when refused. */
  close?: 'expired' | 'cancelled';
  /** An upgrade whose base tariff is gone, paid at the full list price: granted as a plain purchase. */
  asPurchase?: boolean;
}

const LIVE_STAGES = ['active', 'awaiting-feedback', 'paused', 'blocked'];

/**
 * Whether a payment for this order may still be granted, judged against today rather than the day of checkout: the
 * order must be pending and within its lifetime, its enrollment not refunded or completed, and an upgrade's base
 * tariff still held; an upgrade without its base is judged against the tariff's full price.
 */
export function refusalOf(
  order: StoredOrder,
  standing: EnrollmentStanding | undefined,
  paid: Pick<VerifiedPaymentEvent, 'amountMinor' | 'currency'>,
): OrderVerdict {
  if (order.status !== 'pending') return { refusal: `the order was ${order.status} before it was paid` };
  if (order.expired) return { refusal: 'the order expired before it was paid', close: 'expired' };
  if (standing?.stage === 'refunded') return { refusal: 'the enrollment was refunded', close: 'cancelled' };
  if (standing?.stage === 'completed') return { refusal: 'the course was already completed', close: 'cancelled' };
  if (!order.upgradeFrom) return {};
  const live = !!standing?.accessGrantedAt && LIVE_STAGES.includes(standing.stage);
  if (live && standing.tariff === order.upgradeFrom) return {};
  const paysFullPrice = paid.currency === order.currency && paid.amountMinor >= order.listPriceMinor;
  if (!live && paysFullPrice) return { asPurchase: true };
  return {
    refusal: `the enrollment no longer holds ${order.upgradeFrom}, the tariff this upgrade starts from`,
    close: 'cancelled',
  };
}
