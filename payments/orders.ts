import { randomBytes } from 'node:crypto';
import type { Sql } from '../db';
import type { Tariff } from '../lib/enrollment-definitions';
import type { Order } from './types';

const RANK: Record<Tariff, number> = { BASIC: 1, FEEDBACK: 2, PREMIUM: 3 };

export type CheckoutProblem =
  | 'unknown-course'
  | 'tariff-not-sold'
  | 'promo-unknown'
  | 'promo-expired'
  | 'promo-used-up'
  | 'promo-other-currency'
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

export interface Quote {
  courseId: number;
  courseTitle: string;
  tariff: Tariff;
  listPriceMinor: number;
  amountMinor: number;
  currency: string;
  /** Set for an upgrade: the tariff the student has; the quote is the difference. */
  upgradeFrom: Tariff | null;
  promo: { id: number; code: string } | null;
}

export interface StoredOrder extends Order {
  id: number;
  provider: string;
  status: 'pending' | 'paid' | 'refunded';
  upgradeFrom: Tariff | null;
  promoCodeId: number | null;
  providerPaymentId: string | null;
}

/** Prices and orders. The price is decided here, server-side, never taken from a callback or a webhook. */
export function createOrderStore(sql: Sql) {
  async function quote(input: {
    userId: number;
    courseSlug: string;
    tariff: Tariff;
    promoCode?: string;
    stars?: boolean;
  }): Promise<Quote> {
    const [course]: [{ id: number; title: string }?] =
      await sql`select id, title from courses where slug = ${input.courseSlug}`;
    if (!course) throw new CheckoutError('unknown-course');
    const prices = await sql<{ tariff: Tariff; priceMinor: number; currency: string; priceStars: number | null }[]>`
      select tariff, price_minor, currency, price_stars from course_tariffs where course_id = ${course.id}`;
    const priceOf = (tariff: Tariff) => {
      const row = prices.find((p) => p.tariff === tariff);
      if (!row || (input.stars && row.priceStars === null)) return null;
      return input.stars
        ? { minor: row.priceStars!, currency: 'XTR' }
        : { minor: row.priceMinor, currency: row.currency };
    };
    const price = priceOf(input.tariff);
    if (!price) throw new CheckoutError('tariff-not-sold');

    const [enrollment]: [{ stage: string; tariff: Tariff | null; accessGrantedAt: Date | null }?] = await sql`
      select stage, tariff, access_granted_at from enrollments where user_id = ${input.userId} and course_id = ${course.id}`;
    let upgradeFrom: Tariff | null = null;
    let amount = price.minor;
    // A refunded journey keeps its history (what was delivered, to whom): buying again goes through support.
    if (enrollment?.stage === 'refunded') throw new CheckoutError('refunded-before');
    if (enrollment?.accessGrantedAt && enrollment.tariff && enrollment.stage !== 'expired') {
      if (enrollment.stage === 'completed') throw new CheckoutError('already-enrolled');
      if (RANK[input.tariff] <= RANK[enrollment.tariff]) throw new CheckoutError('not-an-upgrade');
      const current = priceOf(enrollment.tariff);
      upgradeFrom = enrollment.tariff;
      amount = Math.max(0, price.minor - (current?.currency === price.currency ? current.minor : 0));
    }

    let promo: Quote['promo'] = null;
    if (input.promoCode && !upgradeFrom) {
      const code = input.promoCode.trim().toUpperCase();
      const [row]: [
        {
          id: number;
          percentOff: number | null;
          amountOffMinor: number | null;
          currency: string | null;
          expiresAt: Date | null;
          maxUses: number | null;
          uses: number;
        }?,
      ] = await sql`
        select id, percent_off, amount_off_minor, currency, expires_at, max_uses, uses from promo_codes
        where code = ${code} and (course_id is null or course_id = ${course.id})`;
      if (!row) throw new CheckoutError('promo-unknown');
      if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) throw new CheckoutError('promo-expired');
      if (row.maxUses !== null && row.uses >= row.maxUses) throw new CheckoutError('promo-used-up');
      if (row.amountOffMinor !== null && row.currency !== price.currency)
        throw new CheckoutError('promo-other-currency');
      const off = row.percentOff !== null ? Math.round((amount * row.percentOff) / 100) : row.amountOffMinor!;
      amount = Math.max(0, amount - off);
      promo = { id: row.id, code };
    }
    return {
      courseId: course.id,
      courseTitle: course.title,
      tariff: input.tariff,
      listPriceMinor: price.minor,
      amountMinor: amount,
      currency: price.currency,
      upgradeFrom,
      promo,
    };
  }

  async function create(input: {
    userId: number;
    courseSlug: string;
    quote: Quote;
    provider: string;
    email?: string;
  }): Promise<StoredOrder> {
    const q = input.quote;
    const publicId = randomBytes(9).toString('base64url');
    await sql`
      insert into orders (public_id, user_id, course_id, tariff, upgrade_from, provider, list_price_minor, amount_minor, currency,
                          promo_code_id, email)
      values (${publicId}, ${input.userId}, ${q.courseId}, ${q.tariff}, ${q.upgradeFrom}, ${input.provider}, ${q.listPriceMinor},
              ${q.amountMinor}, ${q.currency}, ${q.promo?.id ?? null}, ${input.email ?? null})`;
    return (await find(publicId))!;
  }

  async function find(publicId: string): Promise<StoredOrder | undefined> {
    const [row]: [StoredOrder?] = await sql`
      select o.id, o.public_id, o.user_id, u.telegram_id, c.slug as course_slug, o.tariff, o.amount_minor, o.currency,
             c.title || ' · ' || o.tariff as description, o.email, o.provider, o.status, o.upgrade_from, o.promo_code_id,
             o.provider_payment_id
      from orders o join users u on u.id = o.user_id join courses c on c.id = o.course_id
      where o.public_id = ${publicId}`;
    if (row && row.email === null) delete row.email;
    return row;
  }

  /**
   * Marks the order paid by this provider payment, once. False when it already was (a duplicate webhook): the caller
   * then changes nothing. A promo code is counted with the payment, not at checkout, so abandoned checkouts cost none.
   */
  async function markPaid(order: StoredOrder, providerPaymentId: string): Promise<boolean> {
    return sql.begin(async (tx) => {
      const paid = await tx`
        update orders set status = 'paid', provider_payment_id = ${providerPaymentId}, paid_at = now()
        where id = ${order.id} and status = 'pending' returning id`;
      if (paid.length === 0) return false;
      if (order.promoCodeId !== null) {
        await tx`insert into promo_redemptions (promo_code_id, order_id, user_id) values (${order.promoCodeId}, ${order.id}, ${order.userId})`;
        await tx`update promo_codes set uses = uses + 1 where id = ${order.promoCodeId}`;
      }
      return true;
    });
  }

  async function markRefunded(provider: string, providerPaymentId: string): Promise<StoredOrder | undefined> {
    const [row]: [{ publicId: string }?] = await sql`
      update orders set status = 'refunded', refunded_at = coalesce(refunded_at, now())
      where provider = ${provider} and provider_payment_id = ${providerPaymentId} and status in ('paid', 'refunded')
      returning public_id`;
    return row ? find(row.publicId) : undefined;
  }

  return { quote, create, find, markPaid, markRefunded };
}

export type OrderStore = ReturnType<typeof createOrderStore>;
