import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentReceivedSignal, progressQuery } from '../../journey/definitions';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { stepsRun } from '../helpers/history-events';
import { enrollmentRows } from '../helpers/journey';
import { eventually, searchAttributesOf, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

describe('payments reaching a journey', () => {
  let platform: Platform;
  let courseSlug: string;
  beforeAll(async () => {
    platform = await startPlatform();
    courseSlug = platform.slug('payments');
    await insertCourse(platform.db.sql, { slug: courseSlug, intervalMs: 500, lessons: [{ day: 1 }, { day: 2 }] });
  });
  afterAll(async () => platform?.close());

  it('ignores a repeated payment signal: one payment row, one welcome, one lesson 1', async () => {
    const { userId, telegramId } = await insertUser(platform.db.sql);
    const input = { userId, courseSlug };
    const paid = payment('BASIC', { id: 'pay-dup-1' });
    await platform.temporal.enrollments.pay(input, paid);
    await platform.temporal.enrollments.pay(input, paid);
    await platform.temporal.enrollments.handle(input).signal(paymentReceivedSignal, paid);

    const handle = platform.temporal.enrollments.handle(input);
    expect(await handle.result()).toEqual({ stage: 'completed', lessonsDelivered: [1, 2] });
    await saveHistoryIfCapturing(handle, 'duplicate-payment');
    const texts = platform.telegram.sent(telegramId).map((m) => m.text ?? '');
    expect(texts.filter((t) => t.includes('Payment received'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('Day 1.'))).toHaveLength(1);
    expect((await handle.query(progressQuery)).payments).toEqual([
      { providerPaymentId: 'pay-dup-1', status: 'accepted' },
    ]);
    const rows = await enrollmentRows(platform.db.sql, input);
    expect(rows?.payments.map((p) => p.providerPaymentId)).toEqual(['pay-dup-1']);
  });

  it('records an underpayment, tells the student, grants nothing, and still accepts a full payment later', async () => {
    const { userId, telegramId } = await insertUser(platform.db.sql);
    const input = { userId, courseSlug };
    const handle = platform.temporal.enrollments.handle(input);
    await platform.temporal.enrollments.pay(input, payment('FEEDBACK', { id: 'pay-low', amountMinor: 1000 }));
    await platform.temporal.enrollments.pay(input, payment('PREMIUM', { id: 'pay-wrong-currency', currency: 'EUR' }));

    await platform.telegram.waitForMessages(telegramId, 2);
    const texts = platform.telegram.sent(telegramId).map((m) => m.text ?? '');
    // Both notices, in either order: the two payments' activities run side by side.
    expect(texts).toContainEqual(expect.stringContaining('We received 10.00 USD, but this tariff costs 49.00 USD'));
    expect(texts).toContainEqual(expect.stringContaining('We received 99.00 EUR, but this tariff costs 99.00 USD'));
    const progress = await eventually(
      () => handle.query(progressQuery),
      (p) => p.payments.length === 2,
    );
    expect(progress).toMatchObject({ stage: 'awaiting-payment', tariff: null, lessonsDelivered: [] });
    expect(progress.payments.map((p) => p.status)).toEqual(['underpaid', 'underpaid']);
    expect((await searchAttributesOf(platform, input)).stage).toBe('awaiting-payment');
    const rows = await enrollmentRows(platform.db.sql, input);
    expect(rows?.payments).toEqual([
      { providerPaymentId: 'pay-low', status: 'underpaid', reason: 'below 4900 USD', amountMinor: 1000 },
      {
        providerPaymentId: 'pay-wrong-currency',
        status: 'underpaid',
        reason: 'paid in EUR, the price is in USD',
        amountMinor: 9900,
      },
    ]);
    expect(texts.some((t) => t.includes('Payment received'))).toBe(false);

    await platform.temporal.enrollments.pay(input, payment('FEEDBACK', { id: 'pay-full' }));
    expect(await handle.result()).toMatchObject({ stage: 'completed', lessonsDelivered: [1, 2] });
    expect((await enrollmentRows(platform.db.sql, input))?.enrollment.tariff).toBe('FEEDBACK');
  });

  it('grants nothing for a payment id that already belongs to another enrollment', async () => {
    const first = await insertUser(platform.db.sql);
    const second = await insertUser(platform.db.sql);
    const shared = payment('BASIC', { id: 'pay-shared' });
    await platform.temporal.enrollments.pay({ userId: first.userId, courseSlug }, shared);
    await platform.telegram.waitForMessages(first.telegramId, 2);
    await platform.temporal.enrollments.pay({ userId: second.userId, courseSlug }, shared);
    const handle = platform.temporal.enrollments.handle({ userId: second.userId, courseSlug });
    // The journey has acted on what recordPayment told it (its history says so), and stayed unpaid.
    await eventually(
      () => stepsRun(handle, 'recordPayment'),
      (recorded) => recorded === 1,
    );
    expect(await handle.query(progressQuery)).toMatchObject({ stage: 'awaiting-payment', tariff: null, payments: [] });
    expect(await stepsRun(handle, 'grantAccess')).toBe(0);
    expect(platform.telegram.sent(second.telegramId)).toHaveLength(0);
  });

  it('expires an enrollment left unpaid, sending nothing', async () => {
    const slug = platform.slug('expiring');
    await insertCourse(platform.db.sql, { slug, unpaidExpiryMs: 1_500, lessons: [{ day: 1 }] });
    const { userId, telegramId } = await insertUser(platform.db.sql);
    const input = { userId, courseSlug: slug };
    await platform.temporal.enrollments.start(input);
    const handle = platform.temporal.enrollments.handle(input);
    const startedAt = Date.now();
    expect(await handle.result()).toEqual({ stage: 'expired', lessonsDelivered: [] });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
    await saveHistoryIfCapturing(handle, 'unpaid-expiry');
    expect(await searchAttributesOf(platform, input)).toMatchObject({ stage: 'expired', day: 0, tariff: undefined });
    expect((await enrollmentRows(platform.db.sql, input))?.enrollment.stage).toBe('expired');
    expect(platform.telegram.sent(telegramId)).toHaveLength(0);
  });

  it('opens an expired journey again when the money arrives late', async () => {
    const slug = platform.slug('late');
    await insertCourse(platform.db.sql, { slug, unpaidExpiryMs: 1_000, intervalMs: 500, lessons: [{ day: 1 }] });
    const { userId, telegramId } = await insertUser(platform.db.sql);
    const input = { userId, courseSlug: slug };
    await platform.temporal.enrollments.start(input);
    expect(await platform.temporal.enrollments.handle(input).result()).toMatchObject({ stage: 'expired' });
    await platform.temporal.enrollments.pay(input, payment('BASIC', { id: 'pay-late' }));
    expect(await platform.temporal.enrollments.handle(input).result()).toEqual({
      stage: 'completed',
      lessonsDelivered: [1],
    });
    expect(platform.telegram.sent(telegramId).filter((m) => m.text?.includes('Payment received'))).toHaveLength(1);
  });
});
