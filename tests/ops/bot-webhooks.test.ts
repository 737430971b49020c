import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config';
import { importCourses } from '../../content/catalog';
import type { SalesRuntime } from '../../apps/sales-runtime';
import { COURSE_TOKEN, SALES_TOKEN, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';
import { freePort } from '../../lib/ports';
import { allowedUpdatesOf, runtimeEnv, startCourseRuntimeOn, startSalesRuntimeOn } from '../helpers/runtime';

const SECRET = 'webhook-secret-for-tests_0123456789';

/**
 * BOT_MODE=webhook: both bots take their updates from Telegram's webhook POSTs on the HTTP server (the stand-in
 * delivers them over real HTTP with the secret token), and a POST without the secret changes nothing.
 */
describe('bots in webhook mode', () => {
  let p: Platform;
  let sales: SalesRuntime;
  let stopCourse: () => Promise<void>;
  let httpUrl: string;
  const log: string[] = [];
  const env = (port: number) => runtimeEnv(p, port, { BOT_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: SECRET });

  beforeAll(async () => {
    p = await startPlatform();
    await importCourses(p.db.sql);
    const port = await freePort();
    httpUrl = `http://127.0.0.1:${port}`;
    sales = await startSalesRuntimeOn(p, env(port), (line) => log.push(line));
    const course = await startCourseRuntimeOn(p, env(port), {
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

  it('registers both webhooks with the secret token and answers through them', async () => {
    const webhooks = p.telegram.calls('setWebhook').map((c) => c.params);
    expect(webhooks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ url: `${httpUrl}/telegram/sales`, secret_token: SECRET }),
        expect.objectContaining({ url: `${httpUrl}/telegram/course`, secret_token: SECRET }),
      ]),
    );
    expect(p.telegram.calls('getUpdates')).toEqual([]);
    // my_chat_member among the updates both bots ask for: a student who unblocks either bot resumes their journey.
    for (const call of p.telegram.calls('setWebhook'))
      expect(allowedUpdatesOf(call.params)).toContain('my_chat_member');
    // The course bot also hears the students' answers to lesson quizzes (#17).
    const course = p.telegram.calls('setWebhook').find((c) => String(c.params.url).endsWith('/telegram/course'));
    expect(allowedUpdatesOf(course?.params)).toContain('poll_answer');

    const student = { id: 880_000_001, first_name: 'Webhook', language_code: 'en' };
    p.telegram.sendUserMessage({ botToken: SALES_TOKEN, from: student, text: '/start' });
    await p.telegram.waitFor(() => p.telegram.sent(student.id, { bot: SALES_TOKEN }).length > 0);
    p.telegram.sendUserMessage({ botToken: COURSE_TOKEN, from: student, text: '/start' });
    await p.telegram.waitFor(() => p.telegram.sent(student.id, { bot: COURSE_TOKEN }).length > 0);
  });

  it('refuses an update posted without the secret token, and it changes nothing', async () => {
    const before = p.telegram.sent().length;
    const forged = {
      update_id: 999_999,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: 880_000_002, type: 'private' },
        from: { id: 880_000_002, is_bot: false, first_name: 'Mallory' },
        text: '/start',
        entities: [{ type: 'bot_command', offset: 0, length: 6 }],
      },
    };
    const attempts: Record<string, string>[] = [{}, { 'X-Telegram-Bot-Api-Secret-Token': 'wrong-secret-0123456789' }];
    for (const headers of attempts) {
      const res = await fetch(`${httpUrl}/telegram/sales`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(forged),
      });
      expect(res.status).toBe(401);
    }
    // A genuine update from the same chat comes later through the same route (one chat is handled in order): once
    // it is answered, the forged /start would have been too. /help records no user, so the user check still holds.
    const mallory = { id: 880_000_002, first_name: 'Mallory' };
    p.telegram.sendUserMessage({ botToken: SALES_TOKEN, from: mallory, text: '/help' });
    await p.telegram.waitFor(() => p.telegram.sent(mallory.id).length > 0);
    await p.telegram.waitUntilHandled(SALES_TOKEN);
    expect(p.telegram.sent().length).toBe(before + 1);
    expect(p.telegram.sent(mallory.id)).toHaveLength(1);
    const [user] = await p.db.sql`select 1 from users where telegram_id = 880000002`;
    expect(user).toBeUndefined();
  });

  it('will not start in webhook mode without a secret token', async () => {
    const { TELEGRAM_WEBHOOK_SECRET: _, ...withoutSecret } = env(await freePort());
    await expect(startSalesRuntimeOn(p, withoutSecret)).rejects.toThrow(
      new ConfigError('Missing required environment variable(s): TELEGRAM_WEBHOOK_SECRET'),
    );
  });
});
