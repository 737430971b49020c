import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commissionHoldWorkflowId } from '../../activities/commissions';
import { paymentReceivedSignal, paymentRefundedSignal } from '../../journey/definitions';
import type { PaymentReceived } from '../../journey/definitions';
import { DAY_MS } from '../../domain/schedule';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { eventually } from '../helpers/platform';
import { useTimeSkipping } from '../helpers/time-skipping';

/**
 * Partner commissions (#18) on the real 14-day refund window, run in seconds by the time-skipping server: held, then
 * available when the hold's durable timer ends; a refund inside it claws the commission back, after it records a
 * negative adjustment; an upgrade earns its own commission.
 */
describe('a partner commission held for 14 days (time-skipping server)', () => {
  const ts = useTimeSkipping('commission-hold');
  const slug = `hold-${randomUUID().slice(0, 8)}`;
  const code = `TS${randomUUID().slice(0, 6).toUpperCase()}`;
  let partnerId: number;
  // One worker for the whole file, so every hold it starts finishes on it (a worker per test left the server waiting).
  let stopWorker: () => void;
  let worker: Promise<void>;
  beforeAll(() => {
    worker = ts.runWorker(() => new Promise<void>((resolve) => (stopWorker = resolve)));
  });
  afterAll(async () => {
    stopWorker?.();
    await worker;
  });

  const setUp = async () => {
    if (partnerId) return;
    // Long enough that the journey still runs when the upgrade comes on day 13, over before day 28.
    const lessons = Array.from({ length: 20 }, (_, i) => ({ day: i + 1, tasks: {} }));
    const courseId = await insertCourse(ts.db.sql, { slug, lessons });
    const [partner] = await ts.db.sql<{ id: number }[]>`
      insert into partners (code, telegram_id) values (${code}, 555000111) returning id`;
    partnerId = partner!.id;
    await ts.db.sql`insert into partner_rates (partner_id, course_id, tariff, percent)
                    values (${partnerId}, ${courseId}, null, 20), (${partnerId}, ${courseId}, 'PREMIUM', 30)`;
  };
  /** A student who came through the partner's link (as /start <code> records it, any case). */
  const referredStudent = async () => {
    await setUp();
    const { userId } = await insertUser(ts.db.sql);
    await ts.db.sql`insert into referrals (partner_id, referred_user_id) values (${code.toLowerCase()}, ${userId})`;
    return { userId, courseSlug: slug };
  };
  const commissionOf = (providerPaymentId: string) =>
    eventually(
      () => ts.db.sql<{ id: number; status: string; amountMinor: number; source: string; percent: number }[]>`
        select c.id, c.status, c.amount_minor, c.source, c.percent from commissions c
        join payments p on p.id = c.payment_id where p.provider_payment_id = ${providerPaymentId}`,
      (rows) => rows.length === 1,
    ).then((rows) => rows[0]!);
  const statusOf = async (id: number) =>
    (await ts.db.sql<{ status: string }[]>`select status from commissions where id = ${id}`)[0]!.status;
  const adjustmentsOf = (id: number) =>
    ts.db.sql`select amount_minor, currency from commission_adjustments where commission_id = ${id}`;

  it('holds a commission for 14 days, then makes it available; an upgrade earns its own at the tariff rate', async () => {
    const input = await referredStudent();
    const paid = payment('BASIC');
    await ts.enrollments.pay(input, paid);
    const commission = await commissionOf(paid.providerPaymentId);
    expect(commission).toMatchObject({ status: 'held', amountMinor: 380, source: 'link', percent: 20 });
    await ts.env.sleep(13 * DAY_MS);
    expect(await statusOf(commission.id)).toBe('held');
    // The upgrade to PREMIUM (8000 paid) follows the sale's partner, at the PREMIUM rate.
    const upgrade: PaymentReceived = {
      ...payment('PREMIUM', { amountMinor: 8000 }),
      order: { publicId: `o-${randomUUID()}`, amountMinor: 8000, currency: 'USD', upgradeFrom: 'BASIC' },
    };
    await ts.enrollments.handle(input).signal(paymentReceivedSignal, upgrade);
    const upgraded = await commissionOf(upgrade.providerPaymentId);
    expect(upgraded).toMatchObject({ status: 'held', amountMinor: 2400, source: 'sale', percent: 30 });
    await ts.env.sleep(2 * DAY_MS);
    await eventually(
      () => statusOf(commission.id),
      (s) => s === 'available',
    );
    expect(await statusOf(upgraded.id)).toBe('held');
    // The hold is one workflow per commission, ended by its timer.
    const hold = ts.env.client.workflow.getHandle(commissionHoldWorkflowId(commission.id));
    expect(await hold.result()).toEqual({ released: true });
    await ts.env.sleep(13 * DAY_MS);
    await eventually(
      () => statusOf(upgraded.id),
      (s) => s === 'available',
    );
    // Every journey ends on its own before the next test: nothing of it is left in flight on the server.
    expect(await ts.enrollments.handle(input).result()).toMatchObject({ stage: 'completed' });
  });

  it('claws the commission back on a refund inside the window; the timer then changes nothing', async () => {
    const input = await referredStudent();
    const paid = payment('FEEDBACK');
    await ts.enrollments.pay(input, paid);
    const commission = await commissionOf(paid.providerPaymentId);
    expect(commission).toMatchObject({ status: 'held', amountMinor: 980 });
    await ts.env.sleep(3 * DAY_MS);
    await ts.enrollments
      .handle(input)
      .signal(paymentRefundedSignal, { provider: 'mock', providerPaymentId: paid.providerPaymentId });
    await eventually(
      () => statusOf(commission.id),
      (s) => s === 'clawed_back',
    );
    await ts.env.sleep(12 * DAY_MS);
    const hold = ts.env.client.workflow.getHandle(commissionHoldWorkflowId(commission.id));
    expect(await hold.result()).toEqual({ released: false });
    expect(await statusOf(commission.id)).toBe('clawed_back');
    expect(await adjustmentsOf(commission.id)).toEqual([]);
    expect(await ts.enrollments.handle(input).result()).toMatchObject({ stage: 'refunded' });
  });

  it('records a negative adjustment on a refund after the window, and leaves the commission available', async () => {
    const input = await referredStudent();
    const paid = payment('BASIC');
    await ts.enrollments.pay(input, paid);
    const commission = await commissionOf(paid.providerPaymentId);
    await ts.env.sleep(15 * DAY_MS);
    await eventually(
      () => statusOf(commission.id),
      (s) => s === 'available',
    );
    await ts.enrollments
      .handle(input)
      .signal(paymentRefundedSignal, { provider: 'mock', providerPaymentId: paid.providerPaymentId });
    await eventually(
      () => adjustmentsOf(commission.id),
      (rows) => rows.length === 1,
    );
    expect(await adjustmentsOf(commission.id)).toEqual([{ amountMinor: -380, currency: 'USD' }]);
    expect(await statusOf(commission.id)).toBe('available');
    expect(await ts.enrollments.handle(input).result()).toMatchObject({ stage: 'refunded' });
  });
});
