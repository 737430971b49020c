import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { createTelegramBots } from '../activities';
import { createSendPacer } from '../activities/pacing';
import { ConfigError, loadConfig, loadDotEnv } from '../config';
import { importCourses } from '../content/catalog';
import { CourseContentError } from '../content/loader';
import { createSql } from '../db';
import type { Sql } from '../db';
import { asDemoCourse, runDemo } from '../services/demo';
import { enrollmentClient } from '../services/enrollments';
import { startSalesRuntime } from '../services/sales-runtime';
import { startCourseRuntime } from '../services/course-runtime';
import { startLocalStack } from '../services/local-stack';
import type { LocalStack } from '../services/local-stack';
import { TemporalUnavailableError } from '../services/temporal-binaries';
import { createEnrollmentWorker, metricsTelemetry } from '../services/worker';
import { startBotApiStandIn } from '../testing/bot-api';

const DEMO_SALES_TOKEN = '1000001:local-demo-sales';
const DEMO_COURSE_TOKEN = '1000002:local-demo-course';
// A review chat of its own per run: the stand-in's message ids start again at 1 while Postgres keeps old runs' rows.
const DEMO_ADMIN_CHAT = -1_000_000_000_000 - (Date.now() % 1_000_000_000);
const DEMO_REVIEWER = { id: 99_999_999, first_name: 'Demo reviewer' };

const log = (line: string) => console.log(`[start] ${line}`);

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
  const config = loadConfig();
  const demo = !config.telegram.salesBotToken;

  const stack: LocalStack = await startLocalStack(config, log);
  cleanups.push(() => stack.stop());
  const sql: Sql = createSql(stack.databaseUrl);
  cleanups.push(() => sql.end({ timeout: 5 }));

  // The demo runs the course at demo pace; real bots get the interval the course files give.
  const demoInterval = config.demoLessonIntervalMs;
  const imported = await importCourses(sql, undefined, (course) =>
    demo ? asDemoCourse(course, demoInterval) : course,
  );
  for (const r of imported) log(`course "${r.slug}": ${r.lessons} lessons (${r.changed ? 'imported' : 'unchanged'})`);

  let apiRoot = config.telegram.apiRoot;
  let standIn: Awaited<ReturnType<typeof startBotApiStandIn>> | undefined;
  if (demo) {
    standIn = await startBotApiStandIn({ port: 0 });
    cleanups.push(() => standIn!.stop());
    apiRoot = standIn.apiRoot;
    log(`no SALES_BOT_TOKEN: using the local Bot API stand-in at ${apiRoot}`);
  }

  Runtime.install({
    logger: new DefaultLogger('WARN', compactLog),
    ...metricsTelemetry(config.metricsAddress),
  });
  const nativeConnection = await NativeConnection.connect({ address: stack.temporalAddress });
  cleanups.push(() => nativeConnection.close());
  const worker: Worker = await createEnrollmentWorker({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundlePath: config.temporal.workflowBundlePath,
    sql,
    telegram: createTelegramBots({
      salesToken: config.telegram.salesBotToken ?? DEMO_SALES_TOKEN,
      courseToken: config.telegram.courseBotToken ?? DEMO_COURSE_TOKEN,
      apiRoot,
      pacer: createSendPacer(sql, config.telegram.sendsPerSecond, config.telegram.chatLimits),
    }),
    adminChatId: config.telegram.adminChatId ?? (demo ? DEMO_ADMIN_CHAT : undefined),
  });
  const running = worker.run();
  cleanups.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });
  log(`worker: polling "${config.temporal.taskQueue}" on ${stack.temporalAddress}`);
  if (config.metricsAddress) log(`metrics for Prometheus: http://${config.metricsAddress}/metrics`);
  if (stack.temporalUiUrl) log(`Temporal UI: ${stack.temporalUiUrl}/namespaces/${config.temporal.namespace}/workflows`);

  const connection = await Connection.connect({ address: stack.temporalAddress });
  cleanups.push(() => connection.close());
  const client = new Client({ connection, namespace: config.temporal.namespace });
  if (demo) {
    // The demo needs no secrets from you: example documents and a mock-payment secret for this run only.
    config.sales.offerUrl ??= 'https://example.com/offer';
    config.sales.privacyUrl ??= 'https://example.com/privacy';
    config.payments.mockSecret ??= randomBytes(24).toString('hex');
    if (config.payments.providers.length === 0) config.payments.providers = ['mock'];
    // The local demo is the mock provider's opt-in; NODE_ENV=production still refuses it.
    config.payments.allowMock = true;
    config.telegram.adminChatId ??= DEMO_ADMIN_CHAT;
    if (config.telegram.reviewerIds.length === 0) config.telegram.reviewerIds = [DEMO_REVIEWER.id];
  }
  const salesToken = config.telegram.salesBotToken ?? DEMO_SALES_TOKEN;
  const sales = await startSalesRuntime({ config, sql, client, salesToken, apiRoot, log });
  cleanups.push(() => sales.stop());
  const courseToken = config.telegram.courseBotToken ?? DEMO_COURSE_TOKEN;
  if (courseToken === salesToken) {
    log('course bot: COURSE_BOT_TOKEN is the sales bot token; set a token of its own to run the course bot');
  } else {
    const course = await startCourseRuntime({
      config,
      sql,
      client,
      courseToken,
      apiRoot,
      salesBot: sales.username,
      // With BOT_MODE=webhook both bots share the sales runtime's HTTP server.
      mode: sales.botMode,
      log,
    });
    cleanups.push(() => course.stop());
  }

  if (demo) {
    const enrollments = enrollmentClient(client, config.temporal.taskQueue);
    const { slug } = imported.find((r) => r.slug === 'demo') ?? imported[0]!;
    runDemo({
      sql,
      enrollments,
      standIn: standIn!,
      salesToken,
      courseToken,
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
