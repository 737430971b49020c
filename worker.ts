import { NativeConnection, Runtime } from '@temporalio/worker';
import { ConfigError, loadDotEnv, loadWorkerConfig, secretsIn } from './config';
import { createSql } from './db';
import { createLogger, temporalLogger } from './lib/logger';
import { surviveDatabaseRestarts } from './apps/process-guards';
import { createConfiguredWorker, metricsTelemetry } from './apps/enrollment-worker';
import { CLEAR_PAYLOADS } from './apps/process';

/**
 * Production worker: JSON logs on stdout (journey lines carry workflowId and enrollmentId, never a secret), Temporal
 * SDK metrics for Prometheus on METRICS_ADDRESS, and on SIGINT/SIGTERM it finishes in-flight activities and closes
 * its connections. Any number of workers share the task queue.
 */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadWorkerConfig(process.env);
  const logger = createLogger('worker', { level: config.logLevel, secrets: secretsIn(process.env) });
  surviveDatabaseRestarts(logger);
  if (config.temporal.payloadKeys.length === 0) logger.warn(CLEAR_PAYLOADS);
  Runtime.install({
    logger: temporalLogger(logger),
    ...metricsTelemetry(config.metricsAddress),
  });
  const sql = createSql(config.databaseUrl);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  try {
    const worker = await createConfiguredWorker(config, { connection, sql });
    logger.info(
      {
        taskQueue: config.temporal.taskQueue,
        temporal: config.temporal.address,
        metrics: config.metricsAddress ? `http://${config.metricsAddress}/metrics` : 'off',
      },
      'worker polling',
    );
    await worker.run();
    logger.info('worker stopped');
  } finally {
    await connection.close();
    await sql.end({ timeout: 5 });
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else createLogger('worker').fatal({ err }, 'worker failed');
  process.exit(1);
});
