import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MalformedWebhookError, WebhookSignatureError } from '../../payments/types';
import type { Order } from '../../payments/types';
import { createYooKassaProvider, fromYooAmount, toYooAmount } from '../../payments/yookassa';
import { startYooKassaStandIn } from '../../testing/yookassa-api';

const order: Order = {
  publicId: 'ord_yoo',
  userId: 1,
  telegramId: 42,
  courseSlug: 'demo',
  tariff: 'BASIC',
  amountMinor: 199_000,
  currency: 'RUB',
  description: 'Курс · BASIC',
  email: 'ivan@example.ru',
};

describe('YooKassa provider, against a local YooKassa API', () => {
  let yoo: Awaited<ReturnType<typeof startYooKassaStandIn>>;
  let provider: ReturnType<typeof createYooKassaProvider>;
  beforeAll(async () => {
    yoo = await startYooKassaStandIn({ shopId: '123456', secretKey: 'live_secret' });
    provider = createYooKassaProvider({
      shopId: '123456',
      secretKey: 'live_secret',
      returnUrl: 'https://x.test/paid',
      apiBase: yoo.apiBase,
    });
  });
  afterAll(async () => yoo?.stop());
  const notify = (event: 'payment.succeeded' | 'refund.succeeded', object: Record<string, unknown>) =>
    provider.verifyWebhook({ rawBody: Buffer.from(yoo.notification(event, object)), headers: {} });

  it('keeps money in exact minor units', () => {
    for (const [minor, text] of [
      [4900, '49.00'],
      [5, '0.05'],
      [123456, '1234.56'],
      [0, '0.00'],
    ] as const) {
      expect(toYooAmount(minor)).toBe(text);
      expect(fromYooAmount(text)).toBe(minor);
    }
    expect(fromYooAmount('10.5')).toBe(1050);
    expect(() => fromYooAmount('1e3')).toThrow(MalformedWebhookError);
  });

  it('creates a payment with a receipt, Basic auth and an idempotence key', async () => {
    const checkout = await provider.createCheckout(order);
    expect(checkout).toMatchObject({ kind: 'redirect', url: expect.stringContaining('yoomoney.test') });
    const request = yoo.requests.find((r) => r.method === 'POST' && r.path === '/v3/payments');
    expect(request?.idempotenceKey).toBe('checkout-ord_yoo');
    expect(request?.body).toMatchObject({
      amount: { value: '1990.00', currency: 'RUB' },
      capture: true,
      metadata: { order: 'ord_yoo' },
      receipt: { customer: { email: 'ivan@example.ru' } },
    });
    // A retried create returns the same payment, not a second one.
    expect(await provider.createCheckout(order)).toEqual(checkout);
  });

  it('trusts only what the API says: forged ids, pending payments and lying bodies change nothing', async () => {
    await expect(notify('payment.succeeded', { id: 'no-such-payment', status: 'succeeded' })).rejects.toThrow(
      WebhookSignatureError,
    );
    const { providerPaymentId } = (await provider.createCheckout({ ...order, publicId: 'ord_2' })) as {
      providerPaymentId: string;
    };
    await expect(
      notify('payment.succeeded', { id: providerPaymentId, status: 'succeeded', paid: true }),
    ).resolves.toBeNull();
    yoo.markSucceeded(providerPaymentId);
    const event = await notify('payment.succeeded', {
      id: providerPaymentId,
      amount: { value: '999999.00', currency: 'RUB' },
    });
    expect(event).toMatchObject({
      type: 'succeeded',
      providerPaymentId,
      orderPublicId: 'ord_2',
      amountMinor: 199_000,
      currency: 'RUB',
    });
    await expect(provider.verifyWebhook({ rawBody: Buffer.from('{oops'), headers: {} })).rejects.toThrow(
      MalformedWebhookError,
    );
    await expect(
      provider.verifyWebhook({ rawBody: Buffer.from('{"event":"payment.succeeded"}'), headers: {} }),
    ).rejects.toThrow(MalformedWebhookError);
  });

  it('reports an API outage as a plain error (the webhook answers 503 and YooKassa retries)', async () => {
    yoo.failNext(500);
    const failure = await notify('payment.succeeded', { id: 'whatever' }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(WebhookSignatureError);
    expect(failure).not.toBeInstanceOf(MalformedWebhookError);
  });

  it('refuses an API answer without the fields it reads, as a plain error (503: YooKassa retries)', async () => {
    const { providerPaymentId } = (await provider.createCheckout({ ...order, publicId: 'ord_4' })) as {
      providerPaymentId: string;
    };
    yoo.markSucceeded(providerPaymentId);
    Reflect.deleteProperty(yoo.payments.get(providerPaymentId)!, 'amount');
    const failure = await notify('payment.succeeded', { id: providerPaymentId }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(WebhookSignatureError);
    expect(failure).not.toBeInstanceOf(MalformedWebhookError);
    expect(String(failure)).toMatch(/answered in an unexpected shape:\n.*\n.*at amount/);
  });

  it('maps a refund notification to the refunded payment', async () => {
    const { providerPaymentId } = (await provider.createCheckout({ ...order, publicId: 'ord_3' })) as {
      providerPaymentId: string;
    };
    yoo.markSucceeded(providerPaymentId);
    await provider.refund!(providerPaymentId, 199_000);
    const [refund] = [...yoo.refunds.values()].filter((r) => r.payment_id === providerPaymentId);
    await expect(notify('refund.succeeded', { id: refund!.id })).resolves.toMatchObject({
      type: 'refunded',
      providerPaymentId,
      orderPublicId: 'ord_3',
    });
  });
});
