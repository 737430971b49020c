import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTelegramBots } from '../../activities';
import { createEnrollmentWorker } from '../../apps/enrollment-worker';
import { nextReminderAt, REMINDER_QUIET_MS } from '../../domain/reminders';
import type { ReminderSettings } from '../../domain/reminders';
import { DAY_MS } from '../../domain/schedule';
import { registerSearchAttributes } from '../../infra/search-attributes';
import { enrollmentClient } from '../../journey/client';
import { assignmentSubmittedSignal, pauseSignal, progressQuery, resumeSignal } from '../../journey/definitions';
import { saveReminders } from '../../journey/student-reminders';
import { startBotApiStandIn } from '../../testing/bot-api';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import type { TestLesson } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { storedSubmission } from '../helpers/journey';
import { ADMIN_CHAT_ID, COURSE_TOKEN, eventually, SALES_TOKEN } from '../helpers/platform';

const TIME_ZONE = 'Asia/Tokyo';
const WINDOW = { startMinute: 9 * 60, endMinute: 21 * 60 };
const THREE_A_DAY: ReminderSettings = { perDay: 3, ...WINDOW };

/** Reminders the student set, on real days: run in seconds by the time-skipping server. */
describe('student-set homework reminders (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let telegram: Awaited<ReturnType<typeof startBotApiStandIn>>;
  let enrollments: ReturnType<typeof enrollmentClient>;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
    });
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
    db = await createTestDatabase();
    telegram = await startBotApiStandIn({ port: 0, rateLimits: false });
  });
  afterAll(async () => {
    await env?.teardown();
    await telegram?.stop();
    await db?.drop();
  });

  /** Each test on its own task queue: a worker that has just stopped may still hold its registration. */
  async function runWorker<T>(body: () => Promise<T>): Promise<T> {
    const taskQueue = `student-reminders-${randomUUID()}`;
    enrollments = enrollmentClient(env.client, taskQueue);
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
    try {
      return await worker.runUntil(body);
    } finally {
      // A failed test's journey would hold the time-skipping clock for the next test: end it.
      for (const handle of started.splice(0)) await handle.terminate('test over').catch(() => undefined);
    }
  }
  const started: WorkflowHandle[] = [];

  /**
   * A paid journey whose lesson 1 has a task; the next lesson is `intervalMs` away. The course's own one reminder
   * (20 h after the lesson) is on, so a test also sees that the student's settings replace it.
   */
  async function start(options: {
    own?: ReminderSettings;
    course?: ReminderSettings;
    intervalMs?: number;
    lessons?: TestLesson[];
  }) {
    const courseSlug = `remind-${randomUUID().slice(0, 8)}`;
    const courseId = await insertCourse(db.sql, {
      slug: courseSlug,
      intervalMs: options.intervalMs ?? 5 * DAY_MS,
      reminderAfterMs: 20 * 60 * 60 * 1000,
      feedbackWaitMs: DAY_MS,
      lessons: options.lessons ?? [
        { day: 1, tasks: { BASIC: 'Task 1', FEEDBACK: 'Task 1' } },
        { day: 2, tasks: {} },
      ],
    });
    if (options.course) await setReminders('courses', courseId, options.course);
    const { userId, telegramId } = await insertUser(db.sql, { timeZone: TIME_ZONE });
    if (options.own) await setReminders('users', userId, options.own);
    const input = { userId, courseSlug };
    const handle = enrollments.handle(input);
    started.push(handle);
    await enrollments.pay(input, payment('FEEDBACK'));
    await eventually(
      () => handle.query(progressQuery),
      (p) => p.lessonsDelivered.includes(1),
    );
    const deliveredAt = (await stepsOf(handle, 'deliverLesson'))[0]!.at;
    return { input, handle, telegramId, deliveredAt };
  }

  async function setReminders(table: 'users' | 'courses', id: number, s: ReminderSettings) {
    const time = (m: number) => `${Math.floor(m / 60)}:${m % 60}`;
    await db.sql`update ${db.sql(table)} set reminders_per_day = ${s.perDay},
                   reminder_window_start = ${time(s.startMinute)}::time, reminder_window_end = ${time(s.endMinute)}::time
                 where id = ${id}`;
  }

  const reminderTexts = (telegramId: number) =>
    telegram.sent(telegramId).filter((m) => /still waiting|gentle reminder/.test(m.text ?? ''));

  it('reminds 3 times a day at the window’s times over two days until the homework is handed in, then never', async () => {
    await runWorker(async () => {
      const { input, handle, telegramId, deliveredAt } = await start({ own: THREE_A_DAY });
      await env.sleep(2 * DAY_MS);
      const until = await env.currentTimeMs();
      const expected = reminderTimes(deliveredAt + REMINDER_QUIET_MS, until, THREE_A_DAY);
      expect(expected.length).toBeGreaterThanOrEqual(5);
      const steps = await stepsOf(handle, 'sendStudentReminder');
      expect(steps.map((s) => s.input.at)).toEqual(expected);
      // Each fired at its time (the timer, not a burst), for lesson 1.
      for (const step of steps) {
        expect(step.input.day).toBe(1);
        expect(step.at).toBeGreaterThanOrEqual(step.input.at as number);
        expect(step.at).toBeLessThan((step.input.at as number) + 60_000);
      }
      const texts = reminderTexts(telegramId);
      expect(texts).toHaveLength(expected.length);
      expect(texts[0]!.text).toMatch(/day 1 assignment \(“Lesson 1”\) is still waiting/);

      await handle.signal(assignmentSubmittedSignal, await storedSubmission(db.sql, input, 1));
      await env.sleep(2 * DAY_MS);
      expect(await stepsOf(handle, 'sendStudentReminder')).toHaveLength(expected.length);
      expect(reminderTexts(telegramId)).toHaveLength(expected.length);
      await finished(handle);
    });
  });

  it('sends none at 0 a day, and no course reminder either', async () => {
    await runWorker(async () => {
      const { handle, telegramId } = await start({ own: { perDay: 0, ...WINDOW } });
      await env.sleep(3 * DAY_MS);
      expect(await stepsOf(handle, 'sendStudentReminder')).toHaveLength(0);
      expect(await stepsOf(handle, 'sendReminder')).toHaveLength(0);
      expect(reminderTexts(telegramId)).toHaveLength(0);
      await finished(handle);
    });
  });

  it('stops reminding a student who blocked the bot (the 403 ends it)', async () => {
    await runWorker(async () => {
      const { handle, telegramId, deliveredAt } = await start({ course: THREE_A_DAY });
      const first = nextReminderAt(deliveredAt + REMINDER_QUIET_MS, THREE_A_DAY, TIME_ZONE)!;
      await env.sleep(first - (await env.currentTimeMs()) + 60_000);
      await eventually(
        async () => reminderTexts(telegramId).length,
        (n) => n === 1,
      );
      telegram.blockUser(telegramId);
      await env.sleep(2 * DAY_MS);
      // The one refused by the 403 was the last try: no step after it.
      expect(await stepsOf(handle, 'sendStudentReminder')).toHaveLength(2);
      expect(reminderTexts(telegramId)).toHaveLength(1);
      await finished(handle);
    });
  });

  it('sends none while the course is paused, and goes on after /resume', async () => {
    await runWorker(async () => {
      const { handle } = await start({ own: THREE_A_DAY });
      await handle.signal(pauseSignal);
      await env.sleep(2 * DAY_MS);
      expect(await stepsOf(handle, 'sendStudentReminder')).toHaveLength(0);
      await handle.signal(resumeSignal);
      const resumedAt = await env.currentTimeMs();
      await env.sleep(DAY_MS);
      const steps = await stepsOf(handle, 'sendStudentReminder');
      expect(steps.map((s) => s.input.at)).toEqual(reminderTimes(resumedAt, resumedAt + DAY_MS, THREE_A_DAY));
      await finished(handle);
    });
  });

  it('sends none once the course has ended', async () => {
    await runWorker(async () => {
      const { handle } = await start({ own: THREE_A_DAY, intervalMs: DAY_MS });
      // Lesson 2 (no task) is the last: completion comes a day after lesson 1, the journey stays a day more.
      await env.sleep(3 * DAY_MS);
      const [completion] = await stepsOf(handle, 'sendCompletion');
      expect(completion).toBeDefined();
      const reminders = await stepsOf(handle, 'sendStudentReminder');
      expect(reminders.length).toBeGreaterThanOrEqual(2);
      for (const step of reminders) expect(step.at).toBeLessThan(completion!.at);
      expect(await handle.result()).toMatchObject({ stage: 'completed' });
    });
  });

  it('takes a change of settings mid-course at once: the course’s one reminder gives way, then 0 stops them', async () => {
    await runWorker(async () => {
      const { handle, telegramId, deliveredAt } = await start({});
      await env.sleep(60 * 60 * 1000);
      const twoADay = { perDay: 2, ...WINDOW };
      const saved = await saveReminders({ sql: db.sql, enrollments }, telegramId, twoADay);
      expect(saved.journeys).toBe(1);
      await env.sleep(DAY_MS + 12 * 60 * 60 * 1000);
      const changedAt = await env.currentTimeMs();
      const expected = reminderTimes(deliveredAt + REMINDER_QUIET_MS, changedAt, twoADay);
      expect((await stepsOf(handle, 'sendStudentReminder')).map((s) => s.input.at)).toEqual(expected);
      expect(await stepsOf(handle, 'sendReminder')).toHaveLength(0); // the course's 20 h reminder was replaced

      await saveReminders({ sql: db.sql, enrollments }, telegramId, { perDay: 0, ...WINDOW });
      await env.sleep(2 * DAY_MS);
      expect(await stepsOf(handle, 'sendStudentReminder')).toHaveLength(expected.length);
      expect(reminderTexts(telegramId)).toHaveLength(expected.length);
      expect(await finished(handle)).toMatchObject({ stage: 'completed', lessonsDelivered: [1, 2] });
      await saveHistoryIfCapturing(handle, 'student-reminders');
    });
  });
});

/**
 * Lets the journey run to its end (time skips while the client waits), so no running journey of one test holds the
 * time-skipping server's clock in the next.
 */
function finished(handle: WorkflowHandle) {
  return handle.result() as Promise<{ stage: string; lessonsDelivered: number[] }>;
}

/** Every reminder time after `from` up to `until`, as the domain function gives them in the student's zone. */
function reminderTimes(from: number, until: number, s: ReminderSettings): number[] {
  const times: number[] = [];
  for (let at = nextReminderAt(from, s, TIME_ZONE); at !== null && at <= until; at = nextReminderAt(at, s, TIME_ZONE))
    times.push(at);
  return times;
}

/** The journey's activity steps of one type, with their inputs and when each was scheduled (the journey runs in clear). */
async function stepsOf(handle: WorkflowHandle, type: string) {
  const steps: { at: number; input: Record<string, unknown> }[] = [];
  const { events } = await handle.fetchHistory();
  for (const event of events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    const payload = scheduled?.input?.payloads?.[0];
    if (scheduled?.activityType?.name !== type || !payload || !event.eventTime) continue;
    const at = Number(event.eventTime.seconds ?? 0) * 1000 + Math.floor((event.eventTime.nanos ?? 0) / 1e6);
    steps.push({ at, input: defaultPayloadConverter.fromPayload<Record<string, unknown>>(payload) });
  }
  return steps;
}
