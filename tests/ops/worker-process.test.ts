import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
import { spawnProduction, stopProcess } from '../helpers/processes';
import type { ProductionProcess } from '../helpers/processes';
import { dashboardMetrics, declaredMetrics } from '../helpers/dashboard';
import { freePort } from '../../lib/ports';

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
  let worker: ProductionProcess;
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
    // As production runs it: plain node with the tsx loader (the tsx CLI would cut the SIGTERM handling short), in a
    // folder without a .env, so only this environment counts.
    worker = spawnProduction(
      'worker.ts',
      {
        DATABASE_URL: db.url,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
        SALES_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: standIn.apiRoot,
        METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
        LOG_LEVEL: 'debug',
      },
      mkdtempSync(path.join(tmpdir(), 'worker-process-')),
    );
    const parsed = () => worker.logLines();
    await eventually(
      async () =>
        worker.exitCode === null ? parsed().some((l) => l.msg === 'worker polling') : `exited: ${worker.output()}`,
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
    for (const line of worker.stdoutText().split('\n').filter(Boolean))
      expect(() => JSON.parse(line), line).not.toThrow();
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
    // Stdout and stderr, every line: JSON or not.
    const everything = worker.output();
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(TOKEN.split(':')[1]);

    // Prometheus text format, with the SDK's worker and activity metrics.
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/^# (HELP|TYPE) temporal_/m);
    expect(metrics).toMatch(/temporal_activity_execution_latency\w*\{[^}]*activity_type="deliverLesson"/);
    // Every SDK metric the committed Grafana dashboard (infra/grafana/) plots is one this worker serves.
    const plotted = dashboardMetrics('temporal_');
    expect(plotted.length).toBeGreaterThanOrEqual(6);
    for (const name of plotted) expect(declaredMetrics(metrics), `the dashboard plots ${name}`).toContain(name);

    expect(await stopProcess(worker, 'SIGTERM')).toBe(0);
    expect(parsed().some((l) => l.msg === 'worker stopped')).toBe(true);
  });
});
