import { randomBytes } from 'node:crypto';
import type { Sql } from '../db';
import type { Tariff } from '../lib/enrollment-definitions';
import { applyPromo, CheckoutError, purchaseAmount, tariffPrice } from './pricing';
import type { EnrollmentStanding, PromoTerms, TariffPrice } from './pricing';
import type { Order } from './types';

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
      const [row]: [(PromoTerms & { id: number })?] = await sql`
        select id, percent_off, amount_off_minor, currency, expires_at, max_uses, uses from promo_codes
        where code = ${code} and (course_id is null or course_id = ${course.id})`;
      if (!row) throw new CheckoutError('promo-unknown');
      amount = applyPromo(amount, price.currency, row, Date.now());
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
