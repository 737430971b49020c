import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTelegramBots } from '../../activities';
import { createEnrollmentWorker } from '../../apps/enrollment-worker';
import { addDays, DAY_MS, localDateOf, zonedTimeToInstant } from '../../domain/schedule';
import { registerSearchAttributes } from '../../infra/search-attributes';
import { enrollmentClient } from '../../journey/client';
import { assignmentSubmittedSignal, progressQuery } from '../../journey/definitions';
import { startBotApiStandIn } from '../../testing/bot-api';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { storedSubmission } from '../helpers/journey';
import { ADMIN_CHAT_ID, COURSE_TOKEN, eventually, SALES_TOKEN } from '../helpers/platform';

/** A gated lesson on a real 24-hour schedule: days of waiting, run in seconds by the time-skipping server. */
describe('a gated lesson on a 24-hour schedule (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let telegram: Awaited<ReturnType<typeof startBotApiStandIn>>;
  let enrollments: ReturnType<typeof enrollmentClient>;
  const taskQueue = `gates-time-skipping-${randomUUID()}`;

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
      // The time-skipping environment's client has no codec: the journeys run in clear here.
      payloadKeys: [],
      workflowBundlePath: inject('workflowBundlePath'),
      sql: db.sql,
      telegram: createTelegramBots({ salesToken: SALES_TOKEN, courseToken: COURSE_TOKEN, apiRoot: telegram.apiRoot }),
      adminChatId: ADMIN_CHAT_ID,
    });
    return worker.runUntil(body);
  }

  it('holds lesson 2 for days until lesson 1 is handed in, reminding meanwhile, then sends it at the next lesson time', async () => {
    const courseSlug = `gated-${randomUUID().slice(0, 8)}`;
    await insertCourse(db.sql, {
      slug: courseSlug,
      intervalMs: DAY_MS,
      reminderAfterMs: 20 * 60 * 60 * 1000,
      feedbackWaitMs: DAY_MS,
      // Only lesson 1 has a task: a reminder of a later lesson would fire at 07:30 too, as the last lesson ends the
      // journey, and the time-skipping server loses track of an activity cancelled in that instant.
      lessons: [
        { day: 1, gate: 'submitted' },
        { day: 2, tasks: {} },
        { day: 3, tasks: {} },
      ],
    });
    const student = { timeZone: 'America/New_York', preferredLessonTime: '07:30' };
    const { userId, telegramId } = await insertUser(db.sql, student);
    const input = { userId, courseSlug };
    const handle = enrollments.handle(input);
    const lessonTime = (instant: number, days: number) =>
      zonedTimeToInstant(addDays(localDateOf(instant, student.timeZone), days), '07:30', student.timeZone);

    const { result, submittedAt, promised } = await runWorker(async () => {
      await enrollments.pay(input, payment('FEEDBACK'));
      const paidAt = await env.currentTimeMs();
      await eventually(
        () => handle.query(progressQuery),
        (p) => p.lessonsDelivered.includes(1),
      );
      // Three days go by: lesson 2 was due at 07:30 the day after payment, and the day after that, and so on.
      await env.sleep(3 * DAY_MS);
      const waiting = await eventually(
        () => handle.query(progressQuery),
        (p) => Boolean(p.gate),
      );
      expect(await env.currentTimeMs()).toBeGreaterThan(lessonTime(paidAt, 2)); // lesson 2's own time, and a day more
      expect(waiting).toMatchObject({
        lessonsDelivered: [1],
        gate: { day: 1, gate: 'submitted' },
        nextLessonDueAt: null,
      });
      // The course's reminder still came while the journey waited at the gate.
      expect(telegram.sent(telegramId).filter((m) => m.text?.includes('gentle reminder'))).toHaveLength(1);

      const submittedAt = await env.currentTimeMs();
      await handle.signal(assignmentSubmittedSignal, await storedSubmission(db.sql, input, 1));
      const freed = await eventually(
        () => handle.query(progressQuery),
        (p) => p.gate === null && p.nextLessonDueAt !== null,
      );
      expect(freed.lessonsDelivered).toEqual([1]);
      return { result: await handle.result(), submittedAt, promised: freed.nextLessonDueAt };
    });

    // Lesson 2 comes at the first 07:30 New York time after the submission, lesson 3 a day later: no burst.
    const nextLessonTime = [0, 1].map((d) => lessonTime(submittedAt, d)).find((t) => t > submittedAt);
    expect(promised).toBe(nextLessonTime);
    expect(result).toEqual({ stage: 'completed', lessonsDelivered: [1, 2, 3] });
    const sentAt = await lessonScheduledAt(handle);
    expect(sentAt.get(2)).toBeGreaterThanOrEqual(nextLessonTime!);
    expect(sentAt.get(2)).toBeLessThan(nextLessonTime! + 60_000);
    expect(sentAt.get(3)! - sentAt.get(2)!).toBeGreaterThanOrEqual(DAY_MS - 60_000);
    await saveHistoryIfCapturing(handle, 'gated-lesson');
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
