import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Payment {
  id: string;
  status: 'pending' | 'succeeded' | 'canceled';
  paid: boolean;
  amount: { value: string; currency: string };
  description?: string;
  metadata: Record<string, string>;
  confirmation: { type: 'redirect'; confirmation_url: string };
  receipt?: unknown;
}

/**
 * A local YooKassa API for tests: payments and refunds over real HTTP with Basic auth and Idempotence-Key, and the
 * unsigned notifications YooKassa posts (which is why the provider must re-fetch what they claim).
 */
export async function startYooKassaStandIn(options: { shopId: string; secretKey: string }) {
  const payments = new Map<string, Payment>();
  const refunds = new Map<string, { id: string; status: 'succeeded'; payment_id: string; amount: unknown }>();
  const byKey = new Map<string, unknown>();
  const requests: { method: string; path: string; idempotenceKey?: string; body: unknown }[] = [];
  let failures: number[] = [];
  const auth = `Basic ${Buffer.from(`${options.shopId}:${options.secretKey}`).toString('base64')}`;

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const key = req.headers['idempotence-key'];
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        body,
        ...(typeof key === 'string' ? { idempotenceKey: key } : {}),
      });
      const failure = failures.shift();
      if (failure) return send(failure, { type: 'error', code: 'internal_server_error' });
      if (req.headers.authorization !== auth) return send(401, { type: 'error', code: 'invalid_credentials' });
      const url = req.url ?? '';
      if (req.method === 'POST' && typeof key !== 'string')
        return send(400, { type: 'error', code: 'invalid_request', description: 'Idempotence-Key is required' });
      if (req.method === 'POST' && byKey.has(key as string)) return send(200, byKey.get(key as string));
      if (req.method === 'POST' && url === '/v3/payments') {
        const id = randomUUID();
        const payment: Payment = {
          id,
          status: 'pending',
          paid: false,
          amount: body.amount as Payment['amount'],
          metadata: (body.metadata as Record<string, string>) ?? {},
          confirmation: {
            type: 'redirect',
            confirmation_url: `https://yoomoney.test/checkout/payments/v2/contract?orderId=${id}`,
          },
          ...(body.receipt ? { receipt: body.receipt } : {}),
        };
        payments.set(id, payment);
        byKey.set(key as string, payment);
        return send(200, payment);
      }
      if (req.method === 'POST' && url === '/v3/refunds') {
        const refund = {
          id: randomUUID(),
          status: 'succeeded' as const,
          payment_id: String(body.payment_id),
          amount: body.amount,
        };
        refunds.set(refund.id, refund);
        byKey.set(key as string, refund);
        return send(200, refund);
      }
      const payment = /^\/v3\/payments\/([\w-]+)$/.exec(url);
      if (req.method === 'GET' && payment) {
        const found = payments.get(payment[1]!);
        return found ? send(200, found) : send(404, { type: 'error', code: 'not_found' });
      }
      const refund = /^\/v3\/refunds\/([\w-]+)$/.exec(url);
      if (req.method === 'GET' && refund) {
        const found = refunds.get(refund[1]!);
        return found ? send(200, found) : send(404, { type: 'error', code: 'not_found' });
      }
      send(404, { type: 'error', code: 'not_found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    apiBase: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3`,
    payments,
    refunds,
    requests,
    /** The student paid on YooKassa's page. */
    markSucceeded(paymentId: string) {
      const payment = payments.get(paymentId)!;
      payment.status = 'succeeded';
      payment.paid = true;
    },
    /** The next API calls answer with these HTTP statuses (e.g. 500). */
    failNext(...statuses: number[]) {
      failures = [...failures, ...statuses];
    },
    /** The body YooKassa posts to the notification URL (unsigned; `object` may be forged by anyone). */
    notification(event: 'payment.succeeded' | 'refund.succeeded', object: Record<string, unknown>): string {
      return JSON.stringify({ type: 'notification', event, object });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}
