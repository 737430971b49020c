import { Client, Connection } from '@temporalio/client';
import { ConfigError, loadConfig, loadDotEnv, requireSettings } from '../config';
import { createSql } from '../db';
import { startSalesRuntime } from '../services/sales-runtime';

const log = (line: string) => console.log(`[sales] ${line}`);

/** `npm run sales`: the sales bot (long polling) and the payment webhooks, as one production process. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  requireSettings(config, ['databaseUrl', 'salesBotToken']);
  const sql = createSql(config.databaseUrl!);
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const runtime = await startSalesRuntime({
    config,
    sql,
    client,
    salesToken: config.telegram.salesBotToken!,
    apiRoot: config.telegram.apiRoot,
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
