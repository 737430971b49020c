import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentCompletion } from '../../payments/completion';
import type { PaymentCompletion } from '../../payments/completion';
import { CheckoutError } from '../../payments/pricing';
import { insertCourse, insertUser } from '../helpers/fixtures';
import { startSalesPlatform } from '../helpers/sales';
import type { SalesPlatform, Student } from '../helpers/sales';

let nextId = 930_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
const newStudent = () => ({ id: nextId++, first_name: 'Pia', language_code: 'en' });

/** A promo code's limit holds however many people use it at the same moment: it is claimed when the order is made. */
describe('promo codes under concurrency', () => {
  let p: SalesPlatform;
  let slug: string;
  let completion: PaymentCompletion;
  beforeAll(async () => {
    p = await startSalesPlatform({ courseSlug: (slug = `promo-${Math.random().toString(36).slice(2, 8)}`) });
    await insertCourse(p.db.sql, { slug, lessons: [{ day: 1 }, { day: 2 }] });
    completion = createPaymentCompletion({ orders: p.orders, enrollments: p.temporal.enrollments });
  });
  afterAll(async () => p?.close());
  afterEach(() => expect(p.botLog.filter((line) => /update \d+ failed/.test(line))).toEqual([]));

  const uses = async (code: string) =>
    (await p.db.sql<{ uses: number }[]>`select uses from promo_codes where code = ${code}`)[0]!.uses;

  it('N parallel redemptions of a one-use 100% code: exactly one gets access', async () => {
    await p.db.sql`insert into promo_codes (code, percent_off, max_uses) values ('ONEFREE', 100, 1)`;
    const buyers = await Promise.all(Array.from({ length: 8 }, () => insertUser(p.db.sql)));
    // Everyone is quoted the free price first (nobody has used the code yet)...
    const quotes = await Promise.all(
      buyers.map(({ userId }) => p.orders.quote({ userId, courseSlug: slug, tariff: 'BASIC', promoCode: 'ONEFREE' })),
    );
    expect(quotes.every((q) => q.amountMinor === 0)).toBe(true);
    // ...then all redeem at the same moment, as the bot does for a 100% code.
    const results = await Promise.allSettled(
      buyers.map(async ({ userId }, i) => {
        const order = await p.orders.create({ userId, courseSlug: slug, quote: quotes[i]!, provider: 'promo' });
        return completion.succeeded('promo', {
          type: 'succeeded',
          providerPaymentId: `promo:${order.publicId}`,
          orderPublicId: order.publicId,
          amountMinor: 0,
          currency: order.currency,
          raw: {},
        });
      }),
    );
    const granted = results.filter((r) => r.status === 'fulfilled' && r.value === 'accepted');
    expect(granted).toHaveLength(1);
    for (const refused of results.filter((r) => r.status === 'rejected')) {
      expect(refused.reason).toBeInstanceOf(CheckoutError);
      expect((refused.reason as CheckoutError).problem).toBe('promo-used-up');
    }
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(7);
    expect(await uses('ONEFREE')).toBe(1);
    const orders = await p.db.sql`
      select o.status from orders o join promo_codes c on c.id = o.promo_code_id where c.code = 'ONEFREE'`;
    expect(orders.map((o) => o.status)).toEqual(['paid']);
  });

  it('three buyers open checkout with a one-use 50% code, then all pay: one is granted', async () => {
    await p.db.sql`insert into promo_codes (code, percent_off, max_uses) values ('HALFONCE', 50, 1)`;
    const students = [p.student(newStudent()), p.student(newStudent()), p.student(newStudent())];
    for (const student of students) {
      await student.send('/start');
      await student.press(`t:${slug}:BASIC`);
      await student.press(`b:${slug}:BASIC`);
      await student.press(`ok:${slug}:BASIC`);
      await student.press(`pr:${slug}:BASIC`);
      await student.send('halfonce');
      await student.waitForText(/To pay: 9.50 USD/);
    }
    // All three press "pay" with the code applied; each pays whatever link they got.
    for (const student of students) await student.press(`p:${slug}:BASIC:mock`);
    const links = students.flatMap((s) => s.messages().filter((m) => /Tap the button to pay/.test(m.text ?? '')));
    for (const link of links) await fetch(`${payUrl(link)}/pay`, { method: 'POST' });
    const paid = await p.db.sql`
      select o.status, o.amount_minor from orders o join promo_codes c on c.id = o.promo_code_id
      where c.code = 'HALFONCE' and o.status = 'paid'`;
    expect(paid).toHaveLength(1);
    expect(paid[0]!.amountMinor).toBe(950);
    expect(await uses('HALFONCE')).toBe(1);
    const welcomed = await waitForWelcomes(students, 1);
    expect(welcomed).toBe(1);
    const refused = students.filter((s) => s.messages().some((m) => /used up/.test(m.text ?? '')));
    expect(refused).toHaveLength(2);
  });

  it('a claim is released when its order is cancelled or expires, and only then', async () => {
    await p.db.sql`insert into promo_codes (code, percent_off, max_uses) values ('LASTONE', 50, 1)`;
    const [a, b] = [await insertUser(p.db.sql), await insertUser(p.db.sql)];
    const claim = async (userId: number, promoCode?: string) =>
      p.orders.create({
        userId,
        courseSlug: slug,
        quote: await p.orders.quote({ userId, courseSlug: slug, tariff: 'BASIC', promoCode }),
        provider: 'mock',
      });
    const problem = (promise: Promise<unknown>) =>
      promise.then(
        () => 'ok',
        (err: unknown) => (err instanceof CheckoutError ? err.problem : String(err)),
      );

    const first = await claim(a.userId, 'LASTONE');
    expect(await problem(claim(b.userId, 'LASTONE'))).toBe('promo-used-up');
    // The same buyer checking out again keeps their own claim (the older order is cancelled, the code moves over).
    const again = await claim(a.userId, 'LASTONE');
    expect((await p.orders.find(first.publicId))?.status).toBe('cancelled');
    expect(await uses('LASTONE')).toBe(1);
    // A new checkout without the code cancels the order that held it: the code is free again.
    await claim(a.userId);
    expect((await p.orders.find(again.publicId))?.status).toBe('cancelled');
    expect(await uses('LASTONE')).toBe(0);
    const third = await claim(b.userId, 'LASTONE');
    expect(await uses('LASTONE')).toBe(1);
    // An order past its lifetime gives its claim back to the next buyer.
    await p.db.sql`update orders set created_at = now() - interval '25 hours' where id = ${third.id}`;
    const c = await insertUser(p.db.sql);
    expect(await problem(claim(c.userId, 'LASTONE'))).toBe('ok');
    expect((await p.orders.find(third.publicId))?.status).toBe('expired');
    expect(await uses('LASTONE')).toBe(1);
  });

  async function waitForWelcomes(students: Student[], expected: number): Promise<number> {
    const count = () => students.filter((s) => s.messages().some((m) => /Payment received/.test(m.text ?? ''))).length;
    await p.telegram.waitFor(() => (count() >= expected ? true : undefined));
    // Anything more would have arrived by now: the webhooks were answered only after the journeys had the payment.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return count();
  }
});

function payUrl(message: { replyMarkup?: unknown }): string {
  return (message.replyMarkup as { inline_keyboard: { url: string }[][] }).inline_keyboard[0]![0]!.url;
}
