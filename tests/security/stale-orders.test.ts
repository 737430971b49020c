import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery } from '../../journey/definitions';
import { insertCourse, insertUser } from '../helpers/fixtures';
import { eventually } from '../helpers/platform';
import { startSalesPlatform } from '../helpers/sales';
import type { SalesPlatform, Student } from '../helpers/sales';

let nextId = 940_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
const newStudent = () => ({ id: nextId++, first_name: 'Oli', language_code: 'en' });

/**
 * Completion checks an order against today, not against the day it was made: an order past its lifetime, or one
 * whose enrollment was refunded (or no longer holds the tariff an upgrade starts from), is never granted silently;
 * its money is recorded as due for a refund.
 */
describe('stale orders', () => {
  let p: SalesPlatform;
  let slug: string;
  beforeAll(async () => {
    p = await startSalesPlatform({ courseSlug: (slug = `stale-${Math.random().toString(36).slice(2, 8)}`) });
    await insertCourse(p.db.sql, { slug, lessons: [{ day: 1 }, { day: 2 }], intervalMs: 60_000 });
    await p.db.sql`update course_tariffs set price_stars = 250`;
  });
  afterAll(async () => p?.close());
  afterEach(() => expect(p.botLog.filter((line) => /update \d+ failed/.test(line))).toEqual([]));

  const refundsDue = (orderId: number) =>
    p.db.sql<{ provider: string; providerPaymentId: string; amountMinor: number; reason: string }[]>`
      select provider, provider_payment_id, amount_minor, reason from refunds_due where order_id = ${orderId}`;
  const journeyOf = (userId: number) => p.temporal.enrollments.handle({ userId, courseSlug: slug });

  it('an old pending order is not granted at its old price once its code expired and the price rose', async () => {
    await p.db.sql`insert into promo_codes (code, percent_off) values ('NINETY', 90)`;
    const { userId } = await insertUser(p.db.sql);
    const quote = await p.orders.quote({ userId, courseSlug: slug, tariff: 'FEEDBACK', promoCode: 'NINETY' });
    const order = await p.orders.create({ userId, courseSlug: slug, quote, provider: 'mock' });
    expect(order.amountMinor).toBe(490);
    // Time passes: the code expires, the price rises, the order outlives its 24 hours.
    await p.db.sql`update promo_codes set expires_at = now() - interval '1 hour' where code = 'NINETY'`;
    await p.db.sql`update course_tariffs set price_minor = 6900 where tariff = 'FEEDBACK'`;
    await p.db.sql`update orders set created_at = now() - interval '25 hours' where id = ${order.id}`;

    const webhook = p.mock.webhookFor(order);
    const answer = await p.postWebhook('mock', webhook.body, webhook.headers);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true, outcome: 'refund-due' });
    await expect(journeyOf(userId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect((await p.orders.find(order.publicId))?.status).toBe('expired');
    expect(await refundsDue(order.id)).toEqual([
      { provider: 'mock', providerPaymentId: `mock_${order.publicId}`, amountMinor: 490, reason: expect.any(String) },
    ]);
    // The provider retries: still nothing granted, nothing recorded twice.
    const again = await p.postWebhook('mock', webhook.body, webhook.headers);
    expect(await again.json()).toEqual({ ok: true, outcome: 'duplicate' });
    expect(await refundsDue(order.id)).toHaveLength(1);
    await p.db.sql`update course_tariffs set price_minor = 4900 where tariff = 'FEEDBACK'`;
  });

  it('an order within its lifetime still pays its price', async () => {
    const { userId } = await insertUser(p.db.sql);
    const quote = await p.orders.quote({ userId, courseSlug: slug, tariff: 'BASIC' });
    const order = await p.orders.create({ userId, courseSlug: slug, quote, provider: 'mock' });
    await p.db.sql`update orders set created_at = now() - interval '23 hours' where id = ${order.id}`;
    const webhook = p.mock.webhookFor(order);
    expect(await (await p.postWebhook('mock', webhook.body, webhook.headers)).json()).toEqual({
      ok: true,
      outcome: 'accepted',
    });
    await eventually(
      () => journeyOf(userId).query(progressQuery),
      (pr) => pr.stage === 'active',
    );
    await journeyOf(userId).terminate('test done');
  });

  it('a Telegram Stars invoice of an expired order is declined before any money moves', async () => {
    const student = p.student(newStudent());
    await student.send('/start');
    await buy(student, 'BASIC', 'stars');
    const invoice = await p.telegram.waitFor(() => student.messages().find((m) => m.kind === 'invoice'));
    const payload = invoice.invoice!.payload;
    await p.db.sql`update orders set created_at = now() - interval '25 hours' where public_id = ${payload}`;
    const paid = await p.telegram.payInvoice({
      botToken: p.salesToken,
      from: student.user,
      invoice: { currency: 'XTR', totalAmount: 250, payload },
    });
    expect(paid.ok).toBe(false);
  });

  it('a pending upgrade paid after a refund does not re-open the journey', async () => {
    const student = p.student(newStudent());
    await student.send('/start');
    await buy(student, 'BASIC', 'mock');
    const basicUrl = payUrl(await student.waitForText(/Tap the button to pay/));
    expect((await fetch(`${basicUrl}/pay`, { method: 'POST' })).status).toBe(200);
    await student.waitForText(/Payment received/);
    const [user] = await p.db.sql<{ id: number }[]>`select id from users where telegram_id = ${student.user.id}`;
    const journey = journeyOf(user!.id);
    const { runId } = await journey.describe();

    // An upgrade is opened and left unpaid.
    await student.send('/start');
    await buy(student, 'PREMIUM', 'mock');
    await student.waitForText(/To pay: 80.00 USD \(upgrade from BASIC/);
    const upgradeUrl = payUrl(await student.waitForText(/Tap the button to pay/, 2));
    const upgrade = await p.orders.find(upgradeUrl.split('/').at(-1)!);
    expect(upgrade).toMatchObject({ status: 'pending', upgradeFrom: 'BASIC', amountMinor: 8000 });

    // BASIC is refunded: the journey ends, and the pending upgrade with it.
    const basic = (
      await p.db.sql<{ publicId: string }[]>`
      select public_id from orders where user_id = ${user!.id} and tariff = 'BASIC' and status = 'paid'`
    )[0]!;
    const basicOrder = (await p.orders.find(basic.publicId))!;
    const refund = p.mock.webhookFor(basicOrder, 'payment.refunded', `mock_${basicOrder.publicId}`);
    expect(await (await p.postWebhook('mock', refund.body, refund.headers)).json()).toEqual({
      ok: true,
      outcome: 'refunded',
    });
    expect((await journey.result()).stage).toBe('refunded');
    expect((await p.orders.find(upgrade!.publicId))?.status).toBe('cancelled');

    // The old upgrade link is paid anyway: the money is flagged for a refund, the journey stays ended.
    expect((await fetch(`${upgradeUrl}/pay`, { method: 'POST' })).status).toBe(200);
    const after = await journey.describe();
    expect(after.runId).toBe(runId);
    expect(after.status.name).toBe('COMPLETED');
    expect(await refundsDue(upgrade!.id)).toEqual([
      {
        provider: 'mock',
        providerPaymentId: `mock_${upgrade!.publicId}`,
        amountMinor: 8000,
        reason: expect.any(String),
      },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(student.messages().some((m) => /PREMIUM/.test(m.text ?? '') && /tariff is now/.test(m.text ?? ''))).toBe(
      false,
    );
  });

  it('an upgrade whose base tariff the enrollment no longer holds is judged against the full price', async () => {
    const student = p.student(newStudent());
    await student.send('/start');
    await buy(student, 'BASIC', 'mock');
    expect((await fetch(`${payUrl(await student.waitForText(/Tap the button to pay/))}/pay`, { method: 'POST' })).ok);
    await student.waitForText(/Payment received/);
    const [user] = await p.db.sql<{ id: number }[]>`select id from users where telegram_id = ${student.user.id}`;
    const { userId } = { userId: user!.id };
    const quote = await p.orders.quote({ userId, courseSlug: slug, tariff: 'PREMIUM' });
    const upgrade = await p.orders.create({ userId, courseSlug: slug, quote, provider: 'mock' });
    expect(upgrade).toMatchObject({ upgradeFrom: 'BASIC', amountMinor: 8000 });
    // Meanwhile the enrollment moved off BASIC another way (an admin grant, say).
    await p.db.sql`update enrollments set tariff = 'FEEDBACK' where user_id = ${userId}`;
    const webhook = p.mock.webhookFor(upgrade);
    expect(await (await p.postWebhook('mock', webhook.body, webhook.headers)).json()).toEqual({
      ok: true,
      outcome: 'refund-due',
    });
    expect(await refundsDue(upgrade.id)).toHaveLength(1);
    const progress = await journeyOf(userId).query(progressQuery);
    expect(progress.tariff).toBe('BASIC');
    expect(progress.payments).toHaveLength(1);
    await journeyOf(userId).terminate('test done');
  });

  async function buy(student: Student, tariff: string, provider: string) {
    await student.press(`t:${slug}:${tariff}`);
    await student.press(`b:${slug}:${tariff}`);
    if (student.messages().some((m) => JSON.stringify(m.replyMarkup ?? {}).includes(`ok:${slug}:${tariff}`))) {
      await student.press(`ok:${slug}:${tariff}`);
    }
    await student.press(`p:${slug}:${tariff}:${provider}`);
  }
});

function payUrl(message: { replyMarkup?: unknown }): string {
  return (message.replyMarkup as { inline_keyboard: { url: string }[][] }).inline_keyboard[0]![0]!.url;
}
