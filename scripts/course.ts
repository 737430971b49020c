import { Client, Connection } from '@temporalio/client';
import { ConfigError, loadConfig, loadDotEnv, requireSettings } from '../config';
import { createSql } from '../db';
import { startCourseRuntime } from '../services/course-runtime';

const log = (line: string) => console.log(`[course] ${line}`);

/** `npm run course`: the course bot and review desk (long polling), as one production process. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  requireSettings(config, ['databaseUrl', 'courseBotToken', 'adminChatId']);
  const sql = createSql(config.databaseUrl!);
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const runtime = await startCourseRuntime({
    config,
    sql,
    client,
    courseToken: config.telegram.courseBotToken!,
    apiRoot: config.telegram.apiRoot,
    salesBot: config.sales.botUsername ?? 'the sales bot',
    log,
  });
  const stop = async () => {
    log('shutting down…');
    await runtime.stop();
    await connection.close();
    await sql.end({ timeout: 5 });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
