import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createSql, withDatabase } from '../db';
import type { Sql } from '../db';
import { runMigrations } from '../db/migrate';
import { enrollmentClient } from '../journey/client';
import type { EnrollmentClient } from '../journey/client';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { ensureTemporalBinaries } from '../infra/temporal-binaries';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { clusterPostgresFrom, startTemporalCluster } from '../infra/temporal-cluster';
import { bundleEnrollmentWorkflows } from '../apps/enrollment-worker';
import { startBotApiStandIn } from '../testing/bot-api';
import type { RateLimits } from '../testing/bot-api';
import { freeLowPort, freePort } from '../lib/ports';
import { cpuSeconds, memoryMiB, pidsMentioning, processTree, spawnEntry, stopChild, waitForOutput } from './processes';

export const SALES_TOKEN = '7100001:bench-sales-bot-token';
export const COURSE_TOKEN = '7100002:bench-course-bot-token';
export const MOCK_SECRET = 'bench-mock-payment-secret-0123456789';
export const ADMIN_CHAT_ID = -100_900_900;
export const TASK_QUEUE = 'enrollments';

/** A database of its own on the Postgres at `adminUrl`, migrated, and a pool to it. */
export async function createBenchDatabase(adminUrl: string, name: string, max: number) {
  const admin = createSql(adminUrl, { max: 1 });
  await admin`create database ${admin(name)}`;
  await admin.end();
  const databaseUrl = withDatabase(adminUrl, name);
  await runMigrations(databaseUrl);
  const sql: Sql = createSql(databaseUrl, { max });
  return { databaseUrl, sql };
}

/** The workflow code bundled once into `folder`, as `npm run build` does, so every worker started loads it at once. */
export async function bundleWorkflowsInto(folder: string): Promise<string> {
  const bundlePath = path.join(folder, 'workflow-bundle.js');
  const code = await bundleEnrollmentWorkflows();
  writeFileSync(bundlePath, code);
  return bundlePath;
}

/** Issue #15's switch: lanes in the send pacer and Temporal task priorities, on or off in every process. */
export type Priorities = 'on' | 'off';

export interface StackOptions {
  /** PRIORITIES for the worker, sales and course processes; unset, they use the config's default. */
  priorities?: Priorities;
  /**
   * The Temporal server: the CLI's dev server (SQLite, one process; default) or a cluster on the stack's Postgres
   * with this many history processes (infra/temporal-cluster.ts, as docker-compose.yml runs it).
   */
  temporal?: { kind: 'dev' } | { kind: 'cluster'; historyProcesses: number };
  /** TELEGRAM_SENDS_PER_SECOND for every process (default: BENCH_SENDS_PER_SECOND, or 28). */
  sendsPerSecond?: number;
  /** The stand-in's flood limits instead of Telegram's (the broadcast bench runs above Telegram's rate). */
  telegramLimits?: Partial<RateLimits>;
}

/** The environment the worker, sales and course processes of a stack share. */
export function stackEnvironment(
  stack: { databaseUrl: string; temporalAddress: string; telegramApiRoot: string },
  options: StackOptions = {},
) {
  return {
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    TELEGRAM_API_ROOT: stack.telegramApiRoot,
    SALES_BOT_TOKEN: SALES_TOKEN,
    COURSE_BOT_TOKEN: COURSE_TOKEN,
    ADMIN_CHAT_ID: String(ADMIN_CHAT_ID),
    REVIEWER_IDS: '1',
    LOG_LEVEL: 'info',
    // Every process that sends through a bot paces it, so all of them take the bench's rate, not only the worker.
    TELEGRAM_SENDS_PER_SECOND: String(options.sendsPerSecond ?? process.env.BENCH_SENDS_PER_SECOND ?? '28'),
    ...(options.priorities ? { PRIORITIES: options.priorities } : {}),
  };
}

export type ProcessName = 'worker' | 'temporal' | 'postgres' | 'sales' | 'course' | 'bench driver + stand-in';

/**
 * The real stack, as production runs it, on this machine: a Temporal dev server (SQLite), an embedded Postgres, the
 * Bot API stand-in with Telegram's flood limits, and the worker, sales (bot + HTTP) and course processes started
 * from their production entry points. The bench driver (this process) holds the stand-in and plays the users.
 */
export async function startStack(log: (line: string) => void, options: StackOptions = {}) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'course-platform-bench-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    log('starting Postgres');
    const pgDir = path.join(scratch, 'pg', 'data');
    const pg = await startEmbeddedPostgres({ dataDir: pgDir, port: await freePort(), persistent: true });
    cleanups.push(() => pg.stop());
    const { databaseUrl, sql } = await createBenchDatabase(pg.adminUrl, 'bench', 20);
    cleanups.push(() => sql.end({ timeout: 5 }));

    const temporalDir = path.join(scratch, 'temporal');
    const onCluster = options.temporal?.kind === 'cluster' ? options.temporal : undefined;
    let temporal: { address: string; pids: () => number[] };
    if (onCluster) {
      log(`starting a Temporal cluster on that Postgres (${onCluster.historyProcesses} history process(es))`);
      const cluster = await startTemporalCluster({
        postgres: clusterPostgresFrom(pg.adminUrl),
        port: await freeLowPort(),
        historyProcesses: onCluster.historyProcesses,
        logDir: path.join(scratch, 'cluster-logs'),
        log,
      });
      cleanups.push(() => cluster.stop());
      temporal = { address: cluster.address, pids: () => cluster.processes.flatMap((p) => processTree(p.pid)) };
    } else {
      const binaries = ensureTemporalBinaries({ log });
      log('starting the Temporal dev server (SQLite)');
      const devServer = await startTemporalDevServer({
        cli: binaries.cli,
        dataDir: temporalDir,
        port: await freePort(),
        uiPort: await freePort(),
        // BENCH_TEMPORAL_STORE=memory: the same server without its SQLite file, to see what persistence costs.
        persistent: process.env.BENCH_TEMPORAL_STORE !== 'memory',
      });
      cleanups.push(() => devServer.stop());
      temporal = { address: devServer.address, pids: () => processTree(devServer.pid) };
    }

    log('bundling workflow code');
    const bundlePath = await bundleWorkflowsInto(scratch);

    // Telegram's limits (30/s per bot, 1/s per chat) unless the bench says otherwise.
    const telegram = await startBotApiStandIn({
      port: 0,
      ...(options.telegramLimits ? { rateLimits: options.telegramLimits } : {}),
    });
    cleanups.push(() => telegram.stop());

    const httpPort = await freePort();
    const common = stackEnvironment(
      { databaseUrl, temporalAddress: temporal.address, telegramApiRoot: telegram.apiRoot },
      options,
    );
    log(`starting the worker, sales and course processes (PRIORITIES=${options.priorities ?? 'default'})`);
    const worker = spawnEntry('worker.ts', {
      ...common,
      WORKFLOW_BUNDLE_PATH: bundlePath,
      METRICS_ADDRESS: 'off',
      // Journey lines (info) for every lesson would cost the worker CPU that production spends too; keep them.
    });
    cleanups.push(() => stopChild(worker));
    const sales = spawnEntry('apps/sales.ts', {
      ...common,
      HTTP_PORT: String(httpPort),
      PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
      SALES_COURSE: 'bench-pay',
      OFFER_URL: 'https://example.com/offer',
      PRIVACY_URL: 'https://example.com/privacy',
      PAYMENT_PROVIDERS: 'mock',
      MOCK_PAYMENT_SECRET: MOCK_SECRET,
      ALLOW_MOCK_PAYMENTS: 'true',
    });
    cleanups.push(() => stopChild(sales));
    const course = spawnEntry('apps/course.ts', { ...common, SALES_BOT_USERNAME: '@bench_sales_bot' });
    cleanups.push(() => stopChild(course));
    await Promise.all([
      waitForOutput(worker, /worker polling/, 'the worker'),
      waitForOutput(sales, /sales bot: .* is polling/, 'the sales process'),
      waitForOutput(course, /course bot: .* is polling/, 'the course process'),
    ]);

    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection });

    const processes = (): Record<ProcessName, number[]> => ({
      worker: processTree(worker.pid!),
      temporal: temporal.pids(),
      postgres: pidsMentioning(pgDir).flatMap(processTree),
      sales: processTree(sales.pid!),
      course: processTree(course.pid!),
      'bench driver + stand-in': [process.pid],
    });
    return {
      sql,
      client,
      // The driver pays the set-up journeys itself: with the same switch as the processes, so off means off for all.
      enrollments: enrollmentClient(client, TASK_QUEUE, {
        priorities: options.priorities !== 'off',
      }) as EnrollmentClient,
      telegram,
      httpUrl: `http://127.0.0.1:${httpPort}`,
      workerOutput: () => worker.output(),
      /** CPU seconds used so far, per process tree. */
      cpu: () =>
        Object.fromEntries(Object.entries(processes()).map(([name, pids]) => [name, cpuSeconds(pids)])) as Record<
          ProcessName,
          number
        >,
      /** Proportional memory, MiB, per process tree. */
      memory: () =>
        Object.fromEntries(Object.entries(processes()).map(([name, pids]) => [name, memoryMiB(pids)])) as Record<
          ProcessName,
          number
        >,
      /** Bytes on disk: Temporal's SQLite files, and the bench database in Postgres. */
      async storage() {
        const fileSize = (f: string) => {
          try {
            return statSync(f).size;
          } catch {
            return 0;
          }
        };
        const sqlite = path.join(temporalDir, 'temporal.sqlite');
        const [{ size }] = await sql<[{ size: number }]>`select pg_database_size('bench')::bigint as size`;
        if (onCluster) {
          // The cluster keeps its state in the same Postgres, in two databases of its own.
          const [row] = await sql<[{ size: number }]>`
            select (pg_database_size('temporal') + pg_database_size('temporal_visibility'))::bigint as size`;
          return { temporal: Number(row.size), postgres: Number(size) };
        }
        return { temporal: fileSize(sqlite) + fileSize(`${sqlite}-wal`), postgres: Number(size) };
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export type Stack = Awaited<ReturnType<typeof startStack>>;
