import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCourses } from '../../content/catalog';
import type { SalesRuntime } from '../../apps/sales-runtime';
import { SALES_TOKEN, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';
import { freePort } from '../../lib/ports';
import { runtimeEnv, startSalesRuntimeOn } from '../helpers/runtime';

const LATENCY_MS = 250;
const CROWD = 20;

/**
 * Long polling as `npm run sales` runs it: a crowd writing at once is served side by side, not one after another,
 * while each chat's own updates stay in order.
 */
describe('bots in long polling', () => {
  let p: Platform;
  let sales: SalesRuntime;
  beforeAll(async () => {
    p = await startPlatform();
    await importCourses(p.db.sql);
    const port = await freePort();
    sales = await startSalesRuntimeOn(p, runtimeEnv(p, port));
  });
  afterAll(async () => {
    await sales?.stop();
    await p?.close();
  });

  it('answers a crowd concurrently, and one chat in order', async () => {
    // Every Bot API answer takes 250 ms: one by one, 20 replies would take 5 s of reply calls alone.
    p.telegram.setLatency(LATENCY_MS);
    const users = Array.from({ length: CROWD }, (_, i) => ({ id: 890_000_000 + i, first_name: `U${i}` }));
    const before = p.telegram.calls('sendMessage').length;
    for (const from of users) p.telegram.sendUserMessage({ botToken: SALES_TOKEN, from, text: '/start' });
    await p.telegram.waitFor(() => users.every((u) => p.telegram.sent(u.id).length > 0), { timeoutMs: 30_000 });
    const replyCalls = p.telegram.calls('sendMessage').slice(before);
    const firstCallAt = users.map((u) => replyCalls.find((c) => Number(c.params.chat_id) === u.id)!.at);
    // Side by side: every reply call was made before the first one could have been answered.
    expect(Math.max(...firstCallAt) - Math.min(...firstCallAt)).toBeLessThan(LATENCY_MS);

    // One chat: three commands in a row are answered in the order they were sent.
    p.telegram.setLatency(0);
    const kim = { id: 890_100_000, first_name: 'Kim' };
    for (const text of ['/start', '/help', '/start'])
      p.telegram.sendUserMessage({ botToken: SALES_TOKEN, from: kim, text });
    await p.telegram.waitFor(() => p.telegram.sent(kim.id).length >= 3);
    const [first, second, third] = p.telegram.sent(kim.id);
    expect(second!.text).not.toBe(first!.text);
    expect(third!.text).toBe(first!.text);
  });
});
