import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { progressQuery } from '../../journey/definitions';
import { freePort } from '../../lib/ports';
import { createPaymentCompletion } from '../../payments/completion';
import { createMockProvider } from '../../payments/mock';
import { createOrderStore } from '../../payments/orders';
import { createHttpApp, serve } from '../../server/app';
import { enrollmentClient } from '../../journey/client';
import { insertCourse, insertUser } from '../helpers/fixtures';
import { eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';
import { startTcpProxy } from '../helpers/tcp-proxy';
import type { TcpProxy } from '../helpers/tcp-proxy';

/**
 * The webhook answers 2xx only once the journey durably has the payment. The HTTP server reaches Temporal through a
 * relay the test cuts, so "Temporal is unreachable" is a refused connection, as in an outage.
 */
describe('a payment webhook while Temporal is unreachable', () => {
  let p: Platform;
  let proxy: TcpProxy;
  let connection: Connection;
  let http: { close(): Promise<void> };
  let webhookUrl: string;
  const mock = createMockProvider({ secret: 'durability-secret', publicUrl: 'http://127.0.0.1' });
  let orders: ReturnType<typeof createOrderStore>;
  const log: string[] = [];

  beforeAll(async () => {
    p = await startPlatform();
    proxy = await startTcpProxy(inject('temporalAddress'));
    // Same calls as production, with shorter waits: 3 gRPC attempts instead of 10 (about 20 s) before the error
    // reaches the route, and a quick reconnect once the relay is back.
    connection = await Connection.connect({
      address: proxy.address,
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3 }))],
      channelArgs: { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 500 },
    });
    orders = createOrderStore(p.db.sql);
    const enrollments = enrollmentClient(new Client({ connection }), p.temporal.taskQueue);
    const completion = createPaymentCompletion({ orders, enrollments });
    const port = await freePort();
    http = await serve(createHttpApp({ payments: { providers: [mock], completion }, log: (l) => log.push(l) }), port);
    webhookUrl = `http://127.0.0.1:${port}/webhooks/mock`;
  });
  afterAll(async () => {
    await http?.close();
    await connection?.close();
    await proxy?.close();
    await p?.close();
  });

  it('answers 503 and grants nothing while Temporal is down; the provider’s retry grants access once', async () => {
    const courseSlug = p.slug('durable');
    await insertCourse(p.db.sql, { slug: courseSlug, intervalMs: 60_000, lessons: [{ day: 1 }, { day: 2 }] });
    const { userId, telegramId } = await insertUser(p.db.sql);
    const input = { userId, courseSlug };
    const quote = await orders.quote({ userId, courseSlug, tariff: 'BASIC' });
    const order = await orders.create({ userId, courseSlug, quote, provider: 'mock' });
    const webhook = mock.webhookFor(order);
    const deliver = () => fetch(webhookUrl, { method: 'POST', headers: webhook.headers, body: webhook.body });
    const welcomes = () => p.telegram.sent(telegramId).filter((m) => m.text?.includes('Payment received'));

    await proxy.down();
    const refused = await deliver();
    expect(refused.status).toBe(503);
    // Nothing was granted: the order still waits, no journey exists, no payment is stored, the student heard nothing.
    expect((await orders.find(order.publicId))?.status).toBe('pending');
    await expect(p.temporal.enrollments.handle(input).describe()).rejects.toThrow(WorkflowNotFoundError);
    expect(await p.db.sql`select 1 from payments where provider = 'mock'`).toHaveLength(0);
    expect(p.telegram.sent(telegramId)).toHaveLength(0);

    await proxy.up();
    // The provider retries until it gets a 2xx, as Stripe and YooKassa do.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 40 && !statuses.includes(200); attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 250));
      const answer = await deliver();
      statuses.push(answer.status);
      if (answer.ok) expect(await answer.json()).toEqual({ ok: true, outcome: 'accepted' });
    }
    expect(statuses.at(-1)).toBe(200);
    expect(statuses.slice(0, -1).every((s) => s === 503)).toBe(true);
    // A provider may still deliver it once more: nothing changes.
    expect(await (await deliver()).json()).toEqual({ ok: true, outcome: 'duplicate' });

    // Lesson 1 follows the welcome: once it is there, the journey is past any second welcome.
    const handle = p.temporal.enrollments.handle(input);
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(1),
    );
    expect(welcomes()).toHaveLength(1);
    expect((await handle.query(progressQuery)).payments).toEqual([
      { providerPaymentId: `mock_${order.publicId}`, status: 'accepted' },
    ]);
    expect((await orders.find(order.publicId))?.status).toBe('paid');
    await handle.terminate('test done');
  });
});
