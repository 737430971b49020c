import { randomBytes } from 'node:crypto';
import { jsonValue } from '../db';
import type { Sql } from '../db';
import type { Tariff } from '../domain/tariffs';
import { claimPromo, closeBeforeCheckout, closeOrders, sweepAbandonedOrders } from './order-claims';
import { applyPromo, CheckoutError, purchaseAmount, tariffPrice } from './pricing';
import type { EnrollmentStanding, PromoTerms, TariffPrice } from './pricing';
import type { Order, VerifiedPaymentEvent } from './types';

/** How long an order can be paid when ORDER_LIFETIME is unset. */
export const DEFAULT_ORDER_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** How often one process sweeps abandoned orders (after a checkout, never on a timer of its own). */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

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
  courseId: number;
  provider: string;
  /** `expired` and `cancelled` orders can no longer be paid; money that arrives for one is due back. */
  status: 'pending' | 'paid' | 'refunded' | 'expired' | 'cancelled';
  upgradeFrom: Tariff | null;
  /** The full price of the tariff when the order was made (an upgrade's amount is less). */
  listPriceMinor: number;
  promoCodeId: number | null;
  providerPaymentId: string | null;
  /** Older than the order lifetime: a pending order that may no longer be paid. */
  expired: boolean;
}

/**
 * Prices and orders. The price is decided here, server-side, never taken from a callback or a webhook. An order lives
 * `lifetimeMs` from its creation; a promo code is claimed when its order is made and given back when the order
 * expires or is cancelled.
 */
export function createOrderStore(sql: Sql, options: { lifetimeMs?: number } = {}) {
  const lifetimeMs = options.lifetimeMs ?? DEFAULT_ORDER_LIFETIME_MS;
  const lifetimeSecs = lifetimeMs / 1000;
  let lastSweep = 0;

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
    const prices = await sql<TariffPrice[]>`
      select tariff, price_minor, currency, price_stars from course_tariffs where course_id = ${course.id}`;
    const priceOf = (tariff: Tariff) => tariffPrice(prices, tariff, input.stars);
    const price = priceOf(input.tariff);
    if (!price) throw new CheckoutError('tariff-not-sold');

    const [enrollment]: [EnrollmentStanding?] = await sql`
      select stage, tariff, access_granted_at from enrollments where user_id = ${input.userId} and course_id = ${course.id}`;
    const { amountMinor, upgradeFrom } = purchaseAmount(input.tariff, price, enrollment, priceOf);
    let amount = amountMinor;

    let promo: Quote['promo'] = null;
    if (input.promoCode && !upgradeFrom) {
      const code = input.promoCode.trim().toUpperCase();
      // Claims this student's own pending order holds (a new order takes them over) and claims of expired orders
      // (given back when the next order is made) do not count against the limit.
      const [row]: [(PromoTerms & { id: number })?] = await sql`
        select p.id, p.percent_off, p.amount_off_minor, p.currency, p.expires_at, p.max_uses, p.tariff, p.disabled_at,
               p.uses - (select count(*) from promo_redemptions r join orders o on o.id = r.order_id
                         where r.promo_code_id = p.id and o.status = 'pending'
                           and ((o.user_id = ${input.userId} and o.course_id = ${course.id})
                                or o.created_at <= now() - make_interval(secs => ${lifetimeSecs})))::int as uses
        from promo_codes p
        where p.code = ${code} and (p.course_id is null or p.course_id = ${course.id})`;
      if (!row) throw new CheckoutError('promo-unknown');
      amount = applyPromo(amount, price.currency, row, Date.now(), input.tariff);
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

  /**
   * Makes the order at the quoted price, in one transaction: the student's older pending order for the course is
   * cancelled, and the quoted promo code is claimed (CheckoutError 'promo-used-up' / 'promo-expired' when none is
   * left, and then nothing changes).
   */
  async function create(input: {
    userId: number;
    courseSlug: string;
    quote: Quote;
    provider: string;
    email?: string;
  }): Promise<StoredOrder> {
    const q = input.quote;
    const publicId = randomBytes(9).toString('base64url');
    const promoCodeId = q.promo?.id ?? null;
    await sql.begin(async (tx) => {
      await closeBeforeCheckout(tx, { userId: input.userId, courseId: q.courseId, promoCodeId, lifetimeMs });
      if (promoCodeId !== null) await claimPromo(tx, promoCodeId);
      const [order] = await tx<{ id: number }[]>`
        insert into orders (public_id, user_id, course_id, tariff, upgrade_from, provider, list_price_minor, amount_minor,
                            currency, promo_code_id, email)
        values (${publicId}, ${input.userId}, ${q.courseId}, ${q.tariff}, ${q.upgradeFrom}, ${input.provider},
                ${q.listPriceMinor}, ${q.amountMinor}, ${q.currency}, ${promoCodeId}, ${input.email ?? null})
        returning id`;
      if (promoCodeId !== null) {
        await tx`insert into promo_redemptions (promo_code_id, order_id, user_id)
                 values (${promoCodeId}, ${order!.id}, ${input.userId})`;
      }
    });
    if (Date.now() - lastSweep >= SWEEP_EVERY_MS) {
      lastSweep = Date.now();
      await sweepAbandonedOrders(sql, lifetimeMs);
    }
    return (await find(publicId))!;
  }

  async function find(publicId: string): Promise<StoredOrder | undefined> {
    const [row]: [StoredOrder?] = await sql`
      select o.id, o.public_id, o.user_id, u.telegram_id, o.course_id, c.slug as course_slug, o.tariff, o.amount_minor,
             o.currency, c.title || ' · ' || o.tariff as description, o.email, o.provider, o.status, o.upgrade_from,
             o.list_price_minor, o.promo_code_id, o.provider_payment_id,
             o.created_at <= now() - make_interval(secs => ${lifetimeSecs}) as expired
      from orders o join users u on u.id = o.user_id join courses c on c.id = o.course_id
      where o.public_id = ${publicId}`;
    if (row && row.email === null) delete row.email;
    return row;
  }

  /**
   * Marks the order paid by this provider payment, once. False when it was not pending (a duplicate webhook): the
   * caller then changes nothing. Its promo claim, made with the order, now stays for good.
   */
  async function markPaid(order: StoredOrder, providerPaymentId: string): Promise<boolean> {
    const paid = await sql`
      update orders set status = 'paid', provider_payment_id = ${providerPaymentId}, paid_at = now()
      where id = ${order.id} and status = 'pending' returning id`;
    return paid.length > 0;
  }

  /** Ends a pending order that can no longer be paid, giving its promo claim back; false when it was not pending. */
  async function close(order: StoredOrder, status: 'expired' | 'cancelled'): Promise<boolean> {
    return sql.begin(async (tx) => {
      await tx`select id from orders where id = ${order.id} for update`;
      return (await closeOrders(tx, [order.id], status)).length > 0;
    });
  }

  /** Cancels every pending order of this student for this course (their enrollment was refunded). */
  async function cancelPending(userId: number, courseId: number): Promise<void> {
    await sql.begin(async (tx) => {
      const rows = await tx<{ id: number }[]>`
        select id from orders where user_id = ${userId} and course_id = ${courseId} and status = 'pending'
        order by id for update`;
      await closeOrders(
        tx,
        rows.map((r) => r.id),
        'cancelled',
      );
    });
  }

  /** What the student holds in the course now (the journey's mirror in Postgres), if they have an enrollment. */
  async function standing(order: StoredOrder): Promise<EnrollmentStanding | undefined> {
    const [row]: [EnrollmentStanding?] = await sql`
      select stage, tariff, access_granted_at from enrollments where user_id = ${order.userId} and course_id = ${order.courseId}`;
    return row;
  }

  /**
   * Records money taken for this order that will not be honoured, once per provider payment (false for a repeat).
   * Nothing is granted for it; an operator refunds it (refunds_due.refunded_at).
   */
  async function flagRefund(order: StoredOrder, provider: string, event: VerifiedPaymentEvent, reason: string) {
    const inserted = await sql`
      insert into refunds_due (order_id, provider, provider_payment_id, amount_minor, currency, reason, raw_event)
      values (${order.id}, ${provider}, ${event.providerPaymentId}, ${event.amountMinor}, ${event.currency}, ${reason},
              ${sql.json(jsonValue(event.raw ?? null, 'The payment event'))})
      on conflict (provider, provider_payment_id) do nothing
      returning id`;
    return inserted.length > 0;
  }

  async function markRefunded(provider: string, providerPaymentId: string): Promise<StoredOrder | undefined> {
    const [row]: [{ publicId: string }?] = await sql`
      update orders set status = 'refunded', refunded_at = coalesce(refunded_at, now())
      where provider = ${provider} and provider_payment_id = ${providerPaymentId} and status in ('paid', 'refunded')
      returning public_id`;
    return row ? find(row.publicId) : undefined;
  }

  const sweepAbandoned = () => sweepAbandonedOrders(sql, lifetimeMs);

  return { quote, create, find, markPaid, markRefunded, close, cancelPending, standing, flagRefund, sweepAbandoned };
}

export type OrderStore = ReturnType<typeof createOrderStore>;
