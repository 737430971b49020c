import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../lib/ports';
import { enrollmentClient } from '../../journey/client';
import { startEmbeddedPostgres } from '../../infra/embedded-postgres';
import type { EmbeddedPostgresHandle } from '../../infra/embedded-postgres';
import { ensureTemporalBinaries } from '../../infra/temporal-binaries';
import { startTemporalDevServer } from '../../infra/temporal-dev-server';
import type { DevServerHandle } from '../../infra/temporal-dev-server';
import { startBotApiStandIn } from '../../testing/bot-api';
import { pidsMentioning, processTree } from '../processes';
import { MOCK_SECRET, TASK_QUEUE, bundleWorkflowsInto, createBenchDatabase, stackEnvironment } from '../stack';
import { Supervised } from './supervisor';

export const CHAOS_COURSE = 'chaos';

/**
 * The production stack for a chaos run, every part of which can be hurt: a Temporal dev server and a Postgres that
 * restart on the same data folder and port, the Bot API stand-in with Telegram's limits (in this process, which
 * plays the students), and the sales, course and worker processes under a compose-like supervisor. Worker "b" is
 * the second worker, started and stopped by the run.
 */
export async function startCluster(log: (line: string) => void, logDir: string) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'course-platform-chaos-'));
  mkdirSync(logDir, { recursive: true });
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  };
  // Ctrl-C (or a CI timeout) stops the servers and processes too, instead of leaving them running.
  const interrupted = () => void stop().finally(() => process.exit(130));
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    const binaries = ensureTemporalBinaries({ log });
    const temporalOptions = {
      cli: binaries.cli,
      dataDir: path.join(scratch, 'temporal'),
      port: await freePort(),
      uiPort: await freePort(),
    };
    let temporal: DevServerHandle = await startTemporalDevServer(temporalOptions);
    cleanups.push(() => temporal.stop());

    const pgOptions = { dataDir: path.join(scratch, 'pg'), port: await freePort(), persistent: true };
    let pg: EmbeddedPostgresHandle = await startEmbeddedPostgres(pgOptions);
    cleanups.push(() => pg.stop());
    const { databaseUrl, sql } = await createBenchDatabase(pg.adminUrl, 'chaos', 8);
    cleanups.push(() => sql.end({ timeout: 5 }));

    const bundlePath = await bundleWorkflowsInto(scratch);

    const telegram = await startBotApiStandIn({ port: 0 }); // Telegram's limits: 30/s per bot, 1/s per chat
    cleanups.push(() => telegram.stop());

    const httpPort = await freePort();
    const common = {
      ...stackEnvironment({ databaseUrl, temporalAddress: temporal.address, telegramApiRoot: telegram.apiRoot }),
      METRICS_ADDRESS: 'off',
    };
    const supervised = (name: string, entry: string, env: Record<string, string>, ready: RegExp) =>
      new Supervised(name, entry, { ...common, ...env }, ready, path.join(logDir, `${name}.log`));
    const workerEnv = { WORKFLOW_BUNDLE_PATH: bundlePath };
    const workers = {
      a: supervised('worker-a', 'worker.ts', workerEnv, /worker polling/),
      b: supervised('worker-b', 'worker.ts', workerEnv, /worker polling/),
    };
    const sales = supervised(
      'sales',
      'apps/sales.ts',
      {
        HTTP_PORT: String(httpPort),
        PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
        SALES_COURSE: CHAOS_COURSE,
        OFFER_URL: 'https://example.com/offer',
        PRIVACY_URL: 'https://example.com/privacy',
        PAYMENT_PROVIDERS: 'mock',
        MOCK_PAYMENT_SECRET: MOCK_SECRET,
        ALLOW_MOCK_PAYMENTS: 'true',
      },
      /sales bot: .* is polling/,
    );
    const course = supervised(
      'course',
      'apps/course.ts',
      { SALES_BOT_USERNAME: '@chaos_sales_bot', HTTP_PORT: String(await freePort()) },
      /course bot: .* is polling/,
    );
    const processes = [workers.a, workers.b, sales, course];
    cleanups.push(() => Promise.all(processes.map((p) => p.stop())));
    await Promise.all([workers.a.start(), sales.start(), course.start()]);

    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection });
    const pgPids = () => pidsMentioning(pgOptions.dataDir).flatMap(processTree);

    return {
      sql,
      client,
      enrollments: enrollmentClient(client, TASK_QUEUE),
      telegram,
      httpUrl: `http://127.0.0.1:${httpPort}`,
      workers,
      processes,
      /** Stops the Temporal dev server and starts it again on the same SQLite file and port (one restart at a time). */
      restartTemporal: oneAtATime(async (downMs: number) => {
        await temporal.stop();
        await new Promise((resolve) => setTimeout(resolve, downMs));
        temporal = await startTemporalDevServer(temporalOptions);
      }),
      /** Stops Postgres (fast shutdown) and starts it again on the same data folder and port (one at a time). */
      restartPostgres: oneAtATime(async (downMs: number) => {
        await pg.stop();
        await new Promise((resolve) => setTimeout(resolve, downMs));
        pg = await startEmbeddedPostgres(pgOptions);
      }),
      /** The pids of each part of the stack now (the workers' include tsx's, Postgres' its backends). */
      pids: (): Record<string, number[]> => ({
        workers: [workers.a.pid, workers.b.pid].flatMap((pid) => (pid ? processTree(pid) : [])),
        sales: sales.pid ? processTree(sales.pid) : [],
        course: course.pid ? processTree(course.pid) : [],
        temporal: processTree(temporal.pid),
        postgres: pgPids(),
        'driver + stand-in': [process.pid],
      }),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export type Cluster = Awaited<ReturnType<typeof startCluster>>;

/** `run`, but a call made while another runs waits for it to finish first. */
function oneAtATime<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  let last: Promise<unknown> = Promise.resolve();
  return (...args: A) => {
    const next = last.then(() => run(...args));
    last = next.catch(() => {});
    return next;
  };
}
