import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTelegramBots } from '../../activities';
import { createEnrollmentWorker } from '../../apps/enrollment-worker';
import type { CohortPolicy } from '../../domain/cohorts';
import { addDays, DAY_MS, localDateOf, zonedTimeToInstant } from '../../domain/schedule';
import { registerSearchAttributes } from '../../infra/search-attributes';
import { enrollmentClient } from '../../journey/client';
import { progressQuery, searchAttributes } from '../../journey/definitions';
import { startBotApiStandIn } from '../../testing/bot-api';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { ADMIN_CHAT_ID, COURSE_TOKEN, eventually, SALES_TOKEN } from '../helpers/platform';

const MINUTE = 60_000;
const student = { timeZone: 'Asia/Yekaterinburg', preferredLessonTime: '07:30' };

/** Cohorts on a real 24-hour schedule: days before the start and after it, run in seconds by the time-skipping server. */
describe('a course in cohorts (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let telegram: Awaited<ReturnType<typeof startBotApiStandIn>>;
  let enrollments: ReturnType<typeof enrollmentClient>;
  const taskQueue = `cohorts-time-skipping-${randomUUID()}`;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
    });
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
    db = await createTestDatabase();
    telegram = await startBotApiStandIn({ port: 0, rateLimits: false });
    enrollments = enrollmentClient(env.client, taskQueue);
  });
  afterAll(async () => {
    await env?.teardown();
    await telegram?.stop();
    await db?.drop();
  });

  async function runWorker<T>(body: () => Promise<T>): Promise<T> {
    const worker = await createEnrollmentWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      payloadKeys: [], // the time-skipping environment's client has no codec
      workflowBundlePath: inject('workflowBundlePath'),
      sql: db.sql,
      telegram: createTelegramBots({ salesToken: SALES_TOKEN, courseToken: COURSE_TOKEN, apiRoot: telegram.apiRoot }),
      adminChatId: ADMIN_CHAT_ID,
    });
    return worker.runUntil(body);
  }

  /** 07:30 in the student's zone, `days` after the local date of `instant`. */
  const lessonTime = (instant: number, days: number) =>
    zonedTimeToInstant(addDays(localDateOf(instant, student.timeZone), days), '07:30', student.timeZone);
  const isoDate = (instant: number, days: number) => {
    const { year, month, day } = addDays(localDateOf(instant, student.timeZone), days);
    return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  };

  /** A course of `lessons` daily lessons whose one cohort starts `startsIn` days from today (negative: it began). */
  async function cohortCourse(policy: CohortPolicy, startsIn: number, lessons: number) {
    const courseSlug = `cohort-${randomUUID().slice(0, 8)}`;
    const now = await env.currentTimeMs();
    const startsOn = isoDate(now, startsIn);
    await insertCourse(db.sql, {
      slug: courseSlug,
      intervalMs: DAY_MS,
      feedbackWaitMs: DAY_MS,
      cohorts: { policy, catchUpEveryMs: 5 * MINUTE, starts: [{ name: 'march', startsOn }] },
      lessons: Array.from({ length: lessons }, (_, i) => ({ day: i + 1, tasks: {} })),
    });
    const { userId, telegramId } = await insertUser(db.sql, student);
    const input = { userId, courseSlug };
    return { input, telegramId, startsOn, handle: enrollments.handle(input) };
  }

  it('gives an early buyer the welcome now and day 1 at their lesson time on the start day', async () => {
    const { input, telegramId, startsOn, handle } = await cohortCourse('catch-up', 3, 2);
    const { paidAt, waiting, cohortAttribute } = await runWorker(async () => {
      await enrollments.pay(input, payment('BASIC'));
      const paidAt = await env.currentTimeMs();
      // Access (the welcome) comes at once; the journey then waits for the cohort with no lesson sent.
      const waiting = await eventually(
        () => handle.query(progressQuery),
        (p) => p.stage === 'active' && p.nextLessonDueAt !== null,
      );
      const cohortAttribute = (await handle.describe()).typedSearchAttributes.get(searchAttributes.cohort);
      expect(await handle.result()).toEqual({ stage: 'completed', lessonsDelivered: [1, 2] });
      return { paidAt, waiting, cohortAttribute };
    });
    expect(waiting).toMatchObject({ lessonsDelivered: [], cohort: { name: 'march', startsOn } });
    expect(waiting.nextLessonDueAt).toBe(lessonTime(paidAt, 3));
    expect(cohortAttribute).toBe('march');
    const at = await lessonScheduledAt(handle);
    expect(at.get(1)).toBeGreaterThanOrEqual(lessonTime(paidAt, 3));
    expect(at.get(1)).toBeLessThan(lessonTime(paidAt, 3) + MINUTE);
    expect(at.get(2)).toBeGreaterThanOrEqual(lessonTime(paidAt, 4));
    expect(at.get(2)).toBeLessThan(lessonTime(paidAt, 4) + MINUTE);
    expect(telegram.sent(telegramId).filter((m) => m.text?.includes('Body of lesson'))).toHaveLength(2);
    await saveHistoryIfCapturing(handle, 'cohort-early-buyer');
  });

  it('catches a late joiner up, one missed lesson per five minutes, then the common rhythm', async () => {
    // The cohort began two days ago: lessons 1 and 2 are behind it, and lesson 3 too once today's 07:30 has passed.
    const { input, handle } = await cohortCourse('catch-up', -2, 5);
    const { paidAt, result } = await runWorker(async () => {
      await enrollments.pay(input, payment('BASIC'));
      const paidAt = await env.currentTimeMs();
      return { paidAt, result: await handle.result() };
    });
    expect(result).toEqual({ stage: 'completed', lessonsDelivered: [1, 2, 3, 4, 5] });
    const at = await lessonScheduledAt(handle);
    const missed = [1, 2, 3, 4, 5].filter((day) => lessonTime(paidAt, day - 3) < paidAt);
    expect(missed.length).toBeGreaterThanOrEqual(2);
    for (const day of [1, 2, 3, 4, 5]) {
      const expected = missed.includes(day) ? paidAt + (day - 1) * 5 * MINUTE : lessonTime(paidAt, day - 3);
      expect(at.get(day), `lesson ${day}`).toBeGreaterThanOrEqual(expected - 1_000);
      expect(at.get(day), `lesson ${day}`).toBeLessThan(expected + MINUTE);
    }
  });

  it("gives a from-today joiner the cohort's latest lesson at once and never the ones before it", async () => {
    const { input, telegramId, handle } = await cohortCourse('from-today', -2, 5);
    const { paidAt, result } = await runWorker(async () => {
      await enrollments.pay(input, payment('BASIC'));
      const paidAt = await env.currentTimeMs();
      return { paidAt, result: await handle.result() };
    });
    // The cohort's latest lesson: lesson 3 once today's 07:30 has passed, lesson 2 before it.
    const today = lessonTime(paidAt, 0) <= paidAt ? 3 : 2;
    const from = Array.from({ length: 5 - today + 1 }, (_, i) => today + i);
    expect(result).toEqual({ stage: 'completed', lessonsDelivered: from });
    const at = await lessonScheduledAt(handle);
    expect(at.get(today)).toBeLessThan(paidAt + MINUTE);
    expect(at.get(today + 1)).toBeGreaterThanOrEqual(lessonTime(paidAt, today + 1 - 3));
    const bodies = telegram.sent(telegramId).flatMap((m) => (m.text?.match(/Body of lesson (\d)/) ?? []).slice(1));
    expect(bodies.map(Number)).toEqual(from);
    await saveHistoryIfCapturing(handle, 'cohort-from-today');
  });
});

/** When each lesson's delivery was scheduled, by day, from the journey's own history. */
async function lessonScheduledAt(handle: WorkflowHandle) {
  const at = new Map<number, number>();
  const { events } = await handle.fetchHistory();
  for (const event of events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    const payload = scheduled?.input?.payloads?.[0];
    if (scheduled?.activityType?.name !== 'deliverLesson' || !payload || !event.eventTime) continue;
    const { day } = defaultPayloadConverter.fromPayload<{ day: number }>(payload);
    at.set(day, Number(event.eventTime.seconds ?? 0) * 1000 + Math.floor((event.eventTime.nanos ?? 0) / 1e6));
  }
  return at;
}
