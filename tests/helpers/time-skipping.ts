import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, inject } from 'vitest';
import { createTelegramBots } from '../../activities';
import { createEnrollmentWorker } from '../../apps/enrollment-worker';
import { registerSearchAttributes } from '../../infra/search-attributes';
import { enrollmentClient } from '../../journey/client';
import { startBotApiStandIn } from '../../testing/bot-api';
import { createTestDatabase } from './database';
import type { TestDatabase } from './database';
import { ADMIN_CHAT_ID, COURSE_TOKEN, SALES_TOKEN } from './platform';

/** What a test file on Temporal's time-skipping server shares: the server, a database, the stand-in, a client. */
export interface TimeSkipping {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  telegram: Awaited<ReturnType<typeof startBotApiStandIn>>;
  enrollments: ReturnType<typeof enrollmentClient>;
  /** Runs `body` with an enrollment worker on this file's task queue. */
  runWorker<T>(body: () => Promise<T>): Promise<T>;
}

/**
 * Starts the time-skipping server, a database and the Bot API stand-in for the calling file (beforeAll), and stops
 * them after it (afterAll). Read the fields inside tests: they are set once beforeAll has run.
 */
export function useTimeSkipping(name: string): TimeSkipping {
  const taskQueue = `${name}-${randomUUID()}`;
  const ts = {} as TimeSkipping;
  beforeAll(async () => {
    ts.env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
    });
    await registerSearchAttributes(ts.env.connection, ts.env.namespace ?? 'default');
    ts.db = await createTestDatabase();
    ts.telegram = await startBotApiStandIn({ port: 0, rateLimits: false });
    ts.enrollments = enrollmentClient(ts.env.client, taskQueue);
  });
  afterAll(async () => {
    await ts.env?.teardown();
    await ts.telegram?.stop();
    await ts.db?.drop();
  });
  ts.runWorker = async (body) => {
    const { env, db, telegram } = ts;
    const worker = await createEnrollmentWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      // The time-skipping server's own client has no codec: payloads in clear, as in development.
      payloadKeys: [],
      workflowBundlePath: inject('workflowBundlePath'),
      sql: db.sql,
      telegram: createTelegramBots({ salesToken: SALES_TOKEN, courseToken: COURSE_TOKEN, apiRoot: telegram.apiRoot }),
      adminChatId: ADMIN_CHAT_ID,
    });
    return worker.runUntil(body);
  };
  return ts;
}

/** When each lesson's delivery was scheduled, by day, from the journey's own history (payloads in clear). */
export async function lessonScheduledAt(handle: WorkflowHandle): Promise<Map<number, number>> {
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
