import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeProvider } from '../../payments/stripe';
import { MalformedWebhookError, WebhookSignatureError } from '../../payments/types';
import type { Order } from '../../payments/types';
import { startStripeStandIn } from '../../testing/stripe-api';

const SECRET_KEY = 'sk_test_platform';
const WEBHOOK_SECRET = 'whsec_test_platform';
const order: Order = {
  publicId: 'ord_123',
  userId: 1,
  telegramId: 42,
  courseSlug: 'demo',
  tariff: 'FEEDBACK',
  amountMinor: 4900,
  currency: 'USD',
  description: 'Course · FEEDBACK',
  email: 'ada@example.com',
};

describe('Stripe Checkout provider, against a local Stripe API', () => {
  let stripe: Awaited<ReturnType<typeof startStripeStandIn>>;
  let provider: ReturnType<typeof createStripeProvider>;
  beforeAll(async () => {
    stripe = await startStripeStandIn({ secretKey: SECRET_KEY });
    provider = createStripeProvider({
      secretKey: SECRET_KEY,
      webhookSecret: WEBHOOK_SECRET,
      returnUrl: 'https://x.test/paid',
      apiBase: stripe.apiBase,
    });
  });
  afterAll(async () => stripe?.stop());

  it('creates a checkout session for the order’s exact amount, currency and reference', async () => {
    const checkout = await provider.createCheckout(order);
    expect(checkout).toMatchObject({
      kind: 'redirect',
      url: expect.stringMatching(/^https:\/\/checkout\.stripe\.test\//),
    });
    const [request] = stripe.requests.filter((r) => r.path === '/v1/checkout/sessions');
    expect(request?.params).toMatchObject({
      mode: 'payment',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '4900',
      client_reference_id: 'ord_123',
      'metadata[order]': 'ord_123',
      customer_email: 'ada@example.com',
    });
    expect(request?.idempotencyKey).toBe('checkout-ord_123');
  });

  it('turns a correctly signed completed session into a payment, and refuses everything else', async () => {
    const { providerPaymentId: sessionId } = (await provider.createCheckout(order)) as { providerPaymentId: string };
    const session = stripe.sessions.get(sessionId)!;
    const completed = stripe.completedEvent(sessionId, WEBHOOK_SECRET);
    const request = (body: string, signature?: string) => ({
      rawBody: Buffer.from(body),
      headers: signature === undefined ? {} : { 'stripe-signature': signature },
    });
    await expect(
      provider.verifyWebhook(request(completed.body, completed.headers['stripe-signature'])),
    ).resolves.toEqual({
      type: 'succeeded',
      providerPaymentId: session.payment_intent,
      orderPublicId: 'ord_123',
      amountMinor: 4900,
      currency: 'USD',
      raw: expect.objectContaining({ type: 'checkout.session.completed' }),
    });
    const forged = stripe.completedEvent(sessionId, 'whsec_someone_else');
    await expect(provider.verifyWebhook(request(forged.body, forged.headers['stripe-signature']))).rejects.toThrow(
      WebhookSignatureError,
    );
    await expect(provider.verifyWebhook(request(completed.body))).rejects.toThrow(WebhookSignatureError);
    const tampered = completed.body.replace('"amount_total":4900', '"amount_total":1');
    await expect(provider.verifyWebhook(request(tampered, completed.headers['stripe-signature']))).rejects.toThrow(
      WebhookSignatureError,
    );
    const replayed = stripe.completedEvent(sessionId, WEBHOOK_SECRET, {
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    await expect(provider.verifyWebhook(request(replayed.body, replayed.headers['stripe-signature']))).rejects.toThrow(
      WebhookSignatureError,
    );
  });

  it('maps refunds, ignores other events, and calls the refunds API', async () => {
    const { providerPaymentId: sessionId } = (await provider.createCheckout(order)) as { providerPaymentId: string };
    const refunded = stripe.refundedEvent(sessionId, WEBHOOK_SECRET);
    const event = await provider.verifyWebhook({ rawBody: Buffer.from(refunded.body), headers: refunded.headers });
    expect(event).toMatchObject({
      type: 'refunded',
      providerPaymentId: stripe.sessions.get(sessionId)!.payment_intent,
      orderPublicId: 'ord_123',
    });
    await provider.refund!(stripe.sessions.get(sessionId)!.payment_intent, 4900);
    expect(stripe.refunds.at(-1)).toEqual({
      payment_intent: stripe.sessions.get(sessionId)!.payment_intent,
      amount: 4900,
    });
  });

  it('calls a signed but unreadable event malformed', async () => {
    const { default: Stripe } = await import('stripe');
    const body = '{"not":"an event"';
    const header = new Stripe(SECRET_KEY).webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET });
    await expect(
      provider.verifyWebhook({ rawBody: Buffer.from(body), headers: { 'stripe-signature': header } }),
    ).rejects.toThrow(MalformedWebhookError);
  });
});
