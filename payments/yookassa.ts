import { z } from 'zod';
import type { Checkout, Order, VerifiedPaymentEvent, WebhookProvider, WebhookRequest } from './types';
import { MalformedWebhookError, WebhookSignatureError } from './types';

export interface YooKassaOptions {
  shopId: string;
  secretKey: string;
  /** Where YooKassa sends the student after paying. */
  returnUrl: string;
  /** https://api.yookassa.ru/v3 unless set (tests use a local stand-in). */
  apiBase?: string;
}

/** Where YooKassa sends notifications from, as it publishes them (yookassa.ru/developers/using-api/webhooks). */
export const YOOKASSA_NOTIFICATION_IPS = [
  '185.71.76.0/27',
  '185.71.77.0/27',
  '77.75.153.0/25',
  '77.75.156.11',
  '77.75.156.35',
  '77.75.154.128/25',
  '2a02:5180::/32',
] as const;

/**
 * A payment as read from YooKassa's API: the fields used here (it sends more). An answer without them is an error,
 * which a webhook answers 503, so YooKassa retries.
 */
const yooPayment = z.object({
  id: z.string(),
  /** pending, waiting_for_capture, succeeded or canceled. */
  status: z.string(),
  paid: z.boolean(),
  amount: z.object({ value: z.string(), currency: z.string() }),
  metadata: z.record(z.string(), z.string()).optional(),
});
type YooPayment = z.infer<typeof yooPayment>;
/** The answer to creating a payment: its id, and the page to send the student to. */
const yooCreatedPayment = z.object({
  id: z.string(),
  confirmation: z.object({ confirmation_url: z.string().optional() }).optional(),
});
/** A refund; its `payment_id` is checked where it is used (isYooId), with an error of its own. */
const yooRefund = z.object({ status: z.string(), payment_id: z.unknown().optional() });

/** "49.00" ↔ 4900: money as exact integers of minor units, never floating point. */
export function toYooAmount(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

export function fromYooAmount(value: string): number {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) throw new MalformedWebhookError(`unreadable amount "${value}"`);
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

/**
 * YooKassa (used by the system this one replaces). Its notifications are not signed, so the posted body is only a
 * hint: the payment is re-fetched from the API with our credentials, and only that payment's own status, amount and
 * order count. An id the API does not know is a forgery (401); an API failure is a 503 so YooKassa retries.
 */
export function createYooKassaProvider(options: YooKassaOptions): WebhookProvider {
  const base = (options.apiBase ?? 'https://api.yookassa.ru/v3').replace(/\/$/, '');
  const auth = `Basic ${Buffer.from(`${options.shopId}:${options.secretKey}`).toString('base64')}`;

  async function call<T>(
    schema: z.ZodType<T>,
    method: 'GET' | 'POST',
    path: string,
    body?: object,
    idempotenceKey?: string,
  ): Promise<T | null> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: auth,
        'content-type': 'application/json',
        ...(idempotenceKey ? { 'idempotence-key': idempotenceKey } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`YooKassa ${method} ${path} answered ${response.status}`);
    const answer = schema.safeParse(await response.json());
    if (!answer.success) {
      throw new Error(`YooKassa ${method} ${path} answered in an unexpected shape:\n${z.prettifyError(answer.error)}`);
    }
    return answer.data;
  }

  const fetchPayment = async (id: string) => {
    const payment = await call(yooPayment, 'GET', `/payments/${encodeURIComponent(id)}`);
    if (!payment) throw new WebhookSignatureError(`YooKassa knows no payment ${id}`);
    return payment;
  };

  return {
    name: 'yookassa',
    async createCheckout(order: Order): Promise<Checkout> {
      const amount = { value: toYooAmount(order.amountMinor), currency: order.currency };
      const payment = await call(
        yooCreatedPayment,
        'POST',
        '/payments',
        {
          amount,
          capture: true,
          confirmation: { type: 'redirect', return_url: options.returnUrl },
          description: order.description.slice(0, 128),
          metadata: { order: order.publicId },
          ...(order.email
            ? {
                receipt: {
                  customer: { email: order.email },
                  items: [{ description: order.description.slice(0, 128), quantity: '1.00', amount, vat_code: 1 }],
                },
              }
            : {}),
        },
        `checkout-${order.publicId}`,
      );
      const url = payment?.confirmation?.confirmation_url;
      if (!payment || !url) throw new Error('YooKassa returned no confirmation URL');
      return { kind: 'redirect', url, providerPaymentId: payment.id };
    },

    async verifyWebhook({ rawBody }: WebhookRequest): Promise<VerifiedPaymentEvent | null> {
      // The body is unauthenticated: its shape and the id's format are checked before anything reaches the API.
      const { event, id } = readNotification(rawBody);
      if (event === 'payment.succeeded') {
        const payment = await fetchPayment(id);
        if (payment.status !== 'succeeded' || !payment.paid) return null;
        return verified('succeeded', payment);
      }
      if (event === 'refund.succeeded') {
        const refund = await call(yooRefund, 'GET', `/refunds/${encodeURIComponent(id)}`);
        if (!refund) throw new WebhookSignatureError(`YooKassa knows no refund ${id}`);
        if (refund.status !== 'succeeded') return null;
        if (!isYooId(refund.payment_id)) throw new Error(`YooKassa refund ${id} names no readable payment id`);
        return verified('refunded', await fetchPayment(refund.payment_id));
      }
      return null;
    },

    async refund(providerPaymentId: string, amountMinor: number): Promise<void> {
      const payment = await fetchPayment(providerPaymentId);
      await call(
        z.unknown(),
        'POST',
        '/refunds',
        {
          payment_id: providerPaymentId,
          amount: { value: toYooAmount(amountMinor), currency: payment.amount.currency },
        },
        `refund-${providerPaymentId}`,
      );
    },
  };
}

/** YooKassa's object ids (UUID-like); anything else never reaches an API path. */
const YOO_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const isYooId = (value: unknown): value is string => typeof value === 'string' && YOO_ID.test(value);

/** The event name and object id of a notification body, or MalformedWebhookError (400) for anything else. */
function readNotification(rawBody: Buffer): { event: string; id: string } {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new MalformedWebhookError('body is not JSON');
  }
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(body) || body.type !== 'notification' || typeof body.event !== 'string' || !isObject(body.object)) {
    throw new MalformedWebhookError('not a YooKassa notification');
  }
  if (!/^[a-z_]{1,32}\.[a-z_]{1,32}$/.test(body.event)) throw new MalformedWebhookError('unreadable event name');
  if (!isYooId(body.object.id)) throw new MalformedWebhookError('unreadable object id');
  return { event: body.event, id: body.object.id };
}

function verified(type: 'succeeded' | 'refunded', payment: YooPayment): VerifiedPaymentEvent {
  return {
    type,
    providerPaymentId: payment.id,
    orderPublicId: payment.metadata?.order ?? '',
    amountMinor: fromYooAmount(payment.amount.value),
    currency: payment.amount.currency,
    raw: { id: payment.id, status: payment.status },
  };
}
