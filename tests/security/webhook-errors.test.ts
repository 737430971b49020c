import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCourses } from '../../content/catalog';
import { freePort } from '../../lib/ports';
import type { SalesRuntime } from '../../apps/sales-runtime';
import { COURSE_TOKEN, SALES_TOKEN, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';
import { runtimeEnv, startCourseRuntimeOn, startSalesRuntimeOn } from '../helpers/runtime';

const SECRET = 'webhook-secret-for-error-tests_0123';
let nextId = 940_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
const newUser = () => ({ id: nextId++, first_name: 'Hook', language_code: 'en' });

/** An update as Telegram would post it: `/start` from `userId` in their private chat. */
const startUpdate = (updateId: number, userId: number) => ({
  update_id: updateId,
  message: {
    message_id: 1,
    date: Math.floor(Date.now() / 1000),
    chat: { id: userId, type: 'private', first_name: 'Hook' },
    from: { id: userId, is_bot: false, first_name: 'Hook' },
    text: '/start',
    entities: [{ type: 'bot_command', offset: 0, length: 6 }],
  },
});

/**
 * #12, items 6 and 14, with both bots in BOT_MODE=webhook behind the real HTTP server: a handler that fails (here,
 * Telegram refusing the reply to a student who blocked the bot) is logged and answered 200, so Telegram delivers it
 * once and everyone else's updates do not queue behind its redeliveries; a POST without the secret is refused before
 * its body is read.
 */
describe('bot webhooks: handler errors and the secret', () => {
  let p: Platform;
  let sales: SalesRuntime;
  let stopCourse: () => Promise<void>;
  let httpUrl: string;
  const log: string[] = [];

  beforeAll(async () => {
    p = await startPlatform();
    await importCourses(p.db.sql);
    const port = await freePort();
    httpUrl = `http://127.0.0.1:${port}`;
    const env = runtimeEnv(p, port, { BOT_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: SECRET });
    sales = await startSalesRuntimeOn(p, env, (line) => log.push(line));
    const course = await startCourseRuntimeOn(p, env, {
      salesBot: sales.username,
      mode: sales.botMode,
      log: (line) => log.push(line),
    });
    stopCourse = () => course.stop();
  });
  afterAll(async () => {
    await stopCourse?.();
    await sales?.stop();
    await p?.close();
  });

  const refusedSends = (userId: number, bot: string) =>
    p.telegram
      .calls('sendMessage')
      .filter((c) => c.token === bot && Number(c.params.chat_id) === userId && c.errorCode === 403);

  for (const [name, token] of [
    ['sales', SALES_TOKEN],
    ['course', COURSE_TOKEN],
  ] as const) {
    it(`${name} bot: a blocked student's /start is handled once, logged, and holds up nobody`, async () => {
      const blocked = newUser();
      const other = newUser();
      p.telegram.blockUser(blocked.id, token);
      p.telegram.sendUserMessage({ botToken: token, from: blocked, text: '/start' });
      const sentAt = Date.now();
      p.telegram.sendUserMessage({ botToken: token, from: other, text: '/start' });

      // Telegram delivers one update at a time per bot: the next student waits for whatever the first one costs.
      await p.telegram.waitFor(() => p.telegram.sent(other.id, { bot: token }).length > 0, { timeoutMs: 20_000 });
      expect(Date.now() - sentAt).toBeLessThan(3_000);
      await p.telegram.waitUntilHandled(token);
      expect(refusedSends(blocked.id, token)).toHaveLength(1);
      expect(log).toContainEqual(
        expect.stringMatching(new RegExp(`^${name} bot: Telegram refused sendMessage \\(403`)),
      );
    });

    it(`${name} bot: a failing update posted with the secret is answered 200`, async () => {
      const blocked = newUser();
      p.telegram.blockUser(blocked.id, token);
      const res = await fetch(`${httpUrl}/telegram/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': SECRET },
        body: JSON.stringify(startUpdate(blocked.id % 1_000_000_000, blocked.id)),
      });
      expect(res.status).toBe(200);
      expect(refusedSends(blocked.id, token)).toHaveLength(1);
    });
  }

  it('refuses a POST without the secret before reading its body: 401, not 400 or 413', async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${httpUrl}/telegram/sales`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    expect((await post('{not json')).status).toBe(401);
    expect((await post('{not json', { 'X-Telegram-Bot-Api-Secret-Token': 'wrong-secret-0123456789' })).status).toBe(
      401,
    );
    expect((await post(`{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`)).status).toBe(401);
    // With the secret, the body is read and checked as before.
    expect((await post('{not json', { 'X-Telegram-Bot-Api-Secret-Token': SECRET })).status).toBe(400);
  });
});
