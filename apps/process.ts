import { Client, Connection } from '@temporalio/client';
import type { BaseConfig, DatabaseConfig } from '../config';
import { ConfigError, loadDotEnv, secretsIn } from '../config';
import { createSql } from '../db';
import type { Sql } from '../db';
import { createLogger } from '../lib/logger';
import { encryptingDataConverter } from '../lib/payload-codec';
import { surviveDatabaseRestarts } from './process-guards';

/** Why a process without PAYLOAD_KEYS says so at start-up (production refuses to start without them). */
export const CLEAR_PAYLOADS =
  'PAYLOAD_KEYS is unset: payloads go to Temporal in clear, and encrypted ones cannot be read (development only)';

/**
 * The skeleton every bot process shares: read the config (failing with the missing variables' names), connect to
 * Postgres and Temporal, start, and on SIGINT/SIGTERM stop the service before closing its connections. Logs are
 * JSON lines on stdout, scrubbed of every secret the environment holds.
 */
export function runProcess<Config extends BaseConfig & DatabaseConfig>(
  name: string,
  loadConfig: (env: NodeJS.ProcessEnv) => Config,
  start: (deps: {
    config: Config;
    sql: Sql;
    client: Client;
    log: (line: string) => void;
  }) => Promise<{ stop(): Promise<void> }>,
): void {
  let logger = createLogger(name);
  const log = (line: string) => logger.info(line);
  const main = async () => {
    loadDotEnv();
    const config = loadConfig(process.env);
    logger = createLogger(name, { level: config.logLevel, secrets: secretsIn(process.env) });
    surviveDatabaseRestarts(logger);
    const sql = createSql(config.databaseUrl);
    const connection = await Connection.connect({ address: config.temporal.address });
    const { namespace, payloadKeys } = config.temporal;
    const client = new Client({ connection, namespace, dataConverter: encryptingDataConverter(payloadKeys) });
    if (payloadKeys.length === 0) logger.warn(CLEAR_PAYLOADS);
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
    if (err instanceof ConfigError) console.error(err.message);
    else logger.fatal({ err }, `${name} failed`);
    process.exit(1);
  });
}
