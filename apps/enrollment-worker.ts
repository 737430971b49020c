import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import type { NativeConnection } from '@temporalio/worker';
import type { ActivityInterceptorsFactory, RuntimeOptions, WorkerOptions } from '@temporalio/worker';
import { createActivities, createTelegramBots } from '../activities';
import type { ActivityDeps } from '../activities';
import { heartbeatWhileRunning } from '../activities/heartbeats';
import { createSendPacer } from '../activities/pacing';
import type { WorkerSettings } from '../config';
import type { Sql } from '../db';
import { encryptingDataConverter, FAILURE_CONVERTER_PATH } from '../lib/payload-codec';
import type { PayloadKey } from '../lib/payload-codec';

/** Entry of the workflow code the worker bundles (or `npm run build` pre-bundles). */
export const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows', 'index.ts');

/** The workflow code as one bundle (`npm run build`, tests, benchmarks), with the failure converter workers load. */
export async function bundleEnrollmentWorkflows(): Promise<string> {
  const logger = new DefaultLogger('WARN');
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger,
  });
  return code;
}

export interface EnrollmentWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** PAYLOAD_KEYS: the same keys as every client of the namespace, or none (development: in clear). */
  payloadKeys: readonly PayloadKey[];
  /** Pre-bundled workflow code (`npm run build`); bundled from workflows/ at start-up when absent. */
  workflowBundlePath?: string;
  /** Extra Worker options (tests shorten shutdown, production may tune concurrency). */
  tuning?: Partial<
    Pick<WorkerOptions, 'shutdownGraceTime' | 'shutdownForceTime' | 'maxConcurrentActivityTaskExecutions'>
  >;
}

/** The Temporal SDK's metrics for Prometheus at `http://<address>/metrics`, or none without an address. */
export function metricsTelemetry(address: string | undefined): Pick<RuntimeOptions, 'telemetryOptions'> {
  return address ? { telemetryOptions: { metrics: { prometheus: { bindAddress: address } } } } : {};
}

/**
 * On SIGTERM a worker stops polling and lets in-flight activities finish for this long before cancelling them (a
 * cancelled send is aborted, not left to deliver next to its retry); compose's stop_grace_period is longer.
 */
export const WORKER_SHUTDOWN_GRACE = '20s';
/** After this, shutdown gives up on stragglers and the process exits anyway. */
export const WORKER_SHUTDOWN_FORCE = '40s';

/** See createEnrollmentWorker; a busy worker that misses it costs a replay from history, not a failure. */
export const STICKY_QUEUE_TIMEOUT = '3s';

/**
 * How the worker's workflow-task polls are split between the shared task queue and its own sticky queue (the SDK's
 * nonStickyToStickyPollRatio; its default 0.2 gives the task queue 2 of 10 pollers). Temporal's priority keys order
 * the backlog of one queue, not the two queues against each other, and they are apart: a new journey's first task
 * (a payer's welcome) is on the task queue, the next tasks of journeys this worker holds in cache on its sticky queue.
 * During a fan-out of lessons the sticky queue always has work, so at 0.2 a payer's first task waited for one poll in
 * five (rush hour, docs/benchmarks.md: queued p95 9.7 s); at 0.5 the two queues are polled alike (p95 4.0 s).
 */
export const TASK_QUEUE_POLL_RATIO = 0.5;

/**
 * How often, at most, the SDK passes a running activity's heartbeats on to the server. Its default is 80% of the
 * step's heartbeatTimeout (4 of 5 s), which leaves a busy worker one second before the server declares a live attempt
 * dead and starts a second one beside it — two sends of one message. Every second leaves four.
 */
export const HEARTBEAT_FLUSH_EVERY = '1s';

/** A worker for the enrollment task queue; any number of them can share the queue. */
export function createEnrollmentWorker(options: EnrollmentWorkerOptions): Promise<Worker> {
  const { connection, namespace, taskQueue, payloadKeys, workflowBundlePath, tuning, ...deps } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    // Its codecs run in the worker's main thread, never in the workflow sandbox: workflow code sees plain values.
    dataConverter: encryptingDataConverter(payloadKeys),
    ...(workflowBundlePath ? { workflowBundle: { codePath: workflowBundlePath } } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(deps),
    interceptors: { activity: [enrollmentLogAttributes, heartbeatWhileRunning] },
    shutdownGraceTime: WORKER_SHUTDOWN_GRACE,
    shutdownForceTime: WORKER_SHUTDOWN_FORCE,
    // A journey's next task waits this long on the sticky queue of the worker that holds it in cache before any
    // worker may take it: what a dead worker costs each of its cached journeys (the SDK's default is 10 s).
    stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT,
    nonStickyToStickyPollRatio: TASK_QUEUE_POLL_RATIO,
    maxHeartbeatThrottleInterval: HEARTBEAT_FLUSH_EVERY,
    ...tuning,
  });
}

/**
 * The enrollment worker as a worker process configures it (worker.ts, and `npm start` for its own): both bots' APIs
 * behind one send pacer shared through Postgres, on an open connection.
 */
export function createConfiguredWorker(
  settings: WorkerSettings,
  deps: { connection: NativeConnection; sql: Sql },
): Promise<Worker> {
  const { temporal, telegram } = settings;
  return createEnrollmentWorker({
    connection: deps.connection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    payloadKeys: temporal.payloadKeys,
    workflowBundlePath: temporal.workflowBundlePath,
    sql: deps.sql,
    telegram: createTelegramBots({
      salesToken: telegram.salesBotToken,
      courseToken: telegram.courseBotToken,
      apiRoot: telegram.apiRoot,
      pacer: createSendPacer(deps.sql, telegram.sendsPerSecond, telegram.chatLimits, telegram.lanes),
    }),
    adminChatId: telegram.adminChatId,
  });
}

/**
 * Every activity takes `{ enrollmentId, ... }`: its log lines (the SDK's own "Activity failed" included) carry that
 * enrollmentId beside the workflowId, so one grep finds a student's whole journey in the logs.
 */
const enrollmentLogAttributes: ActivityInterceptorsFactory = () => {
  let enrollmentId: unknown;
  return {
    inbound: {
      execute(input, next) {
        const [first] = input.args;
        enrollmentId =
          typeof first === 'object' && first !== null && 'enrollmentId' in first ? first.enrollmentId : undefined;
        return next(input);
      },
    },
    outbound: {
      getLogAttributes: (attributes, next) =>
        next(enrollmentId === undefined ? attributes : { ...attributes, enrollmentId }),
    },
  };
};
