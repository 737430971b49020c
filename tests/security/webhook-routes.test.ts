import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentCompletion } from '../../payments/completion';
import { createMockProvider } from '../../payments/mock';
import { createStarsProvider } from '../../payments/stars';
import { createHttpApp } from '../../server/app';

/**
 * `/webhooks/<provider>` hears only providers that report payments by webhook. Telegram Stars reports through the
 * bot, so a POST to its webhook is 404 like an unknown provider, and nothing reaches the payments.
 */
describe('webhook routes', () => {
  const completed: string[] = [];
  const completion: PaymentCompletion = {
    succeeded: async (provider) => (completed.push(provider), 'unknown-order'),
    refunded: async (provider) => (completed.push(provider), 'unknown-order'),
  };
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const providers = [
      createStarsProvider(new Api('1:unused')),
      createMockProvider({ secret: 'mock-secret', publicUrl: 'http://127.0.0.1' }),
    ];
    server = createHttpApp({ payments: { providers, completion } }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server?.close(resolve)));

  const post = (provider: string) =>
    fetch(`${base}/webhooks/${provider}`, { method: 'POST', body: '{"type":"payment.succeeded"}' });

  it('answers 404 for Stars and for an unknown provider, and 401 for an unsigned mock webhook', async () => {
    const stars = await post('stars');
    expect(stars.status).toBe(404);
    expect(await stars.json()).toEqual({ ok: false, error: 'stars payments arrive through the bot' });
    expect((await post('paypal')).status).toBe(404);
    expect((await post('mock')).status).toBe(401);
    expect(completed).toEqual([]);
  });
});
