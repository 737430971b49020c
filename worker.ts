import { NativeConnection } from '@temporalio/worker';
import { createTelegramBots } from './activities';
import { loadConfig, requireSettings } from './config';
import { createSql } from './db';
import { createEnrollmentWorker } from './services/worker';

/** Production worker: runs until SIGINT/SIGTERM, then finishes in-flight activities and closes its connections. */
async function main(): Promise<void> {
  const config = loadConfig();
  requireSettings(config, ['databaseUrl', 'salesBotToken']);
  const sql = createSql(config.databaseUrl!);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  try {
    const worker = await createEnrollmentWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      workflowBundlePath: config.temporal.workflowBundlePath,
      sql,
      telegram: createTelegramBots({
        salesToken: config.telegram.salesBotToken!,
        courseToken: config.telegram.courseBotToken!,
        apiRoot: config.telegram.apiRoot,
      }),
      adminChatId: config.telegram.adminChatId,
    });
    console.log(`worker: polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}`);
    await worker.run();
  } finally {
    await connection.close();
    await sql.end({ timeout: 5 });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
