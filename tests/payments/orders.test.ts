import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderStore } from '../../payments/orders';
import { CheckoutError } from '../../payments/pricing';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';
import { insertCourse, insertUser } from '../helpers/fixtures';

describe('order store: prices decided server-side', () => {
  let db: TestDatabase;
  let orders: ReturnType<typeof createOrderStore>;
  const slug = 'pricing';
  beforeAll(async () => {
    db = await createTestDatabase();
    orders = createOrderStore(db.sql);
    await insertCourse(db.sql, { slug, lessons: [{ day: 1 }] });
    await db.sql`update course_tariffs set price_stars = 500 where tariff = 'PREMIUM'`;
    await db.sql`insert into promo_codes (code, percent_off) values ('HALF', 50)`;
    await db.sql`insert into promo_codes (code, amount_off_minor, currency) values ('TENOFF', 1000, 'USD'), ('EUROS', 500, 'EUR')`;
    await db.sql`insert into promo_codes (code, amount_off_minor, currency, max_uses) values ('ONCE', 100, 'USD', 1)`;
  });
  afterAll(async () => db?.drop());

  const problem = (promise: Promise<unknown>) =>
    promise.then(
      () => 'no error',
      (err: unknown) => (err instanceof CheckoutError ? err.problem : String(err)),
    );

  it('applies percent and fixed promo codes, case-insensitively, never below zero', async () => {
    const { userId } = await insertUser(db.sql);
    expect(await orders.quote({ userId, courseSlug: slug, tariff: 'FEEDBACK', promoCode: 'half' })).toMatchObject({
      listPriceMinor: 4900,
      amountMinor: 2450,
      promo: { code: 'HALF' },
    });
    expect((await orders.quote({ userId, courseSlug: slug, tariff: 'BASIC', promoCode: 'TENOFF' })).amountMinor).toBe(
      900,
    );
    await db.sql`update promo_codes set amount_off_minor = 99999 where code = 'TENOFF'`;
    expect((await orders.quote({ userId, courseSlug: slug, tariff: 'BASIC', promoCode: 'TENOFF' })).amountMinor).toBe(
      0,
    );
    expect(await problem(orders.quote({ userId, courseSlug: slug, tariff: 'BASIC', promoCode: 'EUROS' }))).toBe(
      'promo-other-currency',
    );
    expect(await problem(orders.quote({ userId, courseSlug: slug, tariff: 'BASIC', promoCode: 'NOPE' }))).toBe(
      'promo-unknown',
    );
  });

  it('counts a promo code when the order is paid, once, and stops it at its limit', async () => {
    const { userId } = await insertUser(db.sql);
    const quote = await orders.quote({ userId, courseSlug: slug, tariff: 'BASIC', promoCode: 'ONCE' });
    const order = await orders.create({ userId, courseSlug: slug, quote, provider: 'mock' });
    expect(await orders.markPaid(order, 'pay-1')).toBe(true);
    expect(await orders.markPaid(order, 'pay-1')).toBe(false);
    const [promo] = await db.sql`select uses from promo_codes where code = 'ONCE'`;
    expect(promo?.uses).toBe(1);
    const other = await insertUser(db.sql);
    expect(
      await problem(orders.quote({ userId: other.userId, courseSlug: slug, tariff: 'BASIC', promoCode: 'ONCE' })),
    ).toBe('promo-used-up');
  });

  it('sweeps abandoned orders: expired, their promo claim given back, their e-mail gone; live ones stay', async () => {
    await db.sql`insert into promo_codes (code, percent_off) values ('SWEEP', 10)`;
    const buyer = await insertUser(db.sql);
    const other = await insertUser(db.sql);
    const order = async (userId: number, email: string, promoCode?: string) =>
      orders.create({
        userId,
        courseSlug: slug,
        quote: await orders.quote({ userId, courseSlug: slug, tariff: 'BASIC', promoCode }),
        provider: 'mock',
        email,
      });
    const abandoned = await order(buyer.userId, 'gone@example.com', 'SWEEP');
    const live = await order(other.userId, 'live@example.com');
    await db.sql`update orders set created_at = now() - interval '2 days' where id = ${abandoned.id}`;
    expect(await orders.sweepAbandoned()).toBeGreaterThanOrEqual(1);
    const rows =
      await db.sql`select id, status, email from orders where id in ${db.sql([abandoned.id, live.id])} order by id`;
    expect(rows).toEqual([
      { id: abandoned.id, status: 'expired', email: null },
      { id: live.id, status: 'pending', email: 'live@example.com' },
    ]);
    const [promo] = await db.sql`select uses from promo_codes where code = 'SWEEP'`;
    expect(promo?.uses).toBe(0);
    expect(await db.sql`select 1 from promo_redemptions where order_id = ${abandoned.id}`).toEqual([]);
  });

  it('prices Stars separately and refuses tariffs without a Stars price', async () => {
    const { userId } = await insertUser(db.sql);
    expect(await orders.quote({ userId, courseSlug: slug, tariff: 'PREMIUM', stars: true })).toMatchObject({
      amountMinor: 500,
      currency: 'XTR',
    });
    expect(await problem(orders.quote({ userId, courseSlug: slug, tariff: 'BASIC', stars: true }))).toBe(
      'tariff-not-sold',
    );
    expect(await problem(orders.quote({ userId, courseSlug: 'no-such-course', tariff: 'BASIC' }))).toBe(
      'unknown-course',
    );
  });

  it('sells upgrades at the difference, never downgrades, and nothing after completion or a refund', async () => {
    const { userId } = await insertUser(db.sql);
    const [course] = await db.sql<{ id: number }[]>`select id from courses where slug = ${slug}`;
    const [enrollment] = await db.sql<{ id: number }[]>`
      insert into enrollments (user_id, course_id, workflow_id, tariff, stage, access_granted_at)
      values (${userId}, ${course!.id}, ${`wf-${userId}`}, 'FEEDBACK', 'active', now()) returning id`;
    expect(await orders.quote({ userId, courseSlug: slug, tariff: 'PREMIUM', promoCode: 'HALF' })).toMatchObject({
      amountMinor: 5000,
      upgradeFrom: 'FEEDBACK',
      promo: null,
    });
    expect(await problem(orders.quote({ userId, courseSlug: slug, tariff: 'BASIC' }))).toBe('not-an-upgrade');
    expect(await problem(orders.quote({ userId, courseSlug: slug, tariff: 'FEEDBACK' }))).toBe('not-an-upgrade');
    await db.sql`update enrollments set stage = 'completed' where id = ${enrollment!.id}`;
    expect(await problem(orders.quote({ userId, courseSlug: slug, tariff: 'PREMIUM' }))).toBe('already-enrolled');
    await db.sql`update enrollments set stage = 'refunded' where id = ${enrollment!.id}`;
    expect(await problem(orders.quote({ userId, courseSlug: slug, tariff: 'PREMIUM' }))).toBe('refunded-before');
    await db.sql`update enrollments set stage = 'expired', access_granted_at = null where id = ${enrollment!.id}`;
    expect((await orders.quote({ userId, courseSlug: slug, tariff: 'PREMIUM' })).amountMinor).toBe(9900);
  });
});
