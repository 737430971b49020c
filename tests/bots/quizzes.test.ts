import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery } from '../../journey/definitions';
import type { EnrollmentInput } from '../../journey/definitions';
import { REVIEWER, startCourseBot } from '../helpers/course-bot';
import type { CourseBotDriver } from '../helpers/course-bot';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { addQuiz, answerQuiz, quizPolls, TWO_QUESTIONS } from '../helpers/quizzes';
import { ADMIN_CHAT_ID, COURSE_TOKEN, eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

/** Lesson quizzes (#17) on the real dev server, answered through the Bot API stand-in to the real course bot. */
describe('lesson quizzes', () => {
  let platform: Platform;
  let bot: CourseBotDriver;
  let courseSlug: string;

  beforeAll(async () => {
    platform = await startPlatform();
    bot = await startCourseBot(platform);
    courseSlug = platform.slug('quiz');
    // Lesson 2 is due 1.5 s after lesson 1: every wait below outlasts it, so only the quiz holds lesson 2 back.
    await insertCourse(platform.db.sql, { slug: courseSlug, intervalMs: 1_500, lessons: [{ day: 1 }, { day: 2 }] });
    await addQuiz(platform.db.sql, courseSlug, 1, { ...TWO_QUESTIONS, attempts: 1 });
  });
  afterAll(async () => {
    await bot?.stop();
    await platform?.close();
  });

  async function studentWithQuiz() {
    const { userId, telegramId } = await insertUser(platform.db.sql);
    const input: EnrollmentInput = { userId, courseSlug };
    const handle = platform.temporal.enrollments.handle(input);
    await platform.temporal.enrollments.pay(input, payment('BASIC'));
    const polls = await quizPolls(platform.db.sql, { telegramId, day: 1, attempt: 1, questions: 2 });
    const atGate = await eventually(
      () => handle.query(progressQuery),
      (p) => Boolean(p.gate),
    );
    return { input, telegramId, student: { id: telegramId, first_name: 'Ada' }, handle, polls, atGate };
  }

  const answers = (telegramId: number) => platform.db.sql<{ question: number; answeredOption: number | null }[]>`
    select p.question, p.answered_option from quiz_polls p join enrollments e on e.id = p.enrollment_id
    join users u on u.id = e.user_id where u.telegram_id = ${telegramId} order by p.question`;

  it('sends the quiz as quiz polls after the lesson, records each answer once, and a pass opens the next lesson', async () => {
    const { telegramId, student, handle, polls, atGate } = await studentWithQuiz();
    expect(atGate).toMatchObject({ lessonsDelivered: [1], gate: { day: 1, gate: 'quiz' }, nextLessonDueAt: null });
    const sent = platform.telegram.sent(telegramId);
    expect(sent.map((m) => m.text ?? `[${m.kind}]`).slice(-3)).toEqual([
      '🧩 Day 1 quiz: 2 questions; 2 right answers open the next lesson.',
      '[poll]',
      '[poll]',
    ]);
    expect(sent.slice(-2).map((m) => m.params)).toEqual([
      expect.objectContaining({ type: 'quiz', is_anonymous: false, correct_option_ids: [1] }),
      expect.objectContaining({ type: 'quiz', is_anonymous: false, correct_option_ids: [0] }),
    ]);
    expect(sent.at(-2)?.poll).toMatchObject({
      question: TWO_QUESTIONS.questions[0]!.question,
      options: ['message', 'poll_answer', 'callback_query'],
      explanation: 'Non-anonymous polls report each answer as poll_answer.',
    });
    await bot.send(student, { text: '/progress' });
    expect(bot.textsTo(telegramId).at(-1)).toBe(
      `Course ${courseSlug}\nDay 1 of 2 · BASIC · active\n🔒 The next lesson comes once you pass the day 1 quiz.\n• Quiz day 1: 0 of 2 answered`,
    );

    // The first answer, then the same update delivered again, a hand-made answer to a poll the bot never sent, and
    // someone else's answer to the student's second poll: only the first changes anything.
    await answerQuiz(platform.telegram, student, polls.slice(0, 1), [true]);
    const first = { poll_id: polls[0]!.pollId, user: { id: telegramId, is_bot: false, first_name: 'Ada' } };
    platform.telegram.deliverRawUpdate(COURSE_TOKEN, {
      poll_answer: { ...first, option_ids: [0], option_persistent_ids: ['0'] },
    });
    platform.telegram.deliverRawUpdate(COURSE_TOKEN, {
      poll_answer: { ...first, poll_id: '999', option_ids: [1], option_persistent_ids: ['1'] },
    });
    platform.telegram.deliverRawUpdate(COURSE_TOKEN, {
      poll_answer: {
        poll_id: polls[1]!.pollId,
        user: { id: telegramId + 1, is_bot: false, first_name: 'Eve' },
        option_ids: [0],
        option_persistent_ids: ['0'],
      },
    });
    // (Telegram's apps would not even let Eve see the poll.)
    expect(() =>
      platform.telegram.answerPoll({
        botToken: COURSE_TOKEN,
        from: { id: telegramId + 1, first_name: 'Eve' },
        pollId: polls[1]!.pollId,
        optionIds: [0],
      }),
    ).toThrow(/cannot see/);
    await platform.telegram.waitUntilHandled(COURSE_TOKEN);
    expect(await answers(telegramId)).toEqual([
      { question: 0, answeredOption: 1 },
      { question: 1, answeredOption: null },
    ]);
    expect(bot.log).toEqual([]);
    expect((await handle.query(progressQuery)).lessonsDelivered).toEqual([1]);

    await answerQuiz(platform.telegram, student, polls.slice(1), [true]);
    expect(await handle.result()).toEqual({ stage: 'completed', lessonsDelivered: [1, 2] });
    expect(bot.textsTo(telegramId)).toContain('✅ Day 1 quiz: 2/2. Passed!');
    await bot.send(student, { text: '/progress' });
    expect(bot.textsTo(telegramId).at(-1)).toMatch(/\n• Quiz day 1: 2\/2 ✅$/);
    await saveHistoryIfCapturing(handle, 'quiz-passed');
  });

  it('keeps the next lesson back after a failed last attempt, says so, and a reviewer can open it', async () => {
    const { telegramId, student, handle, polls } = await studentWithQuiz();
    await answerQuiz(platform.telegram, student, polls, [true, false]);
    expect(bot.textsTo(telegramId)).toContain(
      '❌ Day 1 quiz: 1/2; 2 were needed and no attempts are left. Your curator can open the next lesson for you.',
    );
    await bot.send(student, { text: '/progress' });
    expect(bot.textsTo(telegramId).at(-1)).toBe(
      `Course ${courseSlug}\nDay 1 of 2 · BASIC · active\n🔒 No attempts left at the day 1 quiz: your curator can open the next lesson for you.\n• Quiz day 1: 1/2 ❌`,
    );
    const progress = await handle.query(progressQuery);
    expect(progress).toMatchObject({ lessonsDelivered: [1], gate: { day: 1, gate: 'quiz' } });

    // The reviewer sees which question students miss: the second, by one of the two students so far.
    await bot.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: '/stats' });
    const stats = bot.textsTo(ADMIN_CHAT_ID).at(-1) ?? '';
    expect(stats).toContain('🧩 Quiz questions, right answers of all answers (worst first):');
    expect(stats).toContain(`• ${courseSlug} day 1 Q2: 1/2 (50%) Can a student change a quiz answer?`);
    expect(stats).toContain(`• ${courseSlug} day 1 Q1: 2/2 (100%) Which update tells a bot`);

    await bot.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: `/opengate ${telegramId}` });
    expect(await handle.result()).toEqual({ stage: 'completed', lessonsDelivered: [1, 2] });
  });

  it('holds nothing back when the quiz leaves the course after the journey planned it', async () => {
    const slug = platform.slug('quiz-removed');
    await insertCourse(platform.db.sql, { slug, intervalMs: 1_500, lessons: [{ day: 1 }, { day: 2 }, { day: 3 }] });
    await addQuiz(platform.db.sql, slug, 2);
    const { userId, telegramId } = await insertUser(platform.db.sql);
    const input: EnrollmentInput = { userId, courseSlug: slug };
    const handle = platform.temporal.enrollments.handle(input);
    await platform.temporal.enrollments.pay(input, payment('BASIC'));
    await eventually(
      () => handle.query(progressQuery),
      (p) => p.lessonsDelivered.includes(1),
    );
    await platform.db
      .sql`update lessons set quiz = null where day = 2 and course_id = (select id from courses where slug = ${slug})`;
    expect(await handle.result()).toEqual({ stage: 'completed', lessonsDelivered: [1, 2, 3] });
    expect(platform.telegram.sent(telegramId).filter((m) => m.kind === 'poll')).toEqual([]);
  });
});
