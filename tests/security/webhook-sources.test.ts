import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../lib/ports';
import type { SalesRuntime } from '../../apps/sales-runtime';
import { startYooKassaStandIn } from '../../testing/yookassa-api';
import { startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';
import { runtimeEnv, startSalesRuntimeOn } from '../helpers/runtime';

/**
 * YooKassa's notifications are unsigned, and each one costs an authenticated API call: `npm run sales` hears them
 * only from the allowed sources (YooKassa's published ranges by default in production) and at a bounded rate per source.
 */

/** Production needs payload keys (issue #16). */
const PRODUCTION_KEYS = `test-1:${Buffer.alloc(32, 7).toString('base64')}`;

describe('YooKassa notifications: allowed sources and a rate per source', () => {
  let p: Platform;
  let yoo: Awaited<ReturnType<typeof startYooKassaStandIn>>;
  let sales: SalesRuntime | undefined;
  let url: string;
  beforeAll(async () => {
    p = await startPlatform();
    yoo = await startYooKassaStandIn({ shopId: '100500', secretKey: 'test_yoo_secret' });
  });
  afterEach(async () => {
    await sales?.stop();
    sales = undefined;
  });
  afterAll(async () => {
    await yoo?.stop();
    await p?.close();
  });

  async function start(extra: Record<string, string>) {
    const port = await freePort();
    url = `http://127.0.0.1:${port}/webhooks/yookassa`;
    sales = await startSalesRuntimeOn(
      p,
      runtimeEnv(p, port, {
        PAYMENT_PROVIDERS: 'yookassa',
        YOOKASSA_SHOP_ID: '100500',
        YOOKASSA_SECRET_KEY: 'test_yoo_secret',
        YOOKASSA_API_BASE: yoo.apiBase,
        ...extra,
      }),
    );
  }
  const notify = (headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: yoo.notification('payment.succeeded', { id: `forged-${Math.random().toString(36).slice(2)}` }),
    });
  const apiCalls = () => yoo.requests.filter((r) => r.method === 'GET').length;

  it('in production hears only YooKassa’s published addresses, without calling its API for anyone else', async () => {
    await start({ NODE_ENV: 'production', PAYLOAD_KEYS: PRODUCTION_KEYS });
    const before = apiCalls();
    for (let i = 0; i < 5; i++) expect((await notify()).status).toBe(403);
    // A forwarded-for header counts only from a proxy the operator trusts.
    expect((await notify({ 'x-forwarded-for': '185.71.76.5' })).status).toBe(403);
    expect(apiCalls()).toBe(before);
  });

  it('behind a trusted proxy, takes the client address it forwards', async () => {
    await start({ NODE_ENV: 'production', PAYLOAD_KEYS: PRODUCTION_KEYS, HTTP_TRUST_PROXY: 'loopback' });
    const before = apiCalls();
    expect((await notify({ 'x-forwarded-for': '203.0.113.9' })).status).toBe(403);
    expect((await notify({ 'x-forwarded-for': '185.71.76.5' })).status).toBe(401);
    expect((await notify({ 'x-forwarded-for': '2a02:5180::17' })).status).toBe(401);
    expect(apiCalls()).toBe(before + 2);
  });

  it('limits notifications per source address, so forged ones cannot buy unbounded API calls', async () => {
    await start({ YOOKASSA_ALLOWED_IPS: '127.0.0.1, ::1', YOOKASSA_NOTIFICATIONS_PER_MINUTE: '3' });
    const before = apiCalls();
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await notify()).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
    expect(apiCalls()).toBe(before + 3);
    const limited = await notify();
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses a malformed allow-list at start-up, naming the variable', async () => {
    const port = await freePort();
    const startWith = (extra: Record<string, string>) =>
      Promise.resolve().then(() => startSalesRuntimeOn(p, runtimeEnv(p, port, extra)));
    await expect(startWith({ YOOKASSA_ALLOWED_IPS: '185.71.76.0/33' })).rejects.toThrow(/YOOKASSA_ALLOWED_IPS/);
    await expect(startWith({ YOOKASSA_ALLOWED_IPS: 'yookassa.ru' })).rejects.toThrow(/YOOKASSA_ALLOWED_IPS/);
    await expect(startWith({ HTTP_TRUST_PROXY: 'everyone' })).rejects.toThrow(/HTTP_TRUST_PROXY/);
  });
});
