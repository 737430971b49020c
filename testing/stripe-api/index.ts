import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface StripeSession {
  id: string;
  object: 'checkout.session';
  url: string;
  payment_intent: string;
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  customer_email: string | null;
  payment_status: 'unpaid' | 'paid';
  status: 'open' | 'complete';
}

/**
 * A local Stripe API for tests: Checkout Sessions and refunds over real HTTP, answered in Stripe's shapes, plus the
 * events Stripe would post, signed with the endpoint secret exactly as Stripe signs them.
 */
export async function startStripeStandIn(options: { secretKey: string }) {
  const sessions = new Map<string, StripeSession>();
  const refunds: { payment_intent: string; amount: number }[] = [];
  const requests: { path: string; params: Record<string, string>; idempotencyKey?: string }[] = [];
  const id = (prefix: string) => `${prefix}_test_${randomBytes(8).toString('hex')}`;

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
        res.end(JSON.stringify(json));
      };
      if (req.headers.authorization !== `Bearer ${options.secretKey}`) {
        return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      }
      const params = Object.fromEntries(new URLSearchParams(body));
      const key = req.headers['idempotency-key'];
      requests.push({ path: req.url ?? '', params, ...(typeof key === 'string' ? { idempotencyKey: key } : {}) });
      if (req.method === 'POST' && req.url === '/v1/checkout/sessions') {
        const existing = [...sessions.values()].find((s) => s.metadata.idempotencyKey === key);
        if (existing) return send(200, existing);
        const sessionId = id('cs');
        const session: StripeSession = {
          id: sessionId,
          object: 'checkout.session',
          url: `https://checkout.stripe.test/c/pay/${sessionId}`,
          payment_intent: id('pi'),
          amount_total:
            Number(params['line_items[0][price_data][unit_amount]']) * Number(params['line_items[0][quantity]'] ?? 1),
          currency: params['line_items[0][price_data][currency]'] ?? 'usd',
          client_reference_id: params.client_reference_id ?? null,
          metadata: {
            order: params['metadata[order]'] ?? '',
            ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
          },
          customer_email: params.customer_email ?? null,
          payment_status: 'unpaid',
          status: 'open',
        };
        sessions.set(sessionId, session);
        return send(200, session);
      }
      if (req.method === 'POST' && req.url === '/v1/refunds') {
        refunds.push({ payment_intent: params.payment_intent ?? '', amount: Number(params.amount) });
        return send(200, {
          id: id('re'),
          object: 'refund',
          status: 'succeeded',
          ...params,
          amount: Number(params.amount),
        });
      }
      send(404, {
        error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.url})` },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const signer = new Stripe(options.secretKey);

  return {
    apiBase: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sessions,
    refunds,
    requests,
    /** The event Stripe posts when the student paid a session, with its Stripe-Signature header. */
    completedEvent(sessionId: string, webhookSecret: string, overrides: { timestamp?: number } = {}) {
      const session = { ...sessions.get(sessionId)!, payment_status: 'paid', status: 'complete' };
      return signed(
        { id: id('evt'), object: 'event', type: 'checkout.session.completed', data: { object: session } },
        webhookSecret,
        overrides.timestamp,
      );
    },
    refundedEvent(sessionId: string, webhookSecret: string) {
      const session = sessions.get(sessionId)!;
      const charge = {
        id: id('ch'),
        object: 'charge',
        payment_intent: session.payment_intent,
        amount_refunded: session.amount_total,
        currency: session.currency,
        metadata: { order: session.metadata.order },
      };
      return signed(
        { id: id('evt'), object: 'event', type: 'charge.refunded', data: { object: charge } },
        webhookSecret,
      );
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };

  function signed(event: object, secret: string, timestamp?: number) {
    const body = JSON.stringify(event);
    const header = signer.webhooks.generateTestHeaderString({
      payload: body,
      secret,
      ...(timestamp ? { timestamp } : {}),
    });
    return { body, headers: { 'content-type': 'application/json', 'stripe-signature': header } };
  }
}
