import Stripe from 'stripe';
import type { Checkout, Order, VerifiedPaymentEvent, WebhookProvider, WebhookRequest } from './types';
import { MalformedWebhookError, WebhookSignatureError } from './types';

export interface StripeOptions {
  secretKey: string;
  /** The endpoint's signing secret (whsec_...). */
  webhookSecret: string;
  /** Where Stripe sends the student after paying or giving up (a page that says "return to Telegram"). */
  returnUrl: string;
  /** Another API root (tests use a local stand-in); Stripe's own when unset. */
  apiBase?: string;
}

/**
 * Stripe Checkout. A webhook is trusted only after `stripe.webhooks.constructEvent` checked its signature over the
 * raw body (and its timestamp, 5 minutes' tolerance). `checkout.session.completed` with payment_status `paid` is a
 * payment; `charge.refunded` is a refund; every other event is acknowledged and ignored.
 */
export function createStripeProvider(options: StripeOptions): WebhookProvider {
  const base = options.apiBase ? new URL(options.apiBase) : undefined;
  const stripe = new Stripe(options.secretKey, {
    ...(base ? { host: base.hostname, port: base.port, protocol: base.protocol === 'http:' ? 'http' : 'https' } : {}),
    telemetry: false,
    maxNetworkRetries: 2,
    timeout: 20_000,
  });

  return {
    name: 'stripe',
    async createCheckout(order: Order): Promise<Checkout> {
      const session = await stripe.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: order.currency.toLowerCase(),
                unit_amount: order.amountMinor,
                product_data: { name: order.description },
              },
            },
          ],
          client_reference_id: order.publicId,
          metadata: { order: order.publicId },
          payment_intent_data: { metadata: { order: order.publicId } },
          ...(order.email ? { customer_email: order.email } : {}),
          success_url: options.returnUrl,
          cancel_url: options.returnUrl,
        },
        // A retried create returns the same session instead of a second one.
        { idempotencyKey: `checkout-${order.publicId}` },
      );
      if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL`);
      return { kind: 'redirect', url: session.url, providerPaymentId: session.id };
    },

    async verifyWebhook({ rawBody, headers }: WebhookRequest): Promise<VerifiedPaymentEvent | null> {
      const signature = headers['stripe-signature'];
      if (typeof signature !== 'string') throw new WebhookSignatureError('missing Stripe-Signature header');
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature, options.webhookSecret);
      } catch (err) {
        if (err instanceof Stripe.errors.StripeSignatureVerificationError) throw new WebhookSignatureError(err.message);
        throw new MalformedWebhookError(err instanceof Error ? err.message : 'unreadable Stripe event');
      }
      if (event.type === 'checkout.session.completed') {
        const session = event.data.object;
        if (session.payment_status !== 'paid') return null;
        const order = session.client_reference_id ?? session.metadata?.order;
        if (!order || typeof session.amount_total !== 'number' || typeof session.currency !== 'string') {
          throw new MalformedWebhookError('checkout session without order, amount or currency');
        }
        const intent = typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id;
        return {
          type: 'succeeded',
          providerPaymentId: intent ?? session.id,
          orderPublicId: order,
          amountMinor: session.amount_total,
          currency: session.currency.toUpperCase(),
          raw: { id: event.id, type: event.type, session: session.id },
        };
      }
      if (event.type === 'charge.refunded') {
        const charge = event.data.object;
        const intent = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
        if (!intent) throw new MalformedWebhookError('refunded charge without a payment intent');
        if (typeof charge.currency !== 'string' || typeof charge.amount_refunded !== 'number') {
          throw new MalformedWebhookError('refunded charge without an amount or currency');
        }
        return {
          type: 'refunded',
          providerPaymentId: intent,
          orderPublicId: charge.metadata?.order ?? '',
          amountMinor: charge.amount_refunded,
          currency: charge.currency.toUpperCase(),
          raw: { id: event.id, type: event.type, charge: charge.id },
        };
      }
      return null;
    },

    async refund(providerPaymentId: string, amountMinor: number): Promise<void> {
      await stripe.refunds.create(
        { payment_intent: providerPaymentId, amount: amountMinor },
        { idempotencyKey: `refund-${providerPaymentId}` },
      );
    },
  };
}
