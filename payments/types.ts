import type { Tariff } from '../domain/tariffs';

/**
 * One interface for every payment provider. A provider turns an order into something the student can pay, and turns
 * the provider's webhook into a verified payment, or refuses it. Nothing here trusts a posted status: a provider
 * verifies (signature, or re-fetching the payment from its API) before it says "succeeded".
 */

/** What the sales bot sells: one order per checkout attempt, priced by the platform (promo codes, upgrades). */
export interface Order {
  /** Random, unguessable; travels in payment payloads and metadata. */
  publicId: string;
  userId: number;
  telegramId: number;
  courseSlug: string;
  tariff: Tariff;
  amountMinor: number;
  currency: string;
  /** Shown on the provider's page / invoice. */
  description: string;
  /** Receipt e-mail, for providers that need one (YooKassa receipts, Stripe customer_email). */
  email?: string;
}

export type Checkout =
  /** Send the student to a payment page (Stripe Checkout, YooKassa confirmation, mock page). */
  | { kind: 'redirect'; url: string; providerPaymentId?: string }
  /** The bot sends a Telegram invoice (Stars). */
  | { kind: 'invoice' };

/** A payment event the provider has verified. */
export interface VerifiedPaymentEvent {
  type: 'succeeded' | 'refunded';
  /** The provider's own id of the payment: the idempotency key (unique per provider in Postgres). */
  providerPaymentId: string;
  orderPublicId: string;
  amountMinor: number;
  currency: string;
  /** The provider's payload, stored with the payment for audits (no card data is ever in it). */
  raw: unknown;
}

export interface WebhookRequest {
  /** The exact bytes received: signatures are computed over them. */
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

export interface PaymentProvider {
  readonly name: string;
  createCheckout(order: Order): Promise<Checkout>;
  /**
   * Verifies a webhook. Returns the event, or null for an event that is genuine but not about a payment we act on
   * (e.g. Stripe's `checkout.session.expired`). Throws WebhookSignatureError (answered 401) or MalformedWebhookError
   * (400). A transient failure (the provider's API is down while re-fetching) is any other error: answered 503 so
   * the provider retries. Absent for a provider that notifies through the bot instead (Telegram Stars): its
   * webhook route answers 404.
   */
  verifyWebhook?(request: WebhookRequest): Promise<VerifiedPaymentEvent | null>;
  /** Gives the money back (admin action); the webhook or caller then stops the journey. */
  refund?(providerPaymentId: string, amountMinor: number): Promise<void>;
}

/** A provider that reports payments by webhook (Stripe, YooKassa, the mock). */
export type WebhookProvider = PaymentProvider & Required<Pick<PaymentProvider, 'verifyWebhook'>>;

export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError';
}

export class MalformedWebhookError extends Error {
  override name = 'MalformedWebhookError';
}
