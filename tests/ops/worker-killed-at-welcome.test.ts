import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enrollmentClient } from '../../journey/client';
import { progressQuery } from '../../journey/definitions';
import { startBotApiStandIn } from '../../testing/bot-api';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { localActivityTypes } from '../helpers/history-events';
import { eventually } from '../helpers/platform';
import { spawnProduction, stopProcess, untilReady } from '../helpers/processes';
import type { ProductionProcess } from '../helpers/processes';

const SALES_TOKEN = '7012345670:AAH-killed-at-welcome-sales-token-012345';
const COURSE_TOKEN = '7012345671:AAH-killed-at-welcome-course-token-01234';

/**
 * The welcome is a local activity (issue #15): it runs inside the journey's first workflow task, on the worker that
 * took the task. A worker SIGKILLed while the welcome waits for Telegram leaves no activity for the server to retry,
 * only a workflow task that times out; the next worker runs the task again from the start and the payer gets the
 * welcome once.
 */
describe('a worker killed while a welcome is on its way', () => {
  let db: TestDatabase;
  let standIn: Awaited<ReturnType<typeof startBotApiStandIn>>;
  let connection: Connection;
  const workers: ProductionProcess[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    standIn = await startBotApiStandIn({ port: 0, rateLimits: false });
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    await connection?.close();
    await standIn?.stop();
    await db?.drop();
  });

  const startWorker = async (taskQueue: string) => {
    const worker = spawnProduction(
      'worker.ts',
      {
        DATABASE_URL: db.url,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
        SALES_BOT_TOKEN: SALES_TOKEN,
        COURSE_BOT_TOKEN: COURSE_TOKEN,
        TELEGRAM_API_ROOT: standIn.apiRoot,
        METRICS_ADDRESS: 'off',
      },
      mkdtempSync(path.join(tmpdir(), 'killed-at-welcome-')),
    );
    workers.push(worker);
    await untilReady(worker, /worker polling/);
    return worker;
  };

  it('welcomes the payer once, from the next worker, and the journey goes on', async () => {
    const taskQueue = `killed-at-welcome-${randomUUID()}`;
    const first = await startWorker(taskQueue);
    const slug = `welcome-kill-${randomUUID().slice(0, 8)}`;
    await insertCourse(db.sql, { slug, lessons: [{ day: 1 }, { day: 2 }] });
    const { userId, telegramId } = await insertUser(db.sql);
    const input = { userId, courseSlug: slug };
    const welcomes = () => standIn.sent(telegramId).filter((m) => m.text?.includes('Payment received'));

    // Telegram holds the welcome: the call reaches it only a minute later, and not at all if its client is gone.
    standIn.slowNext({ method: 'sendMessage', chatId: telegramId, delayMs: 60_000 });
    const journeys = enrollmentClient(new Client({ connection }), taskQueue);
    await journeys.pay(input, payment('BASIC'));
    // grantAccess records the access before it sends: once the row says so, the welcome is waiting on Telegram.
    await eventually(
      async () =>
        (await db.sql`select 1 from enrollments where user_id = ${userId} and access_granted_at is not null`).length,
      (rows) => rows === 1,
      30_000,
    );
    expect(await stopProcess(first, 'SIGKILL')).toBe('SIGKILL');
    expect(welcomes()).toEqual([]);

    await startWorker(taskQueue);
    // The dead worker's task times out (10 s) and the new worker runs it again: welcome, then lesson 1.
    await standIn.waitForMessages(telegramId, 2, { timeoutMs: 45_000 });
    const handle = journeys.handle(input);
    await eventually(
      () => handle.query(progressQuery),
      (p) => p.lessonsDelivered.includes(1),
      30_000,
    );
    expect(welcomes()).toHaveLength(1);
    expect(standIn.sent(telegramId).filter((m) => /Day 1\./.test(m.text ?? ''))).toHaveLength(1);

    const events = (await handle.fetchHistory()).events ?? [];
    // The kill cost a timed-out workflow task, and the welcome ran as a local activity of the task after it.
    expect(events.filter((e) => e.workflowTaskTimedOutEventAttributes)).toHaveLength(1);
    expect(localActivityTypes(events).filter((type) => type === 'grantAccess')).toHaveLength(1);
    const scheduled = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(scheduled).not.toContain('grantAccess');
  }, 150_000);
});
