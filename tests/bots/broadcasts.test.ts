import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBots } from '../../activities';
import { createSendPacer } from '../../activities/pacing';
import { broadcastClient } from '../../journey/broadcast-client';
import { createBroadcastDrafts } from '../../journey/broadcast-drafts';
import { broadcastWorkflowId } from '../../journey/definitions';
import type { SentMessage, TgUser } from '../../testing/bot-api';
import { REVIEWER, startCourseBot } from '../helpers/course-bot';
import type { CourseBotDriver } from '../helpers/course-bot';
import { insertCourse, insertUser } from '../helpers/fixtures';
import { ADMIN_CHAT_ID, COURSE_TOKEN, SALES_TOKEN, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';
import type { RunningWorker } from '../helpers/temporal';

/** Sends per second of the worker's pacer: slow enough that a broadcast of a few dozen can be paused midway. */
const SENDS_PER_SECOND = 20;
/** 36 students in batches of 4, three batches a run: every broadcast here continues as new a few times. */
const BATCH = { size: 4, maxMs: 300, perRun: 3 };

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
    // The dropped picker's old Confirm (still on a reviewer's screen somewhere) starts nothing.
    const stale = p.telegram.pressButton({
      botToken: COURSE_TOKEN,
      from: REVIEWER,
      chatId: ADMIN_CHAT_ID,
      messageId: picker.messageId,
      data: `bcok:${id}`,
    });
    await p.telegram.waitUntilHandled(COURSE_TOKEN);
    expect(p.telegram.callbackAnswer(stale)).toEqual({
      text: `Broadcast #${id} was dropped; nothing was sent.`,
      show_alert: true,
    });
    expect((await p.db.sql`select status from broadcasts where id = ${id}`)[0]?.status).toBe('dropped');
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
      // Its last run continued an earlier one, and was handed the cursor only.
      const history = await p.temporal.client.workflow.getHandle(broadcastWorkflowId(id)).fetchHistory();
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      expect(started?.continuedExecutionRunId).toBeTruthy();
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

  it('refuses non-reviewers, forged and stale buttons politely, changing nothing', async () => {
    const stranger: TgUser = { id: 4_242_018, first_name: 'Mallory' };
    const drafts = async () =>
      (await p.db.sql`select id, status, tariff, course_id from broadcasts order by id`).map((r) => ({ ...r }));
    const before = await drafts();
    await draft('From a stranger', stranger);
    expect(lastInAdminChat().text).toBe('Only reviewers (REVIEWER_IDS) can do this here; nothing was changed.');
    expect(await drafts()).toEqual(before);

    const { id, picker } = await draft('Forgery target');
    const press = async (data: string, from: TgUser = REVIEWER) => {
      const query = p.telegram.pressButton({
        botToken: COURSE_TOKEN,
        from,
        chatId: ADMIN_CHAT_ID,
        messageId: picker.messageId,
        data,
      });
      await p.telegram.waitUntilHandled(COURSE_TOKEN);
      return p.telegram.callbackAnswer(query);
    };
    const untouched = await drafts();
    expect(await press(`bcok:${id}`, stranger)).toEqual({
      text: 'Only reviewers (REVIEWER_IDS) can do this here; nothing was changed.',
      show_alert: true,
    });
    expect(await press(`bca:${id}:t:BASIC`, stranger)).toMatchObject({ show_alert: true });
    expect(await press(`bca:${id}:c:999999`)).toMatchObject({
      show_alert: true,
      text: '"999999" is not a course a broadcast can go to.',
    });
    expect(await press(`bca:${id}:h:1`)).toMatchObject({
      show_alert: true,
      text: '"1" is not a cohort a broadcast can go to.',
    });
    expect(await press(`bca:${id}:p:nobody`)).toMatchObject({
      show_alert: true,
      text: '"nobody" is not a partner a broadcast can go to.',
    });
    expect(await press(`bca:${id}:s:nonsense`)).toMatchObject({
      show_alert: true,
      text: '"nonsense" is not a stage a broadcast can go to.',
    });
    expect(await press(`bca:99999999:t:BASIC`)).toMatchObject({
      show_alert: true,
      text: 'There is no broadcast #99999999.',
    });
    expect(await press(`bcc:99999999:x`)).toMatchObject({ show_alert: true, text: 'There is no broadcast #99999999.' });
    expect(await press(`bcc:${id}:p`)).toMatchObject({
      show_alert: true,
      text: `Broadcast #${id} is not under way (draft); nothing changed.`,
    });
    // Data no button ever carried decodes to nothing and gets the bot's catch-all answer.
    expect(await press(`bca:${id}:c:1;drop table users`)).toEqual({ text: 'That lesson has not arrived yet.' });
    expect(await press('bcok:0')).toEqual({ text: 'That lesson has not arrived yet.' });
    expect(await drafts()).toEqual(untouched);

    // A stale picker: once confirmed, its buttons change nothing.
    await bot.press(REVIEWER, `bca:${id}:c:${courseId}`, ADMIN_CHAT_ID);
    await bot.press(REVIEWER, `bca:${id}:t:PREMIUM`, ADMIN_CHAT_ID);
    await bot.press(REVIEWER, `bca:${id}:l:ru`, ADMIN_CHAT_ID);
    expect(await press(`bcok:${id}`)).toEqual({ text: `Broadcast #${id} started.` });
    expect(await press(`bca:${id}:t:BASIC`)).toMatchObject({
      show_alert: true,
      text: expect.stringMatching(
        new RegExp(`^Broadcast #${id} is (confirmed|running|finished): its audience is settled.$`),
      ),
    });
    expect(await press(`bcx:${id}`)).toMatchObject({ show_alert: true });
    await reportOf(id);
    const [row] = await p.db.sql`select status, tariff, language from broadcasts where id = ${id}`;
    expect(row).toEqual({ status: 'finished', tariff: 'PREMIUM', language: 'ru' });
  });

  it('starts one broadcast however many Confirms arrive at once, through the bot or side by side', async () => {
    const audience = inCourse((s) => s.tariff === 'PREMIUM');
    const { id } = await draft('Pressed five times');
    await bot.press(REVIEWER, `bca:${id}:c:${courseId}`, ADMIN_CHAT_ID);
    await bot.press(REVIEWER, `bca:${id}:t:PREMIUM`, ADMIN_CHAT_ID);
    const picker = pickerOf(id);
    const queries = Array.from({ length: 5 }, () =>
      p.telegram.pressButton({
        botToken: COURSE_TOKEN,
        from: REVIEWER,
        chatId: ADMIN_CHAT_ID,
        messageId: picker.messageId,
        data: `bcok:${id}`,
      }),
    );
    await p.telegram.waitUntilHandled(COURSE_TOKEN);
    const answers = queries.map((q) => p.telegram.callbackAnswer(q)?.text);
    expect(answers.filter((a) => a === `Broadcast #${id} started.`)).toHaveLength(1);
    expect(answers.filter((a) => a === `Broadcast #${id} is under way already.`)).toHaveLength(4);
    await reportOf(id);
    expect(copiesOf('Pressed five times', audience)).toEqual(audience.map(() => 1));

    // Two desks (two bot processes) confirming the same draft at the same moment: the row moves once.
    const { id: twice } = await draft('Confirmed side by side');
    await bot.press(REVIEWER, `bca:${twice}:c:${courseId}`, ADMIN_CHAT_ID);
    await bot.press(REVIEWER, `bca:${twice}:t:PREMIUM`, ADMIN_CHAT_ID);
    const desks = createBroadcastDrafts({
      sql: p.db.sql,
      broadcasts: broadcastClient(p.temporal.client, p.temporal.taskQueue, BATCH),
    });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => desks.confirm({ telegramId: REVIEWER.id, via: 'review-chat' }, twice)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
    ).toEqual(Array.from({ length: 7 }, () => `AdminOpError: Broadcast #${twice} is under way already.`));
    await reportOf(twice);
    expect(copiesOf('Confirmed side by side', audience)).toEqual(audience.map(() => 1));
    // One workflow, one run: a second start would have been refused by its id, and none was tried.
    const handle = p.temporal.client.workflow.getHandle(broadcastWorkflowId(twice));
    expect(await handle.result()).toEqual({ outcome: 'finished' });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const audit = await p.db
      .sql`select count(*)::int as n from admin_actions where action = 'start-broadcast' and target = ${`broadcast:${twice}`}`;
    expect(audit[0]?.n).toBe(1);
  });

  it('copies a whole album to each recipient, formatting and files kept', async () => {
    const audience = inCourse((s) => s.language === 'ru' && s.tariff === 'PREMIUM');
    const photo = (caption?: string) => ({ photo: true as const, ...(caption ? { caption } : {}) });
    const first = await bot.send(REVIEWER, {
      chatId: ADMIN_CHAT_ID,
      mediaGroupId: 'album-1',
      ...photo('Album caption'),
    });
    const second = await bot.send(REVIEWER, { chatId: ADMIN_CHAT_ID, mediaGroupId: 'album-1', ...photo() });
    await bot.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: '/broadcast', replyToMessageId: second.message_id });
    const previews = p.telegram.sent(ADMIN_CHAT_ID).filter((m) => m.method === 'copyMessages');
    expect(previews.map((m) => m.media)).toEqual([first.photo!.at(-1)!.file_id, second.photo!.at(-1)!.file_id]);
    const id = Number(/Broadcast #(\d+)/.exec(lastInAdminChat().text ?? '')?.[1]);
    for (const data of [`c:${courseId}`, 't:PREMIUM', 'l:ru'])
      await bot.press(REVIEWER, `bca:${id}:${data}`, ADMIN_CHAT_ID);
    await bot.press(REVIEWER, `bcok:${id}`, ADMIN_CHAT_ID);
    await reportOf(id);
    for (const chatId of audience) {
      const copies = p.telegram.sent(chatId).filter((m) => m.method === 'copyMessages');
      expect(copies.map((m) => [m.caption, m.media])).toEqual([
        ['Album caption', first.photo!.at(-1)!.file_id],
        [undefined, second.photo!.at(-1)!.file_id],
      ]);
    }
  });

  it('survives a worker restart mid-broadcast without a second copy to anyone', async () => {
    const everyone = inCourse();
    const id = await confirmed('Across a restart');
    await p.telegram.waitFor(() => copiesOf('Across a restart', everyone).some((n) => n > 0));
    // A copy hangs past the worker's shutdown grace: its batch is cancelled midway (the hung copy never lands) and
    // retried by the next worker, which must skip the recipients the cancelled attempt had already served.
    p.telegram.slowNext({ method: 'copyMessage', delayMs: 8_000 });
    await worker.stop();
    const before = copiesOf('Across a restart', everyone).reduce((a, b) => a + b, 0);
    expect(before).toBeLessThan(everyone.length);
    worker = await startWorker();
    expect((await reportOf(id)).text).toContain(`Sent: ${everyone.length} · failed: 0`);
    expect(copiesOf('Across a restart', everyone)).toEqual(everyone.map(() => 1));
  });
});
