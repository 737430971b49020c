import { Client, Connection } from '@temporalio/client';
import type { AppConfig, Setting } from '../config';
import { ConfigError, loadConfig, loadDotEnv, requireSettings } from '../config';
import { createSql } from '../db';
import type { Sql } from '../db';

/**
 * The skeleton every bot process shares: read the config (failing with the missing variables' names), connect to
 * Postgres and Temporal, start, and on SIGINT/SIGTERM stop the service before closing its connections.
 */
export function runProcess(
  name: string,
  needed: Setting[],
  start: (deps: {
    config: AppConfig;
    sql: Sql;
    client: Client;
    log: (line: string) => void;
  }) => Promise<{ stop(): Promise<void> }>,
): void {
  const log = (line: string) => console.log(`[${name}] ${line}`);
  const main = async () => {
    loadDotEnv();
    const config = loadConfig();
    requireSettings(config, ['databaseUrl', ...needed]);
    const sql = createSql(config.databaseUrl!);
    const connection = await Connection.connect({ address: config.temporal.address });
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const service = await start({ config, sql, client, log });
    const stop = async () => {
      log('shutting down…');
      await service.stop();
      await connection.close();
      await sql.end({ timeout: 5 });
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  };
  main().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}
