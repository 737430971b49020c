import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCourseBot } from '../../bots/course';
import { paymentRefundedSignal, progressQuery } from '../../journey/definitions';
import { DAY_MS, lessonDueAt } from '../../domain/schedule';
import type { TgUser } from '../../testing/bot-api';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { stepsRun, timers } from '../helpers/history-events';
import { ADMIN_CHAT_ID, COURSE_TOKEN, eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

const REVIEWER: TgUser = { id: 31_337, first_name: 'Rita' };
const STRANGER: TgUser = { id: 41_414, first_name: 'Sam' };
const LONG_BODY = Array.from(
  { length: 60 },
  (_, i) => `Paragraph ${i + 1}. ${'Words flow on and on. '.repeat(7)}`,
).join('\n\n');

describe('course bot and review desk, end to end over HTTP', () => {
  let p: Platform;
  let slug: string;
  const log: string[] = [];
  let stopBot: () => Promise<void>;
  beforeAll(async () => {
    p = await startPlatform();
    slug = p.slug('course');
    await insertCourse(p.db.sql, {
      slug,
      intervalMs: 60_000,
      lessons: [
        { day: 1, tasks: { BASIC: 'Write a haiku.', FEEDBACK: 'Write a haiku and explain it.' } },
        { day: 2, parts: [{ type: 'text', text: LONG_BODY }], tasks: { BASIC: 'Summarise.' } },
      ],
    });
    const bot = createCourseBot(
      COURSE_TOKEN,
      {
        sql: p.db.sql,
        enrollments: p.temporal.enrollments,
        settings: { adminChatId: ADMIN_CHAT_ID, reviewerIds: [REVIEWER.id], salesBot: '@sales_test_bot' },
        log: (line) => log.push(line),
      },
      { apiRoot: p.telegram.apiRoot },
    );
    await bot.init();
    const polling = bot.start({ timeout: 1 });
    stopBot = async () => {
      await bot.stop();
      await polling;
    };
  });
  afterAll(async () => {
    await stopBot?.();
    await p?.close();
  });
  afterEach(() => expect(log.filter((line) => /update \d+ failed/.test(line))).toEqual([]));

  let nextId = 820_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
  async function enrolledStudent(tariff: 'BASIC' | 'FEEDBACK') {
    const { userId, telegramId } = await insertUser(p.db.sql, { firstName: 'Kim' });
    const user: TgUser = { id: telegramId, first_name: 'Kim', language_code: 'en' };
    await p.temporal.enrollments.pay({ userId, courseSlug: slug }, payment(tariff));
    const handle = p.temporal.enrollments.handle({ userId, courseSlug: slug });
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(1),
    );
    return { user, handle, userId };
  }
  const send = async (
    from: TgUser,
    input: Omit<Parameters<Platform['telegram']['sendUserMessage']>[0], 'botToken' | 'from'>,
  ) => {
    const message = p.telegram.sendUserMessage({ botToken: COURSE_TOKEN, from, ...input });
    await p.telegram.waitUntilHandled(COURSE_TOKEN);
    return message;
  };
  const press = async (from: TgUser, data: string, chatId = from.id) => {
    const message = [...p.telegram.sent(chatId)]
      .reverse()
      .find((m) => JSON.stringify(m.replyMarkup ?? {}).includes(JSON.stringify(data)));
    if (!message) throw new Error(`no button ${data} in chat ${chatId}`);
    const id = p.telegram.pressButton({ botToken: COURSE_TOKEN, from, chatId, messageId: message.messageId, data });
    await p.telegram.waitUntilHandled(COURSE_TOKEN);
    return p.telegram.callbackAnswer(id);
  };
  const textsTo = (chatId: number) => p.telegram.sent(chatId).map((m) => m.text ?? m.caption ?? `[${m.kind}]`);

  it('takes an album assignment to the review desk and brings back a reviewer’s voice note', async () => {
    const { user, handle } = await enrolledStudent('FEEDBACK');
    const task = p.telegram.sent(user.id).find((m) => m.text?.includes('explain it'));
    expect(JSON.stringify(task?.replyMarkup)).toContain(`sub:${slug}:1`);

    await press(user, `sub:${slug}:1`);
    await send(user, { text: 'An old silent pond' });
    await send(user, { photo: true, caption: 'draft', mediaGroupId: 'album-1' });
    await send(user, { photo: true, mediaGroupId: 'album-1' });
    expect(textsTo(user.id).filter((t) => t.startsWith('Received'))).toHaveLength(2); // one per message, one per album
    await press(user, 'sub-send');

    const progress = await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.assignments[0]?.status === 'awaiting-review',
    );
    const assignmentId = progress.assignments[0]!.id;
    const desk = await p.telegram.waitForMessages(ADMIN_CHAT_ID, 4);
    const header = desk.find((m) => m.text?.includes(`Assignment #${assignmentId}`))!;
    expect(header.text).toContain('FEEDBACK');
    expect(JSON.stringify(header.replyMarkup)).toContain(`rv:ok:${assignmentId}`);
    const copies = desk.filter((m) => m.kind === 'copy');
    expect(copies.map((m) => m.text ?? m.caption ?? 'photo')).toEqual(['An old silent pond', 'draft', 'photo']);

    const voice = await send(REVIEWER, { chatId: ADMIN_CHAT_ID, voice: true, replyToMessageId: header.messageId });
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.assignments[0]?.status === 'answered',
    );
    await p.telegram.waitFor(() =>
      p.telegram.sent(user.id).find((m) => m.kind === 'copy' && m.media === voice.voice!.file_id),
    );
    expect(textsTo(user.id)).toContain('💬 Feedback on your day 1 assignment:');
    expect(textsTo(ADMIN_CHAT_ID)).toContain(`✅ Feedback on #${assignmentId} sent to the student.`);

    // Answered once: a second reply is refused with the reason, and the student hears nothing more.
    const before = p.telegram.sent(user.id).length;
    await send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: 'One more thing', replyToMessageId: header.messageId });
    expect(textsTo(ADMIN_CHAT_ID).at(-1)).toMatch(/Not sent .*already answered/);
    expect(p.telegram.sent(user.id)).toHaveLength(before);
    // A journey that has ended takes no more answers, and the desk says so.
    await handle.terminate('test done');
    await send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: 'Late note', replyToMessageId: header.messageId });
    expect(textsTo(ADMIN_CHAT_ID).at(-1)).toMatch(/Not sent .*journey has ended/);
  });

  it('requests changes, takes the resubmission and approves it; refuses a reviewer who is not one', async () => {
    const { user, handle } = await enrolledStudent('FEEDBACK');
    await press(user, `sub:${slug}:1`);
    await send(user, { text: 'First try' });
    await press(user, 'sub-send');
    const first = await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.assignments[0]?.status === 'awaiting-review',
    );
    const firstId = first.assignments[0]!.id;
    await p.telegram.waitFor(() => p.telegram.sent(ADMIN_CHAT_ID).find((m) => m.text?.includes(`#${firstId} `)));

    const refused = await press(STRANGER, `rv:redo:${firstId}`, ADMIN_CHAT_ID);
    expect(refused?.text).toMatch(/Only reviewers/);
    const header = p.telegram.sent(ADMIN_CHAT_ID).find((m) => m.text?.includes(`#${firstId} `))!;
    await send(STRANGER, { chatId: ADMIN_CHAT_ID, text: 'Looks fine to me', replyToMessageId: header.messageId });
    expect(textsTo(ADMIN_CHAT_ID).at(-1)).toMatch(/Only reviewers/);
    expect((await handle.query(progressQuery)).assignments[0]?.status).toBe('awaiting-review');

    await press(REVIEWER, `rv:redo:${firstId}`, ADMIN_CHAT_ID);
    await p.telegram.waitFor(() => p.telegram.sent(user.id).find((m) => m.text?.includes('asks for changes')));
    await press(user, `sub:${slug}:1`);
    await send(user, { document: true, caption: 'Second try' });
    await press(user, 'sub-send');
    const second = await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.assignments[1]?.status === 'awaiting-review',
    );
    expect(second.assignments.map((a) => [a.day, a.status])).toEqual([
      [1, 'changes-requested'],
      [1, 'awaiting-review'],
    ]);
    await p.telegram.waitFor(() =>
      p.telegram.sent(ADMIN_CHAT_ID).find((m) => m.text?.includes(`#${second.assignments[1]!.id} `)),
    );
    await press(REVIEWER, `rv:ok:${second.assignments[1]!.id}`, ADMIN_CHAT_ID);
    await p.telegram.waitFor(() => p.telegram.sent(user.id).find((m) => m.text?.includes('is approved')));
    const [row] = await p.db.sql`select verdict, status from assignments where id = ${second.assignments[1]!.id}`;
    expect(row).toEqual({ verdict: 'approved', status: 'answered' });
    const audit = await p.db.sql`select action from admin_actions where admin_telegram_id = ${REVIEWER.id} order by id`;
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['feedback:changes-requested', 'feedback:approved']),
    );
    await handle.terminate('test done');
  });

  it('answers a BASIC student automatically and shows progress, lessons and only delivered lessons', async () => {
    const { user, handle } = await enrolledStudent('BASIC');
    await press(user, `sub:${slug}:1`);
    await send(user, { text: 'Haiku' });
    await press(user, 'sub-send');
    await p.telegram.waitFor(() => p.telegram.sent(user.id).find((m) => m.text?.includes('well done')));
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.assignments[0]?.status === 'auto-answered',
    );

    await send(user, { text: '/progress' });
    expect(textsTo(user.id).at(-1)).toMatch(/Day 1 of 2 · BASIC · active\nNext lesson: .*\n• Day 1: received/);
    await send(user, { text: '/lessons' });
    const menu = p.telegram.sent(user.id).at(-1)!;
    expect(JSON.stringify(menu.replyMarkup)).toContain(`lesson:${slug}:1`);
    expect(JSON.stringify(menu.replyMarkup)).not.toContain(`lesson:${slug}:2`);
    const notYet = await press(user, `lesson:${slug}:1`);
    expect(notYet?.text).toBeUndefined();
    const count = p.telegram.sent(user.id).length;
    const pid = p.telegram.pressButton({
      botToken: COURSE_TOKEN,
      from: user,
      messageId: menu.messageId,
      data: `lesson:${slug}:2`,
    });
    await p.telegram.waitUntilHandled(COURSE_TOKEN);
    expect(p.telegram.callbackAnswer(pid)?.text).toMatch(/not arrived/);
    expect(p.telegram.sent(user.id).length).toBe(count);
    await send(user, { text: '/lesson' });
    expect(textsTo(user.id).slice(-2)[0]).toContain('Day 1.');
    await handle.terminate('test done');
  });

  it('points unpaid users to the sales bot and explains what it takes', async () => {
    const unknown: TgUser = { id: nextId++, first_name: 'Nobody', language_code: 'ru' };
    await send(unknown, { text: '/lesson' });
    expect(textsTo(unknown.id).at(-1)).toContain('@sales_test_bot');
    await send(unknown, { text: 'hello?' });
    expect(textsTo(unknown.id).at(-1)).toMatch(/Сдать задание/);
    await send(unknown, { text: '/frobnicate' });
    expect(textsTo(unknown.id).at(-1)).toContain('/progress');
  });

  it('splits a long lesson at paragraph boundaries under Telegram’s 4096 characters', async () => {
    const { user, handle } = await enrolledStudent('BASIC');
    // Day 2 is a minute away: record it as delivered and ask for it again, which renders it through the same code.
    await p.db
      .sql`insert into lesson_deliveries (enrollment_id, day) select id, 2 from enrollments where workflow_id = ${handle.workflowId}`;
    await send(user, { text: '/lesson' });
    const parts = p.telegram.sent(user.id).filter((m) => m.text?.includes('Paragraph'));
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) {
      expect(part.text!.length).toBeLessThanOrEqual(4096);
      expect(part.text!).toMatch(/on and on\. $|on and on\.$/);
    }
    expect(parts[0]!.text).toMatch(/^Day 2\. Lesson 2\n\nParagraph 1\./);
    expect(parts.map((m) => m.text).join('\n\n')).toContain('Paragraph 60.');
    expect(textsTo(user.id).at(-1)).toContain('Summarise.');
    await handle.terminate('test done');
  });

  it('pauses and resumes: no lesson while paused, the rest of the schedule moves by whole intervals', async () => {
    const pauseSlug = p.slug('pause');
    await insertCourse(p.db.sql, { slug: pauseSlug, intervalMs: 2_000, lessons: [{ day: 1 }, { day: 2 }, { day: 3 }] });
    const { userId, telegramId } = await insertUser(p.db.sql);
    const user: TgUser = { id: telegramId, first_name: 'Pat' };
    const handle = p.temporal.enrollments.handle({ userId, courseSlug: pauseSlug });
    await p.temporal.enrollments.pay({ userId, courseSlug: pauseSlug }, payment('BASIC'));
    const started = await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(1),
    );

    await send(user, { text: '/pause' });
    const pausedAt = Date.now();
    expect(textsTo(user.id).at(-1)).toContain('paused');
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.stage === 'paused',
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await handle.query(progressQuery)).lessonsDelivered).toEqual([1]);

    await send(user, { text: '/resume' });
    const resumedAt = Date.now();
    const resumed = await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.stage === 'active' && pr.nextLessonDueAt !== started.nextLessonDueAt,
    );
    // Paused for a bit over 3 s of a 2 s interval: the schedule moved by 2 intervals.
    const shift = resumed.nextLessonDueAt! - started.nextLessonDueAt!;
    expect(shift).toBe(Math.ceil((resumedAt - pausedAt) / 2_000) * 2_000);
    expect(await handle.result()).toEqual({ stage: 'completed', lessonsDelivered: [1, 2, 3] });
    await saveHistoryIfCapturing(handle, 'paused-and-resumed');
    const arrivals = p.telegram
      .sent(user.id)
      .filter((m) => /Day [23]\./.test(m.text ?? ''))
      .map((m) => m.at);
    expect(arrivals[0]!).toBeGreaterThanOrEqual(resumed.nextLessonDueAt! - 50);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(1_900);
  });

  it('applies a new time zone from the next lesson on', async () => {
    const dailySlug = p.slug('daily');
    await insertCourse(p.db.sql, { slug: dailySlug, lessons: [{ day: 1 }, { day: 2 }] });
    const { userId, telegramId } = await insertUser(p.db.sql, { timeZone: 'UTC', preferredLessonTime: '09:00' });
    const user: TgUser = { id: telegramId, first_name: 'Tomo' };
    const handle = p.temporal.enrollments.handle({ userId, courseSlug: dailySlug });
    await p.temporal.enrollments.pay({ userId, courseSlug: dailySlug }, payment('BASIC'));
    const before = await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(1) && pr.nextLessonDueAt !== null,
    );
    const student = (timeZone: string) => ({ timeZone, preferredLessonTime: '09:00' });
    expect(before.nextLessonDueAt).toBe(
      lessonDueAt({ startedAt: before.startedAt!, day: 2, intervalMs: DAY_MS, student: student('UTC') }),
    );

    // Zone names are case-insensitive; what is stored and shown is the canonical spelling.
    await send(user, { text: '/timezone asia/TOKYO' });
    expect(textsTo(user.id).at(-1)).toContain('09:00 (Asia/Tokyo)');
    const expected = lessonDueAt({
      startedAt: before.startedAt!,
      day: 2,
      intervalMs: DAY_MS,
      student: student('Asia/Tokyo'),
    });
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.nextLessonDueAt === expected,
    );
    await send(user, { text: '/timezone Mars/Olympus' });
    expect(textsTo(user.id).at(-1)).toContain('/timezone Area/City');
    await send(user, { text: '/time 25:00' });
    expect(textsTo(user.id).at(-1)).toContain('HH:MM');
    await handle.terminate('test done');
  });

  it('reminds a student who has not handed in once, and never one who has', async () => {
    const remindSlug = p.slug('remind');
    await insertCourse(p.db.sql, {
      slug: remindSlug,
      intervalMs: 60_000,
      lessons: [{ day: 1, tasks: { BASIC: 'Try it.' } }, { day: 2 }],
    });
    await p.db.sql`update courses set reminder_after_ms = 1500 where slug = ${remindSlug}`;
    const enroll = async (name: string) => {
      const { userId, telegramId } = await insertUser(p.db.sql, { firstName: name });
      const paid = payment('FEEDBACK');
      lastPaymentId = paid.providerPaymentId;
      await p.temporal.enrollments.pay({ userId, courseSlug: remindSlug }, paid);
      const handle = p.temporal.enrollments.handle({ userId, courseSlug: remindSlug });
      await eventually(
        () => handle.query(progressQuery),
        (pr) => pr.lessonsDelivered.includes(1),
      );
      return { user: { id: telegramId, first_name: name } as TgUser, handle };
    };
    let lastPaymentId = '';
    const late = await enroll('Lee');
    const latePaymentId = lastPaymentId;
    const diligent = await enroll('Dana');
    await press(diligent.user, `sub:${remindSlug}:1`);
    await send(diligent.user, { text: 'Done already' });
    await press(diligent.user, 'sub-send');

    const reminder = await p.telegram.waitFor(() =>
      p.telegram.sent(late.user.id).find((m) => m.text?.includes('gentle reminder')),
    );
    expect(JSON.stringify(reminder.replyMarkup)).toContain(`sub:${remindSlug}:1`);
    // The diligent student's 1.5 s reminder timer has ended, and the submission cancelled it before it fired.
    const reminderTimers = await eventually(
      async () => (await timers(diligent.handle)).filter((t) => t.ms <= 1_500),
      (found) => found.length > 0 && found.every((t) => t.outcome !== 'pending'),
    );
    expect(reminderTimers.map((t) => t.outcome)).toEqual(['canceled']);
    expect(p.telegram.sent(diligent.user.id).filter((m) => m.text?.includes('gentle reminder'))).toHaveLength(0);
    await late.handle.signal(paymentRefundedSignal, { provider: 'mock', providerPaymentId: latePaymentId });
    expect(await late.handle.result()).toMatchObject({ stage: 'refunded' });
    // The late student's journey has ended: one reminder was all it ever sent.
    expect(await stepsRun(late.handle, 'sendReminder')).toBe(1);
    expect(p.telegram.sent(late.user.id).filter((m) => m.text?.includes('gentle reminder'))).toHaveLength(1);
    await saveHistoryIfCapturing(late.handle, 'reminded-then-refunded');
    await diligent.handle.terminate('test done');
  });

  it('lets reviewers grant, move, block, unblock and revoke by hand, audited; nobody else', async () => {
    const adminSlug = p.slug('admin');
    await insertCourse(p.db.sql, {
      slug: adminSlug,
      intervalMs: 60_000,
      lessons: [{ day: 1 }, { day: 2 }, { day: 3 }],
    });
    const { userId, telegramId } = await insertUser(p.db.sql, { firstName: 'Max' });
    const user: TgUser = { id: telegramId, first_name: 'Max' };
    const handle = p.temporal.enrollments.handle({ userId, courseSlug: adminSlug });
    const adminSays = (text: string, from = REVIEWER) => send(from, { chatId: ADMIN_CHAT_ID, text });
    const lastDesk = () => textsTo(ADMIN_CHAT_ID).at(-1);

    await adminSays(`/grant ${telegramId} PREMIUM ${adminSlug}`, STRANGER);
    expect(lastDesk()).toMatch(/Only reviewers/);
    await adminSays(`/grant ${telegramId} PREMIUM ${adminSlug}`);
    expect(lastDesk()).toContain('has PREMIUM access');
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(1) && pr.tariff === 'PREMIUM',
    );

    await adminSays(`/move ${telegramId} 3 ${adminSlug}`);
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(3),
    );
    expect((await handle.query(progressQuery)).lessonsDelivered).toEqual([1, 3]);

    await adminSays(`/block ${telegramId}`);
    await send(user, { text: '/lesson' });
    expect(textsTo(user.id).at(-1)).toContain('suspended');
    await adminSays(`/unblock ${telegramId}`);
    await send(user, { text: '/progress' });
    expect(textsTo(user.id).at(-1)).toContain('PREMIUM');

    await adminSays('/stats');
    expect(lastDesk()).toMatch(/Students by stage and tariff:[\s\S]*PREMIUM[\s\S]*Assignments waiting for review: \d+/);
    await adminSays(`/revoke ${telegramId} ${adminSlug}`);
    expect(await handle.result()).toMatchObject({ stage: 'refunded' });
    const audit = await p.db.sql`select action from admin_actions where target = ${`user:${telegramId}`} order by id`;
    expect(audit.map((a) => a.action)).toEqual(['grant', 'move', 'block', 'unblock', 'revoke']);
  });

  it('routes a question about a lesson to the curators and the answer back', async () => {
    const { user, handle } = await enrolledStudent('FEEDBACK');
    const task = p.telegram.sent(user.id).find((m) => JSON.stringify(m.replyMarkup ?? {}).includes(`ask:${slug}:1`));
    expect(task?.text).toContain('explain it');
    await press(user, `ask:${slug}:1`);
    await send(user, { text: 'Why 5-7-5 syllables?' });
    expect(textsTo(user.id).at(-1)).toContain('with the curators');
    const copied = await p.telegram.waitFor(() =>
      p.telegram.sent(ADMIN_CHAT_ID).find((m) => m.text === 'Why 5-7-5 syllables?'),
    );
    expect(textsTo(ADMIN_CHAT_ID).at(-2)).toMatch(/Question from Kim · FEEDBACK · day 1/);

    await send(STRANGER, { chatId: ADMIN_CHAT_ID, text: 'No idea', replyToMessageId: copied.messageId });
    expect(textsTo(ADMIN_CHAT_ID).at(-1)).toMatch(/Only reviewers/);
    await send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: 'Tradition, mostly.', replyToMessageId: copied.messageId });
    expect(textsTo(user.id).slice(-2)).toEqual(['💬 Your curator answers:', 'Tradition, mostly.']);
    expect(textsTo(ADMIN_CHAT_ID).at(-1)).toContain('Answer sent');
    await handle.terminate('test done');
  });
});
