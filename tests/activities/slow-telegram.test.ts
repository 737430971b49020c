import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBots } from '../../activities';
import { progressQuery } from '../../journey/definitions';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { ADMIN_CHAT_ID, COURSE_TOKEN, SALES_TOKEN, eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

/**
 * A Telegram that answers late. The request is on its way for longer than the client waits: the client gives up,
 * Telegram never sees it, the attempt fails and its retry delivers the message, once. And an activity that is
 * cancelled (timed out, its worker shutting down) aborts the call in flight instead of letting it deliver later.
 */
describe('slow Telegram answers', () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform();
    // Production's client timeout is 20 s; the same rule at test scale.
    await p.worker.stop();
    p.worker = await p.temporal.startWorker({
      sql: p.db.sql,
      telegram: createTelegramBots({
        salesToken: SALES_TOKEN,
        courseToken: COURSE_TOKEN,
        apiRoot: p.telegram.apiRoot,
        callTimeoutSeconds: 1,
      }),
      adminChatId: ADMIN_CHAT_ID,
    });
  });
  afterAll(async () => p?.close());

  it('abandons a call slower than the client timeout, and the retry delivers the welcome once', async () => {
    const courseSlug = p.slug('slow');
    await insertCourse(p.db.sql, { slug: courseSlug, intervalMs: 60_000, lessons: [{ day: 1 }, { day: 2 }] });
    const { userId, telegramId } = await insertUser(p.db.sql);
    p.telegram.slowNext({ bot: SALES_TOKEN, method: 'sendMessage', chatId: telegramId, delayMs: 3_000 });
    await p.temporal.enrollments.pay({ userId, courseSlug }, payment('BASIC'));
    const handle = p.temporal.enrollments.handle({ userId, courseSlug });
    // Lesson 1 comes after the welcome: once it is there, the slow call is long settled.
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(1),
      30_000,
    );
    await p.telegram.waitFor(() => p.telegram.calls('sendMessage').find((c) => c.errorCode === 499), {
      timeoutMs: 10_000,
    });
    const welcomes = p.telegram.sent(telegramId, { bot: SALES_TOKEN });
    expect(welcomes).toHaveLength(1);
    const calls = p.telegram
      .calls('sendMessage')
      .filter((c) => Number(c.params.chat_id) === telegramId && c.token === SALES_TOKEN);
    // Records are written when a call ends: the abandoned one (499) ends after its retry succeeded.
    expect(calls.map((c) => String(c.errorCode ?? 'ok')).sort()).toEqual(['499', 'ok']);
  });

  it('aborts the call in flight when the activity is cancelled, so it never delivers', async () => {
    const chatId = 660_000_001;
    const bots = createTelegramBots({
      salesToken: SALES_TOKEN,
      courseToken: COURSE_TOKEN,
      apiRoot: p.telegram.apiRoot,
    });
    p.telegram.slowNext({ bot: COURSE_TOKEN, method: 'sendMessage', chatId, delayMs: 2_000 });
    const env = new MockActivityEnvironment();
    const attempt = env.run(() => bots.course.sendMessage(chatId, 'Lesson 2'));
    setTimeout(() => env.cancel('TIMED_OUT'), 300);
    await expect(attempt).rejects.toThrow();
    // The stand-in gets to the request after its delay and finds the caller gone.
    await p.telegram.waitFor(() => p.telegram.calls('sendMessage').find((c) => Number(c.params.chat_id) === chatId), {
      timeoutMs: 10_000,
    });
    expect(p.telegram.sent(chatId)).toEqual([]);
  });
});
