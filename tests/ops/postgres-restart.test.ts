import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSql } from '../../db';
import type { Sql } from '../../db';
import { runMigrations } from '../../db/migrate';
import { progressQuery } from '../../journey/definitions';
import { freePort } from '../../lib/ports';
import { enrollmentClient } from '../../journey/client';
import { startEmbeddedPostgres } from '../../infra/embedded-postgres';
import type { EmbeddedPostgresHandle } from '../../infra/embedded-postgres';
import { startBotApiStandIn } from '../../testing/bot-api';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { eventually } from '../helpers/platform';
import { spawnProduction, stopProcess, untilReady } from '../helpers/processes';
import type { ProductionProcess } from '../helpers/processes';

const SALES_TOKEN = '5550001:postgres-restart-sales-token-abcdefghijkl';
const COURSE_TOKEN = '5550002:postgres-restart-course-token-abcdefghijk';
const JOURNEYS = 40;
const LESSONS = 8;

/**
 * The production processes (worker, sales, course) against a Postgres of this file's own, which is restarted three
 * times while journeys deliver lessons and students talk to both bots. No process exits, and every student gets
 * every lesson and the welcome exactly once, counted from what the Bot API stand-in received.
 */
describe('a Postgres restart under load', () => {
  let scratch: string;
  let pgPort: number;
  let pg: EmbeddedPostgresHandle;
  let sql: Sql;
  let standIn: Awaited<ReturnType<typeof startBotApiStandIn>>;
  let connection: Connection;
  const processes: ProductionProcess[] = [];
  const startPg = () => startEmbeddedPostgres({ dataDir: path.join(scratch, 'data'), port: pgPort, persistent: true });

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'postgres-restart-'));
    pgPort = await freePort();
    pg = await startPg();
    await runMigrations(pg.adminUrl);
    sql = createSql(pg.adminUrl, { max: 2 });
    standIn = await startBotApiStandIn({ port: 0, rateLimits: false });
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    for (const child of processes) if (child.exitCode === null) child.kill('SIGKILL');
    await connection?.close();
    await standIn?.stop();
    await sql?.end({ timeout: 1 });
    await pg?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('keeps every process up and every message exactly once', async () => {
    const taskQueue = `pg-restart-${randomUUID()}`;
    const httpPort = await freePort();
    const env = {
      DATABASE_URL: pg.adminUrl,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
      SALES_BOT_TOKEN: SALES_TOKEN,
      COURSE_BOT_TOKEN: COURSE_TOKEN,
      TELEGRAM_API_ROOT: standIn.apiRoot,
      ADMIN_CHAT_ID: '-100900',
      REVIEWER_IDS: '42',
      HTTP_PORT: String(httpPort),
      PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
      OFFER_URL: 'https://example.com/offer',
      PRIVACY_URL: 'https://example.com/privacy',
      PAYMENT_PROVIDERS: 'mock',
      MOCK_PAYMENT_SECRET: 'mock-secret-for-the-restart-test',
      ALLOW_MOCK_PAYMENTS: 'true',
      SALES_BOT_USERNAME: '@restart_sales_bot',
      LOG_LEVEL: 'info',
      METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
    };
    const cwd = mkdtempSync(path.join(tmpdir(), 'postgres-restart-cwd-'));
    const worker = spawnProduction('worker.ts', env, cwd);
    const sales = spawnProduction('apps/sales.ts', env, cwd);
    const course = spawnProduction('apps/course.ts', { ...env, HTTP_PORT: String(await freePort()) }, cwd);
    processes.push(worker, sales, course);
    await untilReady(worker, /worker polling/);
    await untilReady(sales, /sales bot/);
    await untilReady(course, /course bot/);

    const slug = `restart-${randomUUID().slice(0, 8)}`;
    await insertCourse(sql, {
      slug,
      intervalMs: 1_000,
      lessons: Array.from({ length: LESSONS }, (_, i) => ({ day: i + 1 })),
    });
    const enrollments = enrollmentClient(new Client({ connection }), taskQueue);
    const students = await Promise.all(Array.from({ length: JOURNEYS }, () => insertUser(sql)));
    for (const { userId } of students) await enrollments.pay({ userId, courseSlug: slug }, payment('BASIC'));

    // Three restarts while lessons go out; students keep talking to both bots meanwhile.
    let talking = true;
    const chatter = (async () => {
      for (let n = 0; talking; n++) {
        const from = { id: 880_000_000 + n, first_name: 'Chatty', language_code: 'en' };
        standIn.sendUserMessage({ botToken: SALES_TOKEN, from, text: '/start' });
        standIn.sendUserMessage({ botToken: COURSE_TOKEN, from, text: '/progress' });
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();
    for (let restart = 0; restart < 5; restart++) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await pg.stop();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      pg = await startPg();
    }
    talking = false;
    await chatter;

    // Every journey gets to its last lesson (the event that proves the system moved past every restart).
    for (const { userId } of students) {
      await eventually(
        () => enrollments.handle({ userId, courseSlug: slug }).query(progressQuery),
        (pr) => pr.lessonsDelivered.length === LESSONS,
        150_000,
      );
    }
    for (const child of [worker, sales, course])
      expect(child.exitCode, `a process exited:\n${child.output().slice(-3000)}`).toBeNull();
    for (const { telegramId } of students) {
      const texts = standIn.sent(telegramId).map((m) => m.text ?? '');
      expect(
        texts.filter((t) => t.includes('Payment received')),
        `welcomes to ${telegramId}`,
      ).toHaveLength(1);
      for (let day = 1; day <= LESSONS; day++)
        expect(
          texts.filter((t) => t.includes(`Body of lesson ${day}`)),
          `lesson ${day} to ${telegramId}`,
        ).toHaveLength(1);
    }
    // The bots answered after the last restart too.
    const late = { id: 889_999_999, first_name: 'Late', language_code: 'en' };
    standIn.sendUserMessage({ botToken: SALES_TOKEN, from: late, text: '/start' });
    await standIn.waitForMessages(late.id, 1, { timeoutMs: 20_000 });

    for (const child of [worker, sales, course]) expect(await stopProcess(child)).toBe(0);
  }, 300_000);
});
