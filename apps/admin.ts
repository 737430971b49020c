import { Client, Connection } from '@temporalio/client';
import { USAGE, UsageError, runAdminCli } from '../admin/cli';
import { AdminOpError } from '../journey/admin-ops';
import { ConfigError, loadAdminConfig, loadDotEnv } from '../config';
import { CourseContentError } from '../content/loader';
import { createSql } from '../db';
import { runMigrations } from '../db/migrate';
import { encryptingDataConverter } from '../lib/payload-codec';

/** `npm run admin -- <command>`: ops tasks against DATABASE_URL and TEMPORAL_ADDRESS. Exit 2 on a usage mistake. */
async function main(): Promise<number> {
  loadDotEnv();
  const config = loadAdminConfig(process.env);
  const argv = process.argv.slice(2);
  if (argv[0] === 'import') await runMigrations(config.databaseUrl);
  const sql = createSql(config.databaseUrl, { max: 2 });
  let connection: Connection | undefined;
  const client = async () => {
    connection ??= await Connection.connect({ address: config.temporal.address });
    const { namespace, payloadKeys } = config.temporal;
    return new Client({ connection, namespace, dataConverter: encryptingDataConverter(payloadKeys) });
  };
  try {
    const out = (text: string) => console.log(text);
    const { partnerMinPayout } = config;
    await runAdminCli(argv, { sql, client, taskQueue: config.temporal.taskQueue, out, partnerMinPayout });
    return 0;
  } finally {
    await connection?.close();
    await sql.end({ timeout: 5 });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    const known = err instanceof AdminOpError || err instanceof ConfigError || err instanceof CourseContentError;
    console.error(known ? err.message : err);
    process.exit(1);
  },
);
