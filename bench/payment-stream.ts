import { createMockProvider } from '../payments/mock';
import { createOrderStore } from '../payments/orders';
import { insertStudents } from './fixtures';
import { MOCK_SECRET } from './stack';
import type { Stack } from './stack';
import { inParallel, sleep } from './stats';

export interface Webhook {
  body: string;
  headers: Record<string, string>;
}

/** `total` new students, each with a pending BASIC order of `courseSlug` and the mock provider's signed webhook for it. */
export async function preparePayments(stack: Stack, firstTelegramId: number, total: number, courseSlug = 'bench-pay') {
  const students = await insertStudents(stack.sql, firstTelegramId, total);
  const orders = createOrderStore(stack.sql);
  const mock = createMockProvider({ secret: MOCK_SECRET, publicUrl: stack.httpUrl });
  const webhooks: Webhook[] = [];
  await inParallel(students, 10, async ({ userId }, i) => {
    const quote = await orders.quote({ userId, courseSlug, tariff: 'BASIC' });
    const order = await orders.create({ userId, courseSlug, quote, provider: 'mock' });
    webhooks[i] = mock.webhookFor(order);
  });
  return { students, webhooks };
}

/**
 * Posts each webhook to /webhooks/mock on a fixed schedule, `perSecond` a second from `startAt`, whatever the answers
 * take; resolves once every one is answered, with when each request went and how it was answered.
 */
export async function postPayments(stack: Stack, webhooks: Webhook[], perSecond: number, startAt = Date.now() + 500) {
  const requestAt: number[] = [];
  const answerMs: number[] = [];
  const statuses = new Map<number, number>();
  const inFlight: Promise<void>[] = [];
  for (const [i, webhook] of webhooks.entries()) {
    const due = startAt + (i * 1000) / perSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    requestAt[i] = Date.now();
    inFlight.push(
      fetch(`${stack.httpUrl}/webhooks/mock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...webhook.headers },
        body: webhook.body,
      }).then(async (res) => {
        await res.arrayBuffer();
        answerMs[i] = Date.now() - requestAt[i]!;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }),
    );
  }
  const sentSeconds = (Date.now() - startAt) / 1000;
  await Promise.all(inFlight);
  return { requestAt, answerMs, statuses: Object.fromEntries(statuses), sentSeconds };
}
