import { WorkflowNotFoundError } from '@temporalio/client';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMockWebhook } from '../../payments/mock';
import { insertCourse, insertUser } from '../helpers/fixtures';
import { MOCK_SECRET, STRIPE_WEBHOOK_SECRET, startSalesPlatform } from '../helpers/sales';
import type { SalesPlatform } from '../helpers/sales';

/** Webhook bodies that are unreadable, or signed but nonsensical, get a 4xx and change nothing. */
describe('payment webhooks validate what they are given before acting on it', () => {
  let p: SalesPlatform;
  let slug: string;
  beforeAll(async () => {
    p = await startSalesPlatform({ courseSlug: (slug = `hooks-${Math.random().toString(36).slice(2, 8)}`) });
    await insertCourse(p.db.sql, { slug, lessons: [{ day: 1 }] });
  });
  afterAll(async () => p?.close());

  it('answers 400 to malformed YooKassa bodies without calling the YooKassa API', async () => {
    const notification = (object: unknown, event = 'payment.succeeded') =>
      JSON.stringify({ type: 'notification', event, object });
    const bodies = [
      'null',
      '"."',
      '[]',
      '42',
      '{"type":"notification","event":"payment.succeeded","object":null}',
      notification({ id: '.' }),
      notification({ id: '..' }),
      notification({ id: '../refunds/x' }),
      notification({ id: 'a/b' }),
      notification({ id: '' }),
      notification({ id: 'x'.repeat(65) }),
      notification({ id: 7 }),
      // An unpaired surrogate, as JSON escapes it and as raw bytes.
      '{"type":"notification","event":"payment.succeeded","object":{"id":"\\ud800"}}',
      `{"type":"notification","event":"payment.succeeded","object":{"id":"ab\ud800cd"}}`,
      notification({ id: '\ud83d' }, 'refund.succeeded'),
      notification({ id: 'abc' }, 'payment succeeded!'),
    ];
    const before = p.yookassa.requests.length;
    for (const body of bodies) {
      const answer = await p.postWebhook('yookassa', body);
      expect(answer.status, body).toBe(400);
    }
    expect(p.yookassa.requests.length).toBe(before);
  });

  it('answers 400 to signed events whose fields make no sense, and starts no journey', async () => {
    const { userId } = await insertUser(p.db.sql);
    const quote = await p.orders.quote({ userId, courseSlug: slug, tariff: 'BASIC' });
    const order = await p.orders.create({ userId, courseSlug: slug, quote, provider: 'mock' });
    const signed = (fields: Record<string, unknown>) => {
      const body = JSON.stringify({
        type: 'payment.succeeded',
        paymentId: `mock-odd-${Math.random()}`,
        order: order.publicId,
        amountMinor: order.amountMinor,
        currency: order.currency,
        ...fields,
      });
      return p.postWebhook('mock', body, { 'x-mock-signature': signMockWebhook(MOCK_SECRET, body) });
    };
    for (const fields of [
      { amountMinor: -1 },
      { amountMinor: 0 },
      { amountMinor: 2 ** 60 },
      { currency: '' },
      { currency: 'usd' },
      { currency: 'DOLLARS' },
      { paymentId: '' },
      { paymentId: 'with space' },
      { paymentId: 'x'.repeat(300) },
      { order: '' },
      { type: 'payment.refunded', amountMinor: -5 },
    ]) {
      const answer = await signed(fields);
      expect(answer.status, JSON.stringify(fields)).toBe(400);
    }
    const signedNull = 'null';
    expect(
      (await p.postWebhook('mock', signedNull, { 'x-mock-signature': signMockWebhook(MOCK_SECRET, signedNull) }))
        .status,
    ).toBe(400);
    expect((await p.orders.find(order.publicId))?.status).toBe('pending');
    const describe = p.temporal.enrollments.handle({ userId, courseSlug: slug }).describe();
    await expect(describe).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('answers 4xx, not 503, to a signed Stripe refund without a currency or amount', async () => {
    const signer = new Stripe('sk_test_sales');
    const post = (charge: Record<string, unknown>) => {
      const body = JSON.stringify({
        id: 'evt_odd',
        object: 'event',
        type: 'charge.refunded',
        data: { object: { id: 'ch_odd', object: 'charge', payment_intent: 'pi_odd', metadata: {}, ...charge } },
      });
      const header = signer.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_WEBHOOK_SECRET });
      return p.postWebhook('stripe', body, { 'stripe-signature': header });
    };
    for (const charge of [
      { amount_refunded: 1900 },
      { amount_refunded: 1900, currency: null },
      { currency: 'usd' },
      { amount_refunded: -1, currency: 'usd' },
    ]) {
      const answer = await post(charge);
      expect(answer.status, JSON.stringify(charge)).toBeGreaterThanOrEqual(400);
      expect(answer.status, JSON.stringify(charge)).toBeLessThan(500);
    }
    // A well-formed refund of a payment nobody knows is still just "unknown".
    expect(await (await post({ amount_refunded: 1900, currency: 'usd' })).json()).toEqual({
      ok: true,
      outcome: 'unknown-order',
    });
  });
});
