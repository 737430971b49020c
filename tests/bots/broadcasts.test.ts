import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBots } from '../../activities';
import { createSendPacer } from '../../activities/pacing';
import { broadcastClient } from '../../journey/broadcast-client';
import { broadcastWorkflowId } from '../../journey/definitions';
import type { SentMessage, TgUser } from '../../testing/bot-api';
import { REVIEWER, startCourseBot } from '../helpers/course-bot';
import type { CourseBotDriver } from '../helpers/course-bot';
import { insertCourse, insertUser } from '../helpers/fixtures';
import { ADMIN_CHAT_ID, COURSE_TOKEN, SALES_TOKEN, eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';
import type { RunningWorker } from '../helpers/temporal';

/** Sends per second of the worker's pacer: slow enough that a broadcast of a few dozen can be paused midway. */
const SENDS_PER_SECOND = 20;
const BATCH = { size: 4, maxMs: 300 };

/**
 * Broadcasts (#18) through the real course bot in the review chat, the real broadcast workflow on the dev server,
 * Postgres, and the Bot API stand-in as Telegram.
 */
describe('broadcasts from the review chat', () => {
  let p: Platform;
  let bot: CourseBotDriver;
  let worker: RunningWorker;
  let courseId: number;
  let otherCourseId: number;
  const students: { userId: number; telegramId: number; tariff: string; language: string }[] = [];

  const startWorker = async () => {
    const telegram = createTelegramBots({
      salesToken: SALES_TOKEN,
      courseToken: COURSE_TOKEN,
      apiRoot: p.telegram.apiRoot,
      pacer: createSendPacer(p.db.sql, SENDS_PER_SECOND),
    });
    return p.temporal.startWorker({ sql: p.db.sql, telegram, adminChatId: ADMIN_CHAT_ID });
  };

  beforeAll(async () => {
    p = await startPlatform();
    // The platform's worker sends unpaced; this file's sends go at SENDS_PER_SECOND, as a worker process's do.
    await p.worker.stop();
    worker = await startWorker();
    const slug = p.slug('bc');
    courseId = await insertCourse(p.db.sql, { slug, lessons: [{ day: 1 }] });
    otherCourseId = await insertCourse(p.db.sql, { slug: p.slug('bc-other'), lessons: [{ day: 1 }] });
    for (let i = 0; i < 36; i++) {
      const tariff = i % 3 === 0 ? 'PREMIUM' : 'BASIC';
      const language = i % 4 === 0 ? 'ru' : 'en';
      const { userId, telegramId } = await insertUser(p.db.sql, { languageCode: language === 'ru' ? 'ru-RU' : 'en' });
      await p.db.sql`insert into enrollments (user_id, course_id, workflow_id, tariff, stage)
                     values (${userId}, ${courseId}, ${`bc-${slug}-${userId}`}, ${tariff}, 'active')`;
      students.push({ userId, telegramId, tariff, language });
    }
    // Someone in another course only: never in this course's audience.
    const { userId } = await insertUser(p.db.sql);
    await p.db.sql`insert into enrollments (user_id, course_id, workflow_id, tariff, stage)
                   values (${userId}, ${otherCourseId}, ${`bc-other-${userId}`}, 'BASIC', 'active')`;
    bot = await startCourseBot(p, {}, { broadcasts: broadcastClient(p.temporal.client, p.temporal.taskQueue, BATCH) });
  });
  afterAll(async () => {
    await bot?.stop();
    await p?.close();
  });
  afterEach(() => {
    expect(bot.log.filter((line) => /update \d+ failed/.test(line))).toEqual([]);
  });

  const lastInAdminChat = () => p.telegram.sent(ADMIN_CHAT_ID).at(-1)!;
  /** The reviewer posts `text` in the review chat and replies /broadcast to it; returns the draft's id and message. */
  const draft = async (text: string, from: TgUser = REVIEWER) => {
    const original = await bot.send(from, { chatId: ADMIN_CHAT_ID, text });
    await bot.send(from, { chatId: ADMIN_CHAT_ID, text: '/broadcast', replyToMessageId: original.message_id });
    const picker = lastInAdminChat();
    const id = Number(/Broadcast #(\d+)/.exec(picker.text ?? '')?.[1]);
    return { id, picker, original };
  };
  const pickerOf = (id: number) =>
    p.telegram.sent(ADMIN_CHAT_ID).find((m) => m.text?.startsWith(`📣 Broadcast #${id}:`))!;
  const copiesOf = (text: string, chatIds: number[]) =>
    chatIds.map((chatId) => p.telegram.sent(chatId).filter((m: SentMessage) => m.text === text).length);
  const statusOf = (id: number) =>
    p.telegram
      .sent(ADMIN_CHAT_ID)
      .find(
        (m) => m.text?.startsWith(`📣 Broadcast #${id}: `) && m.method === 'sendMessage' && m.text.includes('Sent '),
      );
  const reportOf = (id: number) =>
    p.telegram.waitFor(
      () =>
        p.telegram.sent(ADMIN_CHAT_ID).find((m) => m.text?.startsWith(`📣 Broadcast #${id} `) && /Sent: /.test(m.text)),
      { timeoutMs: 30_000 },
    );
  const inCourse = (filter: (s: (typeof students)[number]) => boolean = () => true) =>
    students.filter(filter).map((s) => s.telegramId);

  it('shows a preview and the count, narrowed by course, tariff, stage and language', async () => {
    const { id, picker } = await draft('Spring news');
    // The preview: a copy of the message right above the picker.
    const all = p.telegram.sent(ADMIN_CHAT_ID);
    expect(all.at(-2)).toMatchObject({ method: 'copyMessage', text: 'Spring news' });
    expect(picker.text).toContain('Recipients now: 37');
    expect(await bot.press(REVIEWER, `bca:${id}:c:${courseId}`, ADMIN_CHAT_ID)).toMatchObject({
      text: '36 recipient(s) now.',
    });
    expect(await bot.press(REVIEWER, `bca:${id}:t:PREMIUM`, ADMIN_CHAT_ID)).toMatchObject({
      text: '12 recipient(s) now.',
    });
    expect(await bot.press(REVIEWER, `bca:${id}:l:ru`, ADMIN_CHAT_ID)).toMatchObject({
      text: `${inCourse((s) => s.tariff === 'PREMIUM' && s.language === 'ru').length} recipient(s) now.`,
    });
    expect(await bot.press(REVIEWER, `bca:${id}:s:completed`, ADMIN_CHAT_ID)).toMatchObject({
      text: '0 recipient(s) now.',
    });
    expect(pickerOf(id).text).toContain('tariff: PREMIUM · stage: completed');
    // Nobody to send to: Confirm refuses, nothing starts.
    expect(await bot.press(REVIEWER, `bcok:${id}`, ADMIN_CHAT_ID)).toMatchObject({
      show_alert: true,
      text: expect.stringMatching(/Nobody matches/),
    });
    await bot.press(REVIEWER, `bca:${id}:s:*`, ADMIN_CHAT_ID);
    expect(pickerOf(id).text).toContain('stage: any');
    expect(await bot.press(REVIEWER, `bcx:${id}`, ADMIN_CHAT_ID)).toMatchObject({ text: 'Dropped.' });
    const [row] = await p.db.sql`select status from broadcasts where id = ${id}`;
    expect(row?.status).toBe('dropped');
  });

  /** A draft of `text` to this course's students who pass `narrow` (field letter → value), confirmed. */
  const confirmed = async (text: string, narrow: Record<string, string> = {}) => {
    const { id } = await draft(text);
    await bot.press(REVIEWER, `bca:${id}:c:${courseId}`, ADMIN_CHAT_ID);
    for (const [field, value] of Object.entries(narrow))
      await bot.press(REVIEWER, `bca:${id}:${field}:${value}`, ADMIN_CHAT_ID);
    expect(await bot.press(REVIEWER, `bcok:${id}`, ADMIN_CHAT_ID)).toMatchObject({ text: `Broadcast #${id} started.` });
    return id;
  };
  const outcomes = async (id: number) =>
    Object.fromEntries(
      (
        await p.db.sql<{ outcome: string; n: number }[]>`
        select outcome, count(*)::int as n from broadcast_deliveries where broadcast_id = ${id} group by 1`
      ).map((r) => [r.outcome, r.n]),
    );

  it('sends every recipient exactly one copy; a student who blocked the bot is recorded and skipped', async () => {
    const basic = inCourse((s) => s.tariff === 'BASIC');
    const [blockedA, blockedB] = [basic[1]!, basic[5]!];
    p.telegram.blockUser(blockedA, COURSE_TOKEN);
    p.telegram.blockUser(blockedB, COURSE_TOKEN);
    try {
      const id = await confirmed('Only for BASIC', { t: 'BASIC' });
      expect((await reportOf(id)).text).toBe(
        `📣 Broadcast #${id} finished.\nSent: ${basic.length - 2} · failed: 0 · blocked the bot: 2`,
      );
      expect(copiesOf('Only for BASIC', basic)).toEqual(basic.map((t) => (t === blockedA || t === blockedB ? 0 : 1)));
      expect(
        copiesOf(
          'Only for BASIC',
          inCourse((s) => s.tariff === 'PREMIUM'),
        ),
      ).not.toContain(1);
      expect(await outcomes(id)).toEqual({ sent: basic.length - 2, blocked: 2 });
      const status = statusOf(id)!;
      expect(status.text).toContain('✅ finished');
      expect(status.text).toContain(`Sent ${basic.length - 2} · failed 0 · blocked 2 · of ${basic.length}`);
      expect(status.replyMarkup).toBeUndefined();
      const [row] = await p.db.sql`select status, recipients_total from broadcasts where id = ${id}`;
      expect(row).toEqual({ status: 'finished', recipientsTotal: basic.length });
    } finally {
      p.telegram.unblockUser(blockedA, COURSE_TOKEN);
      p.telegram.unblockUser(blockedB, COURSE_TOKEN);
    }
  });

  it('pauses after the batch in flight, sends nothing while paused, and finishes on Resume', async () => {
    const everyone = inCourse();
    const id = await confirmed('Paused midway');
    await p.telegram.waitFor(() => copiesOf('Paused midway', everyone).some((n) => n > 0));
    expect(await bot.press(REVIEWER, `bcc:${id}:p`, ADMIN_CHAT_ID)).toMatchObject({
      text: 'Pausing after the batch in flight…',
    });
    // The status message saying "paused" is the workflow's own word that no batch is in flight any more.
    const paused = await p.telegram.waitFor(() => statusOf(id)?.text?.includes('⏸ paused') && statusOf(id));
    const sentWhenPaused = copiesOf('Paused midway', everyone).reduce((a, b) => a + b, 0);
    expect(sentWhenPaused).toBeLessThan(everyone.length);
    expect(paused.replyMarkup).toEqual({
      inline_keyboard: [
        [
          expect.objectContaining({ callback_data: `bcc:${id}:r` }),
          expect.objectContaining({ callback_data: `bcc:${id}:x` }),
        ],
      ],
    });
    // A round trip through the bot and the workflow (a second Pause is a no-op) and the count has not moved.
    const again = p.telegram.pressButton({
      botToken: COURSE_TOKEN,
      from: REVIEWER,
      chatId: ADMIN_CHAT_ID,
      messageId: paused.messageId,
      data: `bcc:${id}:p`,
    });
    await p.telegram.waitUntilHandled(COURSE_TOKEN);
    expect(p.telegram.callbackAnswer(again)).toMatchObject({ text: 'Pausing after the batch in flight…' });
    const [row] = await p.db.sql`select status from broadcasts where id = ${id}`;
    expect(row?.status).toBe('paused');
    expect(copiesOf('Paused midway', everyone).reduce((a, b) => a + b, 0)).toBe(sentWhenPaused);
    expect(await bot.press(REVIEWER, `bcc:${id}:r`, ADMIN_CHAT_ID)).toMatchObject({ text: 'Resuming…' });
    expect((await reportOf(id)).text).toContain(`Sent: ${everyone.length} · failed: 0 · blocked the bot: 0`);
    expect(copiesOf('Paused midway', everyone)).toEqual(everyone.map(() => 1));
  });

  it('cancels with a report of what went and what did not, and the buttons are gone', async () => {
    const everyone = inCourse();
    const id = await confirmed('Cancelled midway');
    await p.telegram.waitFor(() => copiesOf('Cancelled midway', everyone).some((n) => n > 0));
    expect(await bot.press(REVIEWER, `bcc:${id}:x`, ADMIN_CHAT_ID)).toMatchObject({ text: 'Cancelling…' });
    const report = await reportOf(id);
    const sent = copiesOf('Cancelled midway', everyone).reduce((a, b) => a + b, 0);
    expect(sent).toBeLessThan(everyone.length);
    expect(report.text).toBe(
      `📣 Broadcast #${id} was cancelled.\nSent: ${sent} · failed: 0 · blocked the bot: 0 · not sent: ${everyone.length - sent}`,
    );
    expect(statusOf(id)?.text).toContain('✖️ cancelled');
    expect(statusOf(id)?.replyMarkup).toBeUndefined();
    // A stale Resume on the finished broadcast changes nothing.
    const stale = p.telegram.pressButton({
      botToken: COURSE_TOKEN,
      from: REVIEWER,
      chatId: ADMIN_CHAT_ID,
      messageId: statusOf(id)!.messageId,
      data: `bcc:${id}:r`,
    });
    await p.telegram.waitUntilHandled(COURSE_TOKEN);
    expect(p.telegram.callbackAnswer(stale)).toMatchObject({
      show_alert: true,
      text: `Broadcast #${id} is not under way (cancelled); nothing changed.`,
    });
    expect(copiesOf('Cancelled midway', everyone).reduce((a, b) => a + b, 0)).toBe(sent);
    const audit = await p.db.sql`select action from admin_actions where target = ${`broadcast:${id}`} order by id`;
    expect(audit.map((a) => a.action)).toEqual(['start-broadcast', 'cancel-broadcast']);
  });
});
