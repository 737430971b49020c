import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Checkout, Order, PaymentProvider, VerifiedPaymentEvent, WebhookProvider, WebhookRequest } from './types';
import { MalformedWebhookError, WebhookSignatureError } from './types';

export const MOCK_SIGNATURE_HEADER = 'x-mock-signature';

type MockEventType = 'payment.succeeded' | 'payment.refunded';

/** A mock webhook's body. Its `type` is read after this check: another type is a genuine event, only not acted on. */
const mockEventSchema = z.object({
  type: z.unknown().optional(),
  paymentId: z.string(),
  order: z.string(),
  amountMinor: z.int(),
  currency: z.string(),
});

/** HMAC-SHA256 of the raw body, hex: how the mock provider signs its webhooks. */
export function signMockWebhook(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** The mock provider, with the signed webhooks it sends (for its checkout page and the demo). */
export type MockProvider = ReturnType<typeof createMockProvider>;

/** Whether a configured provider is the mock one. */
export function isMockProvider(provider: PaymentProvider): provider is MockProvider {
  return provider.name === 'mock' && 'webhookFor' in provider && typeof provider.webhookFor === 'function';
}

/**
 * A payment provider for development and the demo that behaves like the real ones: a checkout page to pay on, and a
 * signed webhook through the same endpoint and the same checks as Stripe or YooKassa.
 */
export function createMockProvider(options: { secret: string; publicUrl: string }): WebhookProvider & {
  /** The signed webhook the mock provider sends when `order` is paid (or refunded). */
  webhookFor(
    order: Pick<Order, 'publicId' | 'amountMinor' | 'currency'>,
    type?: MockEventType,
    paymentId?: string,
  ): {
    body: string;
    headers: Record<string, string>;
  };
} {
  return {
    name: 'mock',
    async createCheckout(order: Order): Promise<Checkout> {
      return { kind: 'redirect', url: `${options.publicUrl}/mock-checkout/${encodeURIComponent(order.publicId)}` };
    },
    async verifyWebhook({ rawBody, headers }: WebhookRequest): Promise<VerifiedPaymentEvent | null> {
      const signature = headers[MOCK_SIGNATURE_HEADER];
      if (typeof signature !== 'string' || !/^[0-9a-f]{64}$/.test(signature))
        throw new WebhookSignatureError('missing signature');
      const expected = Buffer.from(signMockWebhook(options.secret, rawBody.toString('utf8')), 'hex');
      if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) throw new WebhookSignatureError('bad signature');
      let body: unknown;
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new MalformedWebhookError('body is not JSON');
      }
      const parsed = mockEventSchema.safeParse(body);
      if (!parsed.success) throw new MalformedWebhookError('missing paymentId, order, amountMinor or currency');
      const event = parsed.data;
      if (event.type !== 'payment.succeeded' && event.type !== 'payment.refunded') return null;
      return {
        type: event.type === 'payment.succeeded' ? 'succeeded' : 'refunded',
        providerPaymentId: event.paymentId,
        orderPublicId: event.order,
        amountMinor: event.amountMinor,
        currency: event.currency,
        raw: body,
      };
    },
    webhookFor(order, type = 'payment.succeeded', paymentId = `mock_${order.publicId}`) {
      const body = JSON.stringify({
        type,
        paymentId,
        order: order.publicId,
        amountMinor: order.amountMinor,
        currency: order.currency,
      });
      return {
        body,
        headers: { 'content-type': 'application/json', [MOCK_SIGNATURE_HEADER]: signMockWebhook(options.secret, body) },
      };
    },
  };
}
