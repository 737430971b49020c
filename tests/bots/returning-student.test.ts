import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importCourses } from '../../content/catalog';
import { progressQuery } from '../../journey/definitions';
import { freePort } from '../../lib/ports';
import type { SalesRuntime } from '../../apps/sales-runtime';
import type { TgUser } from '../../testing/bot-api';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { enrollmentRows, lessonArrivals } from '../helpers/journey';
import { ADMIN_CHAT_ID, COURSE_TOKEN, SALES_TOKEN, eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';
import { allowedUpdatesOf, runtimeEnv, startCourseRuntimeOn, startSalesRuntimeOn } from '../helpers/runtime';

const INTERVAL_MS = 4_000;
const REVIEWER: TgUser = { id: 42, first_name: 'Rita' }; // REVIEWER_IDS in runtimeEnv

/**
 * A student who blocked the bot and comes back is resumed through the bots as `npm run course` / `npm run sales` run
 * them (long polling the stand-in, which sends my_chat_member on block and unblock as Telegram does): the missed
 * message arrives at once, the stage is active again and the next lesson keeps its time.
 */
describe('a returning student resumes', () => {
  let p: Platform;
  let slug: string;
  let sales: SalesRuntime;
  let stopCourse: () => Promise<void>;
  const log: string[] = [];
  beforeAll(async () => {
    p = await startPlatform();
    await importCourses(p.db.sql);
    slug = p.slug('returns');
    await insertCourse(p.db.sql, {
      slug,
      intervalMs: INTERVAL_MS,
      lessons: [1, 2, 3].map((day) => ({ day, tasks: {} })),
    });
    const env = runtimeEnv(p, await freePort());
    sales = await startSalesRuntimeOn(p, env, (line) => log.push(line));
    const course = await startCourseRuntimeOn(p, env, { salesBot: sales.username, log: (line) => log.push(line) });
    stopCourse = () => course.stop();
  });
  afterAll(async () => {
    await stopCourse?.();
    await sales?.stop();
    await p?.close();
  });
  afterEach(() => expect(log.filter((line) => /update \d+ failed/.test(line))).toEqual([]));

  const refused = (chatId: number) =>
    p.telegram.calls().filter((c) => Number(c.params.chat_id) === chatId && c.errorCode === 403);
  const arrivalOf = (chatId: number, day: number) =>
    p.telegram.waitFor(() => lessonArrivals(p, chatId).get(day)?.[0], { what: `lesson ${day} in chat ${chatId}` });

  /** Paid BASIC student who got lesson 1, then blocked `blockedBot`; lesson 2 fell due and was refused (403). */
  async function blockedStudent(blockedBot = COURSE_TOKEN) {
    const { userId, telegramId } = await insertUser(p.db.sql);
    const user: TgUser = { id: telegramId, first_name: 'Ada', language_code: 'en' };
    const input = { userId, courseSlug: slug };
    const handle = p.temporal.enrollments.handle(input);
    if (blockedBot === SALES_TOKEN) p.telegram.blockUser(telegramId, SALES_TOKEN);
    await p.temporal.enrollments.pay(input, payment('BASIC'));
    if (blockedBot === COURSE_TOKEN) {
      await arrivalOf(telegramId, 1);
      p.telegram.blockUser(telegramId, COURSE_TOKEN);
    }
    const blocked = await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.stage === 'blocked',
    );
    expect(blocked.lessonsDelivered).toEqual(blockedBot === COURSE_TOKEN ? [1] : []);
    await eventually(
      () => enrollmentRows(p.db.sql, input),
      (rows) => rows?.enrollment.stage === 'blocked',
    );
    expect(refused(telegramId)).toHaveLength(1);
    return { user, input, handle };
  }

  /** The missed lesson 2 came at once, the stage is active again, lesson 3 came at its own time; nothing twice. */
  async function expectResumed(
    student: Awaited<ReturnType<typeof blockedStudent>>,
    returnedAt: number,
    withinMs = 2_000,
  ) {
    const chatId = student.user.id;
    expect(await arrivalOf(chatId, 2)).toBeLessThan(returnedAt + withinMs);
    const progress = await eventually(
      () => student.handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(2) && pr.stage === 'active',
    );
    expect((await enrollmentRows(p.db.sql, student.input))?.enrollment).toMatchObject({
      stage: 'active',
      stageReason: null,
    });
    const third = await arrivalOf(chatId, 3);
    expect(Math.abs(third - (progress.startedAt! + 2 * INTERVAL_MS))).toBeLessThan(1_000);
    for (const times of lessonArrivals(p, chatId).values()) expect(times).toHaveLength(1);
    expect(refused(chatId)).toHaveLength(1);
  }

  it('resumes when the student unblocks the course bot (my_chat_member kicked → member)', async () => {
    const student = await blockedStudent();
    const returnedAt = Date.now();
    p.telegram.unblockUser(student.user.id, COURSE_TOKEN);
    await expectResumed(student, returnedAt);
  });

  it('resumes when the return overtakes the 403: the refusal is still on its way and Postgres says active', async () => {
    const { userId, telegramId } = await insertUser(p.db.sql);
    const user: TgUser = { id: telegramId, first_name: 'Ada', language_code: 'en' };
    const input = { userId, courseSlug: slug };
    const handle = p.temporal.enrollments.handle(input);
    await p.temporal.enrollments.pay(input, payment('BASIC'));
    await arrivalOf(telegramId, 1);
    p.telegram.blockUser(telegramId, COURSE_TOKEN);
    // Telegram refuses lesson 2 at once, but its answer takes 2.5 s to reach the worker.
    const lateBy = 2_500;
    p.telegram.slowNext({ bot: COURSE_TOKEN, chatId: telegramId, delayMs: lateBy, lateAnswer: true });
    await p.telegram.waitFor(() => refused(telegramId)[0], { what: 'the 403 for lesson 2' });
    expect((await enrollmentRows(p.db.sql, input))?.enrollment.stage).toBe('active');
    const returnedAt = Date.now();
    p.telegram.unblockUser(telegramId, COURSE_TOKEN);
    await expectResumed({ user, input, handle }, returnedAt, lateBy + 2_000);
    if (process.env.CAPTURE_HISTORIES === '1') await handle.result();
    await saveHistoryIfCapturing(handle, 'return-overtakes-refusal');
  });

  it('resumes when a blocked student just writes /start to the course bot', async () => {
    const student = await blockedStudent();
    // Telegram's unblock update never came (a bot that did not ask for my_chat_member): the message alone counts.
    p.telegram.unblockUser(student.user.id, COURSE_TOKEN);
    const queued = p.telegram.pendingUpdates(COURSE_TOKEN);
    queued.splice(0, queued.length, ...queued.filter((update) => !update.my_chat_member));
    const returnedAt = Date.now();
    p.telegram.sendUserMessage({ botToken: COURSE_TOKEN, from: student.user, text: '/start' });
    await expectResumed(student, returnedAt);
  });

  it('resumes on a reviewer’s /unblock', async () => {
    const student = await blockedStudent();
    const desk = (text: string) =>
      p.telegram.sendUserMessage({ botToken: COURSE_TOKEN, from: REVIEWER, chatId: ADMIN_CHAT_ID, text });
    // While ops hold the student (/block), their own return is not acted on: only the reviewer's /unblock resumes.
    desk(`/block ${student.user.id}`);
    await p.telegram.waitFor(() => p.telegram.sent(ADMIN_CHAT_ID).find((m) => m.text?.startsWith('⛔')));
    p.telegram.unblockUser(student.user.id, COURSE_TOKEN);
    await p.telegram.waitUntilHandled(COURSE_TOKEN);
    expect(lessonArrivals(p, student.user.id).get(2)).toBeUndefined();
    expect((await student.handle.query(progressQuery)).stage).toBe('blocked');

    const returnedAt = Date.now();
    desk(`/unblock ${student.user.id}`);
    await p.telegram.waitFor(() => p.telegram.sent(ADMIN_CHAT_ID).find((m) => m.text?.includes('resumed')));
    await expectResumed(student, returnedAt);
  });

  it('resumes when the student unblocks the sales bot that sends the welcome, and the course starts then', async () => {
    const student = await blockedStudent(SALES_TOKEN);
    // Away for longer than an interval: lessons 1 and 2 would both be overdue on the schedule of the payment.
    const { startedAt } = await student.handle.query(progressQuery);
    await new Promise((resolve) => setTimeout(resolve, startedAt! + 1.5 * INTERVAL_MS - Date.now()));
    const returnedAt = Date.now();
    p.telegram.unblockUser(student.user.id, SALES_TOKEN);
    const welcome = await p.telegram.waitFor(() =>
      p.telegram.sent(student.user.id, { bot: SALES_TOKEN }).find((m) => m.text?.includes('Payment received')),
    );
    expect(welcome.at).toBeLessThan(returnedAt + 2_000);
    const first = await arrivalOf(student.user.id, 1);
    expect(first).toBeLessThan(returnedAt + 3_000);
    await eventually(
      () => student.handle.query(progressQuery),
      (pr) => pr.stage === 'active' && pr.lessonsDelivered.includes(1),
    );
    // No catch-up burst: lesson 2 keeps the interval from lesson 1.
    expect(await arrivalOf(student.user.id, 2)).toBeGreaterThan(first + INTERVAL_MS - 1_000);
    expect(refused(student.user.id)).toHaveLength(1);
    if (process.env.CAPTURE_HISTORIES === '1') await student.handle.result();
    await saveHistoryIfCapturing(student.handle, 'returned-at-welcome-local');
  });

  it('has both bots polling for my_chat_member', async () => {
    // A long poll is recorded once answered; both bots have had updates by now.
    for (const token of [SALES_TOKEN, COURSE_TOKEN]) {
      const poll = await p.telegram.waitFor(() => p.telegram.calls('getUpdates').find((c) => c.token === token));
      expect(allowedUpdatesOf(poll.params), token).toContain('my_chat_member');
    }
    // The course bot also hears the students' answers to lesson quizzes (#17).
    const coursePoll = p.telegram.calls('getUpdates').find((c) => c.token === COURSE_TOKEN);
    expect(allowedUpdatesOf(coursePoll?.params)).toContain('poll_answer');
  });
});
