import { tariffRank } from '../domain/tariffs';
import type { Tariff } from '../domain/tariffs';

/**
 * Pricing rules, pure: what a tariff costs, what an upgrade costs, what a promo code takes off. The order store reads
 * the rows from Postgres and decides with these, so the rules are tested (and mutation-tested) without a database.
 */

export type CheckoutProblem =
  | 'unknown-course'
  | 'tariff-not-sold'
  | 'promo-unknown'
  | 'promo-expired'
  | 'promo-used-up'
  | 'promo-other-currency'
  | 'promo-other-tariff'
  | 'already-enrolled'
  | 'refunded-before'
  | 'not-an-upgrade';

/** Why an order cannot be made; `problem` picks the text the bot shows. */
export class CheckoutError extends Error {
  override name = 'CheckoutError';
  constructor(readonly problem: CheckoutProblem) {
    super(`Checkout refused: ${problem}`);
  }
}

export interface TariffPrice {
  tariff: Tariff;
  priceMinor: number;
  currency: string;
  priceStars: number | null;
}

export interface Price {
  minor: number;
  currency: string;
}

/** A tariff's price in the course's currency, or in Telegram Stars (XTR); null when it is not sold that way. */
export function tariffPrice(prices: readonly TariffPrice[], tariff: Tariff, stars?: boolean): Price | null {
  const row = prices.find((p) => p.tariff === tariff);
  if (!row || (stars && row.priceStars === null)) return null;
  return stars ? { minor: row.priceStars!, currency: 'XTR' } : { minor: row.priceMinor, currency: row.currency };
}

export interface EnrollmentStanding {
  stage: string;
  tariff: Tariff | null;
  accessGrantedAt: Date | null;
}

/**
 * The amount before any promo code: the list price, or for a student who holds a lower tariff the difference (an
 * upgrade; nothing is credited across currencies). A refunded journey keeps its history, so buying again goes through
 * support; a completed course and a tariff that is not higher are refused too.
 */
export function purchaseAmount(
  tariff: Tariff,
  price: Price,
  enrollment: EnrollmentStanding | undefined,
  priceOf: (tariff: Tariff) => Price | null,
): { amountMinor: number; upgradeFrom: Tariff | null } {
  if (enrollment?.stage === 'refunded') throw new CheckoutError('refunded-before');
  if (!enrollment?.accessGrantedAt || !enrollment.tariff || enrollment.stage === 'expired') {
    return { amountMinor: price.minor, upgradeFrom: null };
  }
  if (enrollment.stage === 'completed') throw new CheckoutError('already-enrolled');
  if (tariffRank(tariff) <= tariffRank(enrollment.tariff)) throw new CheckoutError('not-an-upgrade');
  const current = priceOf(enrollment.tariff);
  const credit = current?.currency === price.currency ? current.minor : 0;
  return { amountMinor: Math.max(0, price.minor - credit), upgradeFrom: enrollment.tariff };
}

export interface PromoTerms {
  percentOff: number | null;
  amountOffMinor: number | null;
  currency: string | null;
  expiresAt: Date | null;
  maxUses: number | null;
  uses: number;
  /** The one tariff the code is for; null or absent: every tariff. */
  tariff?: Tariff | null;
  /** Switched off by a reviewer (/promo off): refused like an expired code. */
  disabledAt?: Date | null;
}

/**
 * The least a provider takes for a card payment, in minor units (Stripe: 0.50 USD/EUR; YooKassa: 1 RUB = 100 kopecks
 * is above it for RUB, so both are met for their usual currencies): a code never leaves a positive amount below it.
 */
export const MIN_CHARGE_MINOR = 50;

/**
 * The amount after a promo code, never below zero and never a positive amount below MIN_CHARGE_MINOR (a code leaves
 * either nothing to pay, or at least what a provider can charge); CheckoutError when the code is expired or switched off, used up, in
 * another currency or for another tariff.
 */
export function applyPromo(
  amountMinor: number,
  currency: string,
  promo: PromoTerms,
  now: number,
  tariff?: Tariff,
): number {
  if (promo.disabledAt || (promo.expiresAt && promo.expiresAt.getTime() <= now))
    throw new CheckoutError('promo-expired');
  if (promo.tariff && tariff && promo.tariff !== tariff) throw new CheckoutError('promo-other-tariff');
  if (promo.maxUses !== null && promo.uses >= promo.maxUses) throw new CheckoutError('promo-used-up');
  if (promo.amountOffMinor !== null && promo.currency !== currency) throw new CheckoutError('promo-other-currency');
  const off = promo.percentOff !== null ? Math.round((amountMinor * promo.percentOff) / 100) : promo.amountOffMinor!;
  const left = Math.max(0, amountMinor - off);
  const least = currency === 'XTR' ? 1 : MIN_CHARGE_MINOR;
  return left > 0 && left < least ? Math.min(amountMinor, least) : left;
}
