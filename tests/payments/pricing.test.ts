import { describe, expect, it } from 'vitest';
import { applyPromo, CheckoutError, MIN_CHARGE_MINOR, purchaseAmount, tariffPrice } from '../../payments/pricing';
import type { EnrollmentStanding, Price, PromoTerms, TariffPrice } from '../../payments/pricing';

const prices: TariffPrice[] = [
  { tariff: 'BASIC', priceMinor: 1900, currency: 'USD', priceStars: null },
  { tariff: 'FEEDBACK', priceMinor: 4900, currency: 'USD', priceStars: 300 },
  { tariff: 'PREMIUM', priceMinor: 9900, currency: 'USD', priceStars: 600 },
];

/** The problem a rule refuses with, or 'no error'. */
const problem = (rule: () => unknown) => {
  try {
    rule();
    return 'no error';
  } catch (err) {
    return err instanceof CheckoutError ? err.problem : String(err);
  }
};

describe('tariffPrice', () => {
  it('reads a tariff’s price in the course’s currency', () => {
    expect(tariffPrice(prices, 'FEEDBACK')).toEqual({ minor: 4900, currency: 'USD' });
    expect(tariffPrice(prices, 'BASIC', false)).toEqual({ minor: 1900, currency: 'USD' });
  });

  it('reads the Stars price as XTR, and sells no tariff without one for Stars', () => {
    expect(tariffPrice(prices, 'PREMIUM', true)).toEqual({ minor: 600, currency: 'XTR' });
    expect(tariffPrice(prices, 'BASIC', true)).toBeNull();
  });

  it('sells no tariff the course does not list', () => {
    expect(tariffPrice(prices.slice(0, 1), 'PREMIUM')).toBeNull();
    expect(tariffPrice([], 'BASIC', true)).toBeNull();
  });
});

describe('purchaseAmount', () => {
  const usd = (minor: number): Price => ({ minor, currency: 'USD' });
  const priceOf = (tariff: 'BASIC' | 'FEEDBACK' | 'PREMIUM') => tariffPrice(prices, tariff);
  const holding = (tariff: EnrollmentStanding['tariff'], stage = 'active'): EnrollmentStanding => ({
    stage,
    tariff,
    accessGrantedAt: new Date('2026-01-01T00:00:00Z'),
  });

  it('charges the list price to a newcomer, to an unpaid journey and after an expiry', () => {
    const fresh = { amountMinor: 9900, upgradeFrom: null };
    expect(purchaseAmount('PREMIUM', usd(9900), undefined, priceOf)).toEqual(fresh);
    const unpaid = { stage: 'awaiting-payment', tariff: null, accessGrantedAt: null };
    expect(purchaseAmount('PREMIUM', usd(9900), unpaid, priceOf)).toEqual(fresh);
    // A tariff chosen but access never granted is not something to upgrade from.
    expect(purchaseAmount('PREMIUM', usd(9900), { ...holding('BASIC'), accessGrantedAt: null }, priceOf)).toEqual(
      fresh,
    );
    expect(purchaseAmount('PREMIUM', usd(9900), { ...holding('BASIC'), tariff: null }, priceOf)).toEqual(fresh);
    expect(purchaseAmount('BASIC', usd(1900), holding('PREMIUM', 'expired'), priceOf)).toEqual({
      amountMinor: 1900,
      upgradeFrom: null,
    });
  });

  it('charges the difference for an upgrade, never below zero', () => {
    expect(purchaseAmount('PREMIUM', usd(9900), holding('BASIC'), priceOf)).toEqual({
      amountMinor: 8000,
      upgradeFrom: 'BASIC',
    });
    expect(purchaseAmount('FEEDBACK', usd(4900), holding('BASIC', 'paused'), priceOf)).toEqual({
      amountMinor: 3000,
      upgradeFrom: 'BASIC',
    });
    expect(purchaseAmount('PREMIUM', usd(1000), holding('FEEDBACK'), priceOf)).toEqual({
      amountMinor: 0,
      upgradeFrom: 'FEEDBACK',
    });
  });

  it('credits nothing across currencies or for a tariff no longer priced', () => {
    const stars = (tariff: 'BASIC' | 'FEEDBACK' | 'PREMIUM') => tariffPrice(prices, tariff, true);
    expect(purchaseAmount('PREMIUM', { minor: 600, currency: 'XTR' }, holding('FEEDBACK'), stars)).toEqual({
      amountMinor: 300,
      upgradeFrom: 'FEEDBACK',
    });
    expect(purchaseAmount('PREMIUM', { minor: 600, currency: 'XTR' }, holding('BASIC'), stars)).toEqual({
      amountMinor: 600,
      upgradeFrom: 'BASIC',
    });
    expect(purchaseAmount('PREMIUM', usd(9900), holding('FEEDBACK'), () => ({ minor: 4900, currency: 'EUR' }))).toEqual(
      { amountMinor: 9900, upgradeFrom: 'FEEDBACK' },
    );
  });

  it('refuses a refunded journey, a completed course and anything but a higher tariff', () => {
    expect(problem(() => purchaseAmount('BASIC', usd(1900), { ...holding('BASIC', 'refunded') }, priceOf))).toBe(
      'refunded-before',
    );
    const refundedUnpaid = { stage: 'refunded', tariff: null, accessGrantedAt: null };
    expect(problem(() => purchaseAmount('BASIC', usd(1900), refundedUnpaid, priceOf))).toBe('refunded-before');
    expect(problem(() => purchaseAmount('PREMIUM', usd(9900), holding('BASIC', 'completed'), priceOf))).toBe(
      'already-enrolled',
    );
    expect(problem(() => purchaseAmount('FEEDBACK', usd(4900), holding('FEEDBACK'), priceOf))).toBe('not-an-upgrade');
    expect(problem(() => purchaseAmount('BASIC', usd(1900), holding('PREMIUM'), priceOf))).toBe('not-an-upgrade');
    expect(problem(() => purchaseAmount('FEEDBACK', usd(4900), holding('PREMIUM'), priceOf))).toBe('not-an-upgrade');
    expect(problem(() => purchaseAmount('PREMIUM', usd(9900), holding('FEEDBACK'), priceOf))).toBe('no error');
  });
});

describe('applyPromo', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const promo = (terms: Partial<PromoTerms>): PromoTerms => ({
    percentOff: null,
    amountOffMinor: null,
    currency: null,
    expiresAt: null,
    maxUses: null,
    uses: 0,
    ...terms,
  });

  it('takes a percentage off, rounded to the minor unit', () => {
    expect(applyPromo(4900, 'USD', promo({ percentOff: 50 }), now)).toBe(2450);
    expect(applyPromo(999, 'USD', promo({ percentOff: 15 }), now)).toBe(849); // 999 - round(149.85)
    expect(applyPromo(1000, 'USD', promo({ percentOff: 100 }), now)).toBe(0);
    // A percentage code applies in any currency, whatever currency it names.
    expect(applyPromo(600, 'XTR', promo({ percentOff: 10, currency: 'USD' }), now)).toBe(540);
  });

  it('takes a fixed amount off in its own currency, never below zero', () => {
    expect(applyPromo(1900, 'USD', promo({ amountOffMinor: 1000, currency: 'USD' }), now)).toBe(900);
    expect(applyPromo(1900, 'USD', promo({ amountOffMinor: 99_999, currency: 'USD' }), now)).toBe(0);
    expect(problem(() => applyPromo(1900, 'USD', promo({ amountOffMinor: 500, currency: 'EUR' }), now))).toBe(
      'promo-other-currency',
    );
  });

  it('never leaves a positive amount below what a provider can charge (#18)', () => {
    expect(applyPromo(1900, 'USD', promo({ amountOffMinor: 1880, currency: 'USD' }), now)).toBe(MIN_CHARGE_MINOR);
    expect(applyPromo(1900, 'USD', promo({ amountOffMinor: 1850, currency: 'USD' }), now)).toBe(50);
    expect(applyPromo(1900, 'USD', promo({ amountOffMinor: 1849, currency: 'USD' }), now)).toBe(51);
    expect(applyPromo(1900, 'USD', promo({ amountOffMinor: 1900, currency: 'USD' }), now)).toBe(0);
    expect(applyPromo(1900, 'USD', promo({ percentOff: 99 }), now)).toBe(50);
    // A price already below the minimum is not raised by a code.
    expect(applyPromo(40, 'USD', promo({ amountOffMinor: 10, currency: 'USD' }), now)).toBe(40);
    expect(applyPromo(100, 'XTR', promo({ percentOff: 99 }), now)).toBe(1);
  });

  it('refuses a code switched off by a reviewer, and one for another tariff (#18)', () => {
    const terms = { percentOff: 10 };
    expect(problem(() => applyPromo(1000, 'USD', promo({ ...terms, disabledAt: new Date(now - 1) }), now))).toBe(
      'promo-expired',
    );
    expect(applyPromo(1000, 'USD', promo({ ...terms, disabledAt: null }), now)).toBe(900);
    const premium = promo({ ...terms, tariff: 'PREMIUM' });
    expect(problem(() => applyPromo(1000, 'USD', premium, now, 'BASIC'))).toBe('promo-other-tariff');
    expect(applyPromo(1000, 'USD', premium, now, 'PREMIUM')).toBe(900);
    expect(applyPromo(1000, 'USD', promo({ ...terms, tariff: null }), now, 'BASIC')).toBe(900);
  });

  it('refuses an expired code, up to the instant it expires', () => {
    const terms = { percentOff: 10 };
    expect(problem(() => applyPromo(1000, 'USD', promo({ ...terms, expiresAt: new Date(now - 1) }), now))).toBe(
      'promo-expired',
    );
    expect(problem(() => applyPromo(1000, 'USD', promo({ ...terms, expiresAt: new Date(now) }), now))).toBe(
      'promo-expired',
    );
    expect(applyPromo(1000, 'USD', promo({ ...terms, expiresAt: new Date(now + 1) }), now)).toBe(900);
  });

  it('refuses a code used up to its limit, and counts nothing without one', () => {
    const terms = { percentOff: 10 };
    expect(problem(() => applyPromo(1000, 'USD', promo({ ...terms, maxUses: 3, uses: 3 }), now))).toBe('promo-used-up');
    expect(problem(() => applyPromo(1000, 'USD', promo({ ...terms, maxUses: 3, uses: 4 }), now))).toBe('promo-used-up');
    expect(problem(() => applyPromo(1000, 'USD', promo({ ...terms, maxUses: 0 }), now))).toBe('promo-used-up');
    expect(applyPromo(1000, 'USD', promo({ ...terms, maxUses: 3, uses: 2 }), now)).toBe(900);
    expect(applyPromo(1000, 'USD', promo({ ...terms, uses: 1_000 }), now)).toBe(900);
  });

  it('names the problem in the error', () => {
    const err = new CheckoutError('promo-expired');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('CheckoutError');
    expect(err.message).toBe('Checkout refused: promo-expired');
  });
});
