import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourseBot } from '../../bots/course';
import { addDays, DAY_MS, localDateOf, zonedTimeToInstant } from '../../domain/schedule';
import { progressQuery } from '../../journey/definitions';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { addQuiz, answerQuiz, quizPolls } from '../helpers/quizzes';
import { ADMIN_CHAT_ID, COURSE_TOKEN, eventually } from '../helpers/platform';
import { useTimeSkipping } from '../helpers/time-skipping';

const HOUR_MS = 3_600_000;

/** A quiz with a pass mark on a real 24-hour schedule: retakes hours apart, run in seconds by the time-skipping server. */
describe('a lesson quiz on a 24-hour schedule (time-skipping server)', () => {
  const ts = useTimeSkipping('quizzes-time-skipping');
  let bot: ReturnType<typeof createCourseBot>;
  let polling: Promise<void>;
  const courseSlug = `quiz-${randomUUID().slice(0, 8)}`;
  const student = { timeZone: 'America/New_York', preferredLessonTime: '07:30' };

  beforeAll(async () => {
    // The real course bot hears the answers and signals the journeys through the time-skipping server.
    bot = createCourseBot(
      COURSE_TOKEN,
      {
        sql: ts.db.sql,
        enrollments: ts.enrollments,
        settings: { adminChatId: ADMIN_CHAT_ID, reviewerIds: [], salesBot: '@sales' },
      },
      { apiRoot: ts.telegram.apiRoot },
    );
    await bot.init();
    polling = bot.start({ timeout: 1 });
    // Only lesson 1 has a task and the quiz (two questions, both right to pass, a retake 12 hours after a miss,
    // two attempts in all); lessons 2 and 3 have no task, so no reminder fires as the journey ends.
    await insertCourse(ts.db.sql, {
      slug: courseSlug,
      intervalMs: DAY_MS,
      feedbackWaitMs: DAY_MS,
      lessons: [{ day: 1 }, { day: 2, tasks: {} }, { day: 3, tasks: {} }],
    });
    await addQuiz(ts.db.sql, courseSlug, 1);
  });
  afterAll(async () => {
    await bot?.stop();
    await polling;
  });

  async function paidStudent() {
    const { userId, telegramId } = await insertUser(ts.db.sql, student);
    const input = { userId, courseSlug };
    await ts.enrollments.pay(input, payment('BASIC'));
    return { input, telegramId, from: { id: telegramId, first_name: 'Ada' }, handle: ts.enrollments.handle(input) };
  }
  const lessonTime = (instant: number, days: number) =>
    zonedTimeToInstant(addDays(localDateOf(instant, student.timeZone), days), '07:30', student.timeZone);
  const attemptSent = async (telegramId: number, attempt: number) =>
    (
      await ts.db
        .sql`select 1 from quiz_polls p join enrollments e on e.id = p.enrollment_id join users u on u.id = e.user_id
                   where u.telegram_id = ${telegramId} and p.attempt = ${attempt}`
    ).length > 0;

  it('retakes a failed quiz 12 hours later; the pass opens lesson 2 at the next lesson time', async () => {
    const { telegramId, from, handle } = await paidStudent();
    const { result, passedAt, promised } = await ts.runWorker(async () => {
      await answerQuiz(
        ts.telegram,
        from,
        await quizPolls(ts.db.sql, { telegramId, day: 1, attempt: 1, questions: 2 }),
        [true, false],
      );
      expect(ts.telegram.sent(telegramId).at(-1)?.text).toBe(
        '❌ Day 1 quiz: 1/2; 2 open the next lesson. You can retake it in 12 h: it comes here.',
      );
      await ts.env.sleep(11 * HOUR_MS);
      expect(await attemptSent(telegramId, 2)).toBe(false);
      await ts.env.sleep(2 * HOUR_MS);
      const retake = await quizPolls(ts.db.sql, { telegramId, day: 1, attempt: 2, questions: 2 });
      expect(ts.telegram.sent(telegramId).map((m) => m.text)).toContain(
        '🧩 Day 1 quiz: 2 questions; 2 right answers open the next lesson. Attempt 2 of 2.',
      );
      // A day later lesson 2 is overdue and still waits for the quiz.
      await ts.env.sleep(DAY_MS);
      expect(await handle.query(progressQuery)).toMatchObject({
        lessonsDelivered: [1],
        gate: { day: 1, gate: 'quiz' },
        nextLessonDueAt: null,
      });
      const passedAt = await ts.env.currentTimeMs();
      await answerQuiz(ts.telegram, from, retake, [true, true]);
      const freed = await eventually(
        () => handle.query(progressQuery),
        (p) => p.gate === null && p.nextLessonDueAt !== null,
      );
      expect(freed.lessonsDelivered).toEqual([1]);
      return { result: await handle.result(), passedAt, promised: freed.nextLessonDueAt };
    });
    expect(promised).toBe([0, 1].map((d) => lessonTime(passedAt, d)).find((t) => t > passedAt));
    expect(result).toEqual({ stage: 'completed', lessonsDelivered: [1, 2, 3] });
    expect(ts.telegram.sent(telegramId).map((m) => m.text)).toContain('✅ Day 1 quiz: 2/2. Passed!');
    await saveHistoryIfCapturing(handle, 'quiz-retake');
  });

  it('keeps lesson 2 back for days once the attempts are used up', async () => {
    const { telegramId, from, handle } = await paidStudent();
    await ts.runWorker(async () => {
      await answerQuiz(
        ts.telegram,
        from,
        await quizPolls(ts.db.sql, { telegramId, day: 1, attempt: 1, questions: 2 }),
        [false, false],
      );
      await ts.env.sleep(13 * HOUR_MS);
      await answerQuiz(
        ts.telegram,
        from,
        await quizPolls(ts.db.sql, { telegramId, day: 1, attempt: 2, questions: 2 }),
        [true, false],
      );
      await ts.env.sleep(3 * DAY_MS);
      expect(await attemptSent(telegramId, 3)).toBe(false);
      expect(await handle.query(progressQuery)).toMatchObject({
        lessonsDelivered: [1],
        gate: { day: 1, gate: 'quiz' },
      });
      ts.telegram.sendUserMessage({ botToken: COURSE_TOKEN, from, text: '/progress' });
      await ts.telegram.waitUntilHandled(COURSE_TOKEN);
      expect(ts.telegram.sent(telegramId).at(-1)?.text).toContain(
        '🔒 No attempts left at the day 1 quiz: your curator can open the next lesson for you.\n• Quiz day 1: 1/2 ❌',
      );
      await handle.terminate('test over');
    });
  });
});
