import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { ConfigError, loadDotEnv, loadPlatformConfig, loadStartConfig } from '../config';
import { importCourses } from '../content/catalog';
import { CourseContentError } from '../content/loader';
import { createSql } from '../db';
import type { Sql } from '../db';
import { asDemoCourse, demoEnvironment, runDemo } from './demo';
import { enrollmentClient } from '../journey/client';
import { startSalesRuntime } from './sales-runtime';
import { startCourseRuntime } from './course-runtime';
import { DATA_DIR, startLocalStack } from '../infra/local-stack';
import { devPayloadKeys } from '../infra/dev-payload-keys';
import { encryptingDataConverter } from '../lib/payload-codec';
import type { LocalStack } from '../infra/local-stack';
import { TemporalUnavailableError } from '../infra/temporal-binaries';
import { createConfiguredWorker, metricsTelemetry } from './enrollment-worker';
import { startBotApiStandIn } from '../testing/bot-api';
import { startWorkerProcess } from './worker-process';

const DEMO_SALES_TOKEN = '1000001:local-demo-sales';
const DEMO_COURSE_TOKEN = '1000002:local-demo-course';
// A review chat of its own per run: the stand-in's message ids start again at 1 while Postgres keeps old runs' rows.
const DEMO_ADMIN_CHAT = -1_000_000_000_000 - (Date.now() % 1_000_000_000);
const DEMO_REVIEWER = { id: 99_999_999, first_name: 'Demo reviewer' };

const log = (line: string) => console.log(`[start] ${line}`);
/** `npm run cluster`: the same platform on a Temporal cluster on Postgres (infra/temporal-cluster.ts). */
const cluster = process.argv.includes('--cluster');

/**
 * `npm start`: the whole platform on one machine. With bot tokens in .env it talks to Telegram; without them it runs
 * against the local Bot API stand-in and walks a scripted student through the demo course at demo pace.
 */
const cleanups: (() => Promise<unknown>)[] = [];
let stopping = false;

/** Stops everything that was started, newest first (worker before its connection, Postgres last), then exits. */
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('shutting down…');
  for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => log(`shutdown: ${String(err)}`));
  process.exit(code);
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  loadDotEnv();
  // Encrypted like production: the configured keys, or a development key kept in .data/.
  const env = { ...process.env, PAYLOAD_KEYS: process.env.PAYLOAD_KEYS || devPayloadKeys(DATA_DIR, log) };
  const { stack: stackConfig, demo } = loadStartConfig(env);

  // Without bot tokens the platform talks to the local Bot API stand-in, configured for the demo from its own copy of
  // the environment: the parsed config is never changed afterwards.
  const standIn = demo ? await startBotApiStandIn({ port: 0 }) : undefined;
  if (standIn) {
    cleanups.push(() => standIn.stop());
    log(`no SALES_BOT_TOKEN: using the local Bot API stand-in at ${standIn.apiRoot}`);
  }
  const platformEnv = standIn
    ? demoEnvironment(env, {
        apiRoot: standIn.apiRoot,
        salesToken: DEMO_SALES_TOKEN,
        courseToken: DEMO_COURSE_TOKEN,
        adminChatId: DEMO_ADMIN_CHAT,
        reviewerId: DEMO_REVIEWER.id,
      })
    : env;
  const config = loadPlatformConfig(platformEnv);

  // The dev server's UI decodes journeys through this process' codec server (CODEC_UI_ORIGINS lets it in).
  const uiCodecEndpoint = `http://127.0.0.1:${config.sales.http.port}/codec`;
  const stack: LocalStack = await startLocalStack(stackConfig, log, {
    uiCodecEndpoint,
    ...(cluster ? { cluster: { historyProcesses: 2 } } : {}),
  });
  cleanups.push(() => stack.stop());
  const sql: Sql = createSql(stack.databaseUrl);
  cleanups.push(() => sql.end({ timeout: 5 }));

  // The demo runs the course at demo pace; real bots get the interval the course files give.
  const imported = await importCourses(sql, undefined, (course) =>
    demo ? asDemoCourse(course, demo.lessonIntervalMs) : course,
  );
  for (const r of imported) log(`course "${r.slug}": ${r.lessons} lessons (${r.changed ? 'imported' : 'unchanged'})`);

  const { temporal, metricsAddress } = config.worker;
  Runtime.install({
    logger: new DefaultLogger('WARN', compactLog),
    ...metricsTelemetry(metricsAddress),
  });
  const nativeConnection = await NativeConnection.connect({ address: stack.temporalAddress });
  cleanups.push(() => nativeConnection.close());
  const worker: Worker = await createConfiguredWorker(config.worker, { connection: nativeConnection, sql });
  const running = worker.run();
  cleanups.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });
  log(`worker: polling "${temporal.taskQueue}" on ${stack.temporalAddress}`);
  if (cluster) {
    // A second worker, a process of its own as production runs them: the journeys spread over both.
    const second = startWorkerProcess({
      ...platformEnv,
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      METRICS_ADDRESS: 'off',
      LOG_LEVEL: 'warn',
    });
    cleanups.push(() => second.stop());
    log(`worker: a second worker process (pid ${second.pid}) polls the same task queue`);
  }
  if (metricsAddress) log(`metrics for Prometheus: http://${metricsAddress}/metrics`);
  if (stack.temporalUiUrl) log(`Temporal UI: ${stack.temporalUiUrl}/namespaces/${temporal.namespace}/workflows`);

  const connection = await Connection.connect({ address: stack.temporalAddress });
  cleanups.push(() => connection.close());
  const client = new Client({
    connection,
    namespace: temporal.namespace,
    dataConverter: encryptingDataConverter(temporal.payloadKeys),
  });
  const sales = await startSalesRuntime({ config: config.sales, sql, client, log });
  cleanups.push(() => sales.stop());
  if (config.course.telegram.courseBotToken === config.sales.telegram.salesBotToken) {
    log('course bot: COURSE_BOT_TOKEN is the sales bot token; set a token of its own to run the course bot');
  } else {
    const course = await startCourseRuntime({
      config: config.course,
      sql,
      client,
      salesBot: sales.username,
      // With BOT_MODE=webhook both bots share the sales runtime's HTTP server.
      mode: sales.botMode,
      log,
    });
    cleanups.push(() => course.stop());
  }

  if (standIn) {
    const enrollments = enrollmentClient(client, temporal.taskQueue);
    const { slug } = imported.find((r) => r.slug === 'demo') ?? imported[0]!;
    runDemo({
      sql,
      enrollments,
      standIn,
      salesToken: DEMO_SALES_TOKEN,
      courseToken: DEMO_COURSE_TOKEN,
      reviewer: DEMO_REVIEWER,
      courseSlug: slug,
      adminChatId: DEMO_ADMIN_CHAT,
      log: console.log,
    })
      .then((summary) => log(`demo finished: ${summary}. The platform keeps running; Ctrl-C stops it.`))
      .catch((err: unknown) => log(`demo failed: ${String(err)}`));
  } else {
    log('bots: the sales and course bots talk to Telegram.');
  }
  await running.catch(async (err: unknown) => {
    log(`worker stopped: ${String(err)}`);
    await shutdown(1);
  });
}

/** One line per worker warning (a retried Telegram call, say) instead of a full stack trace. */
function compactLog(entry: { level: string; message: string; meta?: Record<string, unknown> }): void {
  const meta = entry.meta ?? {};
  const error = meta.error instanceof Error ? `: ${meta.error.message}` : '';
  const activity =
    typeof meta.activityType === 'string' ? ` ${meta.activityType} (attempt ${String(meta.attempt)})` : '';
  console.log(`[worker] ${entry.level.toLowerCase()} ${entry.message}${activity}${error}`);
}

main().catch(async (err: unknown) => {
  const known =
    err instanceof ConfigError || err instanceof CourseContentError || err instanceof TemporalUnavailableError;
  console.error(known ? `${err.name}: ${err.message}` : err);
  await shutdown(1);
});
