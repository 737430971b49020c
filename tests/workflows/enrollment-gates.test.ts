import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminOps } from '../../journey/admin-ops';
import { assignmentSubmittedSignal, progressQuery } from '../../journey/definitions';
import type { EnrollmentInput } from '../../journey/definitions';
import type { Tariff } from '../../domain/tariffs';
import { REVIEWER, startCourseBot } from '../helpers/course-bot';
import type { CourseBotDriver } from '../helpers/course-bot';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { storedSubmission } from '../helpers/journey';
import { ADMIN_CHAT_ID, eventually, searchAttributesOf, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';
import { searchAttributes } from '../../journey/definitions';

/** Lesson gates (#17) on the real dev server: what opens a gate, what keeps it closed, and who sees it. */
describe('lesson gates', () => {
  let platform: Platform;
  let bot: CourseBotDriver;
  let courseSlug: string;
  const reviewer = { telegramId: REVIEWER.id, via: 'review-chat' as const };

  beforeAll(async () => {
    platform = await startPlatform();
    bot = await startCourseBot(platform);
    courseSlug = platform.slug('gated');
    // Lesson 2 is due 1.5 s after lesson 1: every wait below outlasts it, so only the gate holds lesson 2 back.
    await insertCourse(platform.db.sql, {
      slug: courseSlug,
      intervalMs: 1_500,
      lessons: [{ day: 1, gate: 'approved' }, { day: 2 }],
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await platform?.close();
  });

  const ops = () => createAdminOps({ sql: platform.db.sql, enrollments: platform.temporal.enrollments });

  async function studentAtGate(tariff: Tariff) {
    const { userId, telegramId } = await insertUser(platform.db.sql);
    const input: EnrollmentInput = { userId, courseSlug };
    const handle = platform.temporal.enrollments.handle(input);
    await platform.temporal.enrollments.pay(input, payment(tariff));
    const progress = await eventually(
      () => handle.query(progressQuery),
      (p) => Boolean(p.gate),
    );
    return { input, telegramId, handle, progress };
  }

  /** Lesson 2 is still held back, checked after something happened (a verdict delivered), not after a sleep. */
  async function expectHeldBack(handle: ReturnType<Platform['temporal']['enrollments']['handle']>) {
    const progress = await handle.query(progressQuery);
    expect(progress.lessonsDelivered).toEqual([1]);
    expect(progress.nextLessonDueAt).toBeNull();
    return progress;
  }

  it('keeps an approved gate closed through a request for changes, opens it on approval, and shows it meanwhile', async () => {
    const { input, telegramId, handle, progress } = await studentAtGate('FEEDBACK');
    expect(progress.gate).toEqual({ day: 1, gate: 'approved' });
    expect(progress.lessonsDelivered).toEqual([1]);
    expect(await searchAttributesOf(platform, input)).toMatchObject({ day: 1 });
    expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.gate)).toBe('approved');
    await bot.send({ id: telegramId, first_name: 'Ada' }, { text: '/progress' });
    expect(bot.textsTo(telegramId).at(-1)).toBe(
      `Course ${courseSlug}\nDay 1 of 2 · FEEDBACK · active\n🔒 The next lesson comes once your curator approves your day 1 assignment.`,
    );

    await handle.signal(assignmentSubmittedSignal, await storedSubmission(platform.db.sql, input, 1, 'First try'));
    const first = await eventually(
      () => handle.query(progressQuery),
      (p) => p.assignments[0]?.status === 'awaiting-review',
    );
    const assignmentId = first.assignments[0]!.id;
    await ops().answerAssignment(reviewer, {
      assignmentId,
      reviewerTelegramId: REVIEWER.id,
      parts: [],
      verdict: 'changes-requested',
    });
    await eventually(
      () => handle.query(progressQuery),
      (p) => p.assignments[0]?.status === 'changes-requested',
    );
    expect((await expectHeldBack(handle)).gate).toEqual({ day: 1, gate: 'approved' });

    await handle.signal(assignmentSubmittedSignal, await storedSubmission(platform.db.sql, input, 1, 'Second try'));
    const second = await eventually(
      () => handle.query(progressQuery),
      (p) => p.assignments[1]?.status === 'awaiting-review',
    );
    await ops().answerAssignment(reviewer, {
      assignmentId: second.assignments[1]!.id,
      reviewerTelegramId: REVIEWER.id,
      parts: [],
      verdict: 'approved',
    });
    expect(await handle.result()).toEqual({ stage: 'completed', lessonsDelivered: [1, 2] });
    expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.gate)).toBeUndefined();
    await saveHistoryIfCapturing(handle, 'gated-approval');
  });

  it('asks a BASIC student, whom nobody reviews, only to hand the homework in', async () => {
    const { input, handle, progress } = await studentAtGate('BASIC');
    expect(progress.gate).toEqual({ day: 1, gate: 'submitted' });
    await handle.signal(assignmentSubmittedSignal, await storedSubmission(platform.db.sql, input, 1));
    expect(await handle.result()).toEqual({ stage: 'completed', lessonsDelivered: [1, 2] });
  });

  it('lets a reviewer open a gate by hand from the review chat, and audits it', async () => {
    const { handle, telegramId } = await studentAtGate('PREMIUM');
    await bot.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: `/opengate ${telegramId}` });
    expect(bot.textsTo(ADMIN_CHAT_ID).at(-1)).toBe(
      `🔓 ${telegramId} passes the gate of day 1 in ${courseSlug}; the next lesson comes at their lesson time.`,
    );
    expect(await handle.result()).toEqual({ stage: 'completed', lessonsDelivered: [1, 2] });
    const audit = await platform.db.sql<{ adminTelegramId: number; action: string; details: unknown }[]>`
      select admin_telegram_id, action, details from admin_actions where target = ${`user:${telegramId}`}`;
    expect(audit).toEqual([
      {
        adminTelegramId: REVIEWER.id,
        action: 'open-gate',
        details: { course: courseSlug, day: 1, gate: 'approved', via: 'review-chat' },
      },
    ]);

    // Nothing to open once the journey is past the gate: the reviewer is told, and nothing is audited.
    await bot.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: `/opengate ${telegramId}` });
    expect(bot.textsTo(ADMIN_CHAT_ID).at(-1)).toBe(`${telegramId} is not waiting at a gate in ${courseSlug}.`);
  });
});
