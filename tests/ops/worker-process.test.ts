import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enrollmentWorkflowId } from '../../journey/definitions';
import { enrollmentClient } from '../../journey/client';
import { startBotApiStandIn } from '../../testing/bot-api';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { eventually } from '../helpers/platform';
import { freePort } from '../../lib/ports';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
// Shaped like a real token, so a leak would be caught by the test and by the logger's own pattern alike.
const TOKEN = '7012345678:AAH-worker-process-test-token-0123456789';

/**
 * `npm run worker` as production runs it: a process of its own, configured by the environment. Its logs are JSON
 * lines that carry the journey's ids and never the bot token; its Temporal SDK metrics are served for Prometheus;
 * SIGTERM stops it cleanly.
 */
describe('the worker process', () => {
  let db: TestDatabase;
  let standIn: Awaited<ReturnType<typeof startBotApiStandIn>>;
  let connection: Connection;
  let worker: ChildProcess;
  const output: string[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    standIn = await startBotApiStandIn({ port: 0, rateLimits: false });
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    if (worker?.exitCode === null) worker.kill('SIGKILL');
    await connection?.close();
    await standIn?.stop();
    await db?.drop();
  });

  it('logs JSON with enrollment ids and no secrets, serves metrics, and stops on SIGTERM', async () => {
    const taskQueue = `worker-process-${randomUUID()}`;
    const metricsPort = await freePort();
    // As production runs it: plain node with the tsx loader (the tsx CLI would cut the SIGTERM handling short).
    worker = spawn(process.execPath, ['--import', TSX_LOADER, path.join(ROOT, 'worker.ts')], {
      // A folder without a .env, so only this environment counts.
      cwd: mkdtempSync(path.join(tmpdir(), 'worker-process-')),
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.url,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
        SALES_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: standIn.apiRoot,
        METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
        LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    worker.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      output.push(...lines.filter(Boolean));
    });
    let stderr = '';
    worker.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const parsed = () => output.map((line) => JSON.parse(line) as Record<string, unknown>);
    await eventually(
      async () => (worker.exitCode === null ? parsed().some((l) => l.msg === 'worker polling') : `exited: ${stderr}`),
      (up) => up === true,
      60_000,
    );

    // A paid journey runs on that worker: lesson 1 reaches the student.
    const slug = `proc-${randomUUID().slice(0, 8)}`;
    await insertCourse(db.sql, { slug, lessons: [{ day: 1 }, { day: 2 }] });
    const { userId, telegramId } = await insertUser(db.sql);
    const client = new Client({ connection });
    const input = { userId, courseSlug: slug };
    await enrollmentClient(client, taskQueue).pay(input, payment('BASIC'));
    await standIn.waitForMessages(telegramId, 2, { timeoutMs: 30_000 });
    const [enrollment] = await db.sql<{ id: number }[]>`select id from enrollments where user_id = ${userId}`;

    // Every line is JSON; the journey's lines carry its workflowId and enrollmentId, from workflow and activities.
    const lines = await eventually(
      async () => parsed(),
      (all) => all.some((l) => l.msg === 'Lesson delivered'),
    );
    const workflowId = enrollmentWorkflowId(input);
    expect(lines.find((l) => l.msg === 'Lesson delivered')).toMatchObject({
      level: 'info',
      service: 'worker',
      workflowId,
      enrollmentId: enrollment!.id,
      day: 1,
    });
    expect(lines.find((l) => l.msg === 'Activity completed' && l.activityType === 'deliverLesson')).toMatchObject({
      workflowId,
      enrollmentId: enrollment!.id,
    });
    const everything = output.join('\n') + stderr;
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(TOKEN.split(':')[1]);

    // Prometheus text format, with the SDK's worker and activity metrics.
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/^# (HELP|TYPE) temporal_/m);
    expect(metrics).toMatch(/temporal_activity_execution_latency\w*\{[^}]*activity_type="deliverLesson"/);

    const exit = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    worker.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(parsed().some((l) => l.msg === 'worker stopped')).toBe(true);
  });
});
