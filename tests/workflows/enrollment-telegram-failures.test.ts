import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery, studentReturnedSignal } from '../../journey/definitions';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { isQuiet } from '../helpers/history-events';
import { enrollmentRows, lessonArrivals } from '../helpers/journey';
import { COURSE_TOKEN, eventually, searchAttributesOf, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

describe('Telegram failures during a journey', () => {
  let platform: Platform;
  let courseSlug: string;
  beforeAll(async () => {
    platform = await startPlatform();
    courseSlug = platform.slug('failures');
    await insertCourse(platform.db.sql, {
      slug: courseSlug,
      intervalMs: 1_500,
      lessons: [{ day: 1 }, { day: 2 }, { day: 3 }],
    });
  });
  afterAll(async () => platform?.close());

  const sendsTo = (chatId: number, method = 'sendMessage') =>
    platform.telegram.calls(method).filter((call) => Number(call.params.chat_id) === chatId);

  it('stops sending to a student who blocked the bot, marks the journey blocked, and resumes when they return', async () => {
    const { userId, telegramId } = await insertUser(platform.db.sql);
    const input = { userId, courseSlug };
    const handle = platform.temporal.enrollments.handle(input);
    await platform.temporal.enrollments.pay(input, payment('BASIC'));
    await eventually(
      () => handle.query(progressQuery),
      (p) => p.lessonsDelivered.includes(1),
    );

    platform.telegram.blockUser(telegramId, COURSE_TOKEN);
    const blocked = await eventually(
      () => handle.query(progressQuery),
      (p) => p.stage === 'blocked',
      10_000,
    );
    expect(blocked.lessonsDelivered).toEqual([1]);
    expect(await searchAttributesOf(platform, input)).toMatchObject({ stage: 'blocked', day: 1 });
    const rows = await eventually(
      () => enrollmentRows(platform.db.sql, input),
      (r) => r?.enrollment.stage === 'blocked',
    );
    expect(rows?.enrollment.stageReason).toContain('BotBlockedError');

    // No retry storm: the one refused send, and nothing more while the student stays away. The journey has gone
    // quiet (no activity open, no timer due within a minute: only its wait for the student), so no send is on its way.
    const refused = sendsTo(telegramId).length;
    await eventually(
      () => isQuiet(handle, 60_000),
      (quiet) => quiet,
    );
    expect(sendsTo(telegramId)).toHaveLength(refused);
    expect(
      platform.telegram
        .calls('sendMessage')
        .filter((c) => Number(c.params.chat_id) === telegramId && c.errorCode === 403),
    ).toHaveLength(1);

    // The student unblocks the bot: the missed lesson comes at once, the rest follow, none skipped or doubled.
    platform.telegram.unblockUser(telegramId, COURSE_TOKEN);
    await handle.signal(studentReturnedSignal);
    expect(await handle.result()).toEqual({ stage: 'completed', lessonsDelivered: [1, 2, 3] });
    await saveHistoryIfCapturing(handle, 'blocked-and-returned-local');
    const arrivals = lessonArrivals(platform, telegramId);
    expect([...arrivals.keys()]).toEqual([1, 2, 3]);
    for (const times of arrivals.values()) expect(times).toHaveLength(1);
    expect((await enrollmentRows(platform.db.sql, input))?.enrollment).toMatchObject({
      stage: 'completed',
      stageReason: null,
    });
  });

  it('waits Telegram’s retry_after on a 429 and then delivers exactly once', async () => {
    const { userId, telegramId } = await insertUser(platform.db.sql);
    const input = { userId, courseSlug };
    platform.telegram.failNext({ method: 'sendMessage', chatId: telegramId, errorCode: 429, retryAfter: 2 });
    await platform.temporal.enrollments.pay(input, payment('BASIC'));
    const handle = platform.temporal.enrollments.handle(input);
    await eventually(
      () => handle.query(progressQuery),
      (p) => p.lessonsDelivered.includes(1),
      15_000,
    );

    const calls = sendsTo(telegramId);
    expect(calls[0]?.errorCode).toBe(429);
    expect(calls[1]?.errorCode).toBeUndefined();
    const waited = calls[1]!.at - calls[0]!.at;
    expect(waited).toBeGreaterThanOrEqual(1_900);
    expect(waited).toBeLessThan(6_000);
    const welcomes = platform.telegram.sent(telegramId).filter((m) => m.text?.includes('Payment received'));
    expect(welcomes).toHaveLength(1);
    expect(await handle.result()).toMatchObject({ stage: 'completed', lessonsDelivered: [1, 2, 3] });
    await saveHistoryIfCapturing(handle, 'rate-limited-welcome');
  });

  it('backs off on 5xx and delivers each message once', async () => {
    const { userId, telegramId } = await insertUser(platform.db.sql);
    const input = { userId, courseSlug };
    platform.telegram.failNext({ method: 'sendMessage', chatId: telegramId, errorCode: 502, times: 2 });
    await platform.temporal.enrollments.pay(input, payment('BASIC'));
    const handle = platform.temporal.enrollments.handle(input);
    expect(await handle.result()).toMatchObject({ stage: 'completed', lessonsDelivered: [1, 2, 3] });
    const calls = sendsTo(telegramId);
    expect(calls.slice(0, 2).map((c) => c.errorCode)).toEqual([502, 502]);
    // Backoff: 1 s, then 2 s.
    expect(calls[2]!.at - calls[0]!.at).toBeGreaterThanOrEqual(2_800);
    const texts = platform.telegram.sent(telegramId).map((m) => m.text ?? '');
    expect(texts.filter((t) => t.includes('Payment received'))).toHaveLength(1);
    expect([...lessonArrivals(platform, telegramId).values()].every((times) => times.length === 1)).toBe(true);
  });
});
