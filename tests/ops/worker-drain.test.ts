import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { progressQuery } from '../../journey/definitions';
import { freePort } from '../../lib/ports';
import { enrollmentClient } from '../../journey/client';
import { startBotApiStandIn } from '../../testing/bot-api';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { eventually } from '../helpers/platform';
import { spawnProduction, stopProcess, untilReady } from '../helpers/processes';
import type { ProductionProcess } from '../helpers/processes';

const TOKEN = '5560001:worker-drain-test-token-abcdefghijklmnopq';

/**
 * SIGTERM while a send is in flight: the worker stops taking work, lets the send finish (its grace time), records it
 * and exits 0. The message is delivered once, by that attempt; no retry is needed. (Under the tsx CLI the process was
 * SIGKILLed 60 ms after the signal and the send was cut in the middle.)
 */
describe('a worker stopped with SIGTERM', () => {
  let db: TestDatabase;
  let standIn: Awaited<ReturnType<typeof startBotApiStandIn>>;
  let connection: Connection;
  const processes: ProductionProcess[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    standIn = await startBotApiStandIn({ port: 0, rateLimits: false });
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    for (const child of processes) if (child.exitCode === null) child.kill('SIGKILL');
    await connection?.close();
    await standIn?.stop();
    await db?.drop();
  });

  it('finishes the send in flight before it exits, and the journey goes on with the next worker', async () => {
    const taskQueue = `worker-drain-${randomUUID()}`;
    const env = async () => ({
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
      SALES_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: standIn.apiRoot,
      METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
    });
    const cwd = mkdtempSync(path.join(tmpdir(), 'worker-drain-'));
    const startWorker = async () => {
      const worker = spawnProduction('worker.ts', await env(), cwd);
      processes.push(worker);
      await untilReady(worker, /worker polling/);
      return worker;
    };
    const first = await startWorker();

    const slug = `drain-${randomUUID().slice(0, 8)}`;
    await insertCourse(db.sql, { slug, intervalMs: 60_000, lessons: [{ day: 1 }, { day: 2 }] });
    const { userId, telegramId } = await insertUser(db.sql);
    // The welcome takes 3 s to reach Telegram.
    standIn.slowNext({ method: 'sendMessage', chatId: telegramId, delayMs: 3_000 });
    const enrollments = enrollmentClient(new Client({ connection }), taskQueue);
    await enrollments.pay({ userId, courseSlug: slug }, payment('BASIC'));
    const handle = enrollments.handle({ userId, courseSlug: slug });
    // SIGTERM once the access step is running (its welcome on the way). It is a local activity inside the journey's
    // workflow task, so the server lists no pending activity: grantAccess records the access before it sends.
    await eventually(
      async () =>
        (await db.sql`select 1 from enrollments where user_id = ${userId} and access_granted_at is not null`).length,
      (rows) => rows === 1,
      20_000,
    );
    const stoppedAt = Date.now();
    expect(await stopProcess(first)).toBe(0);
    // It waited for the send (about 3 s), not the whole grace time.
    expect(Date.now() - stoppedAt).toBeGreaterThan(1_000);
    expect(first.logLines().some((l) => l.msg === 'worker stopped')).toBe(true);
    const welcomeCalls = standIn.calls('sendMessage').filter((c) => Number(c.params.chat_id) === telegramId);
    expect(welcomeCalls.map((c) => c.errorCode ?? 'ok')).toEqual(['ok']);

    await startWorker();
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(1),
      30_000,
    );
    const texts = standIn.sent(telegramId).map((m) => m.text ?? '');
    expect(texts.filter((t) => t.includes('Payment received'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('Body of lesson 1'))).toHaveLength(1);
  }, 120_000);
});
