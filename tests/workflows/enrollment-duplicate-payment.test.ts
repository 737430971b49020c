import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentReceivedSignal, progressQuery } from '../../journey/definitions';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { stepsRun } from '../helpers/history-events';
import { eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

/**
 * The journey's own duplicate check, seen where only it can defend: Postgres (one row per provider id) and sendOnce
 * would hide a second handling from the student, so the test reads what the workflow itself did, from its history.
 */
describe('a repeated payment signal, as the journey itself sees it', () => {
  let p: Platform;
  let courseSlug: string;
  beforeAll(async () => {
    p = await startPlatform();
    courseSlug = p.slug('dup-pay');
    await insertCourse(p.db.sql, { slug: courseSlug, intervalMs: 60_000, lessons: [{ day: 1 }, { day: 2 }] });
  });
  afterAll(async () => p?.close());

  it('handles a payment id once: one recordPayment, one entry in progress, however often it is signalled', async () => {
    const { userId } = await insertUser(p.db.sql);
    const input = { userId, courseSlug };
    const handle = p.temporal.enrollments.handle(input);
    const paid = payment('BASIC', { id: 'pay-once' });
    await p.temporal.enrollments.pay(input, paid);
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.tariff === 'BASIC' && pr.lessonsDelivered.includes(1),
    );

    // The same payment again, by signal-with-start (a webhook retry) and by plain signal.
    await p.temporal.enrollments.pay(input, paid);
    await handle.signal(paymentReceivedSignal, paid);
    // A later, different payment: once the journey shows it, it has handled the two repeats before it.
    await handle.signal(paymentReceivedSignal, payment('BASIC', { id: 'pay-later', amountMinor: 1 }));
    const progress = await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.payments.some((x) => x.providerPaymentId === 'pay-later'),
    );

    expect(progress.payments).toEqual([
      { providerPaymentId: 'pay-once', status: 'accepted' },
      { providerPaymentId: 'pay-later', status: 'underpaid' },
    ]);
    // Two payments recorded, not four: the repeats never reached Postgres.
    expect(await stepsRun(handle, 'recordPayment')).toBe(2);
    await handle.terminate('test done');
  });
});
