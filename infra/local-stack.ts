import path from 'node:path';
import type { StackConfig } from '../config';
import { createSql, withDatabase } from '../db';
import { runMigrations } from '../db/migrate';
import { startEmbeddedPostgres } from './embedded-postgres';
import { PROJECT_ROOT, ensureTemporalBinaries } from './temporal-binaries';
import { startTemporalDevServer } from './temporal-dev-server';
import { clusterPostgresFrom, startTemporalCluster } from './temporal-cluster';

export const DATA_DIR = path.join(PROJECT_ROOT, '.data');
const APP_DATABASE = 'course_platform';
const TEMPORAL_PORT = 7233;
const TEMPORAL_UI_PORT = 8233;

export interface LocalStack {
  databaseUrl: string;
  temporalAddress: string;
  /** The Temporal Web UI, when this stack runs the dev server. */
  temporalUiUrl?: string;
  stop(): Promise<void>;
}

/**
 * Postgres and Temporal for one machine: the configured ones when DATABASE_URL / TEMPORAL_ADDRESS are set, otherwise
 * an embedded Postgres and a Temporal dev server, both keeping their data in .data/ so a second run picks up where
 * the first stopped. Migrations are applied either way.
 */
export async function startLocalStack(
  config: StackConfig,
  log: (line: string) => void,
  options: {
    uiCodecEndpoint?: string;
    /** A Temporal cluster on Postgres (npm run cluster) instead of the dev server, with this many history processes. */
    cluster?: { historyProcesses: number };
  } = {},
): Promise<LocalStack> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => log(`shutdown: ${String(err)}`));
  };
  try {
    let databaseUrl = config.databaseUrl;
    // Who may create the Temporal cluster's databases: DATABASE_URL's role, or the embedded server's superuser.
    let adminUrl = databaseUrl;
    if (databaseUrl) {
      log('Postgres: using DATABASE_URL');
    } else {
      const port = config.embeddedPostgresPort;
      log(`Postgres: starting the embedded server on 127.0.0.1:${port} (data in .data/postgres)`);
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(DATA_DIR, 'postgres', 'data'),
        port,
        persistent: true,
      });
      stops.push(() => pg.stop());
      const admin = createSql(pg.adminUrl, { max: 1 });
      const [exists] = await admin`select 1 from pg_database where datname = ${APP_DATABASE}`;
      if (!exists) await admin`create database ${admin(APP_DATABASE)}`;
      await admin.end();
      databaseUrl = withDatabase(pg.adminUrl, APP_DATABASE);
      adminUrl = pg.adminUrl;
    }
    log('Postgres: applying migrations');
    await runMigrations(databaseUrl);

    let temporalAddress = config.temporal.address;
    let temporalUiUrl: string | undefined;
    if (config.temporal.external) {
      log(`Temporal: using TEMPORAL_ADDRESS ${temporalAddress}`);
    } else if (options.cluster) {
      const cluster = await startTemporalCluster({
        postgres: clusterPostgresFrom(adminUrl!),
        port: TEMPORAL_PORT,
        uiPort: TEMPORAL_UI_PORT,
        uiCodecEndpoint: options.uiCodecEndpoint,
        historyProcesses: options.cluster.historyProcesses,
        logDir: path.join(DATA_DIR, 'cluster-logs'),
        log: (line) => log(`Temporal: ${line}`),
      });
      stops.push(() => cluster.stop());
      temporalAddress = cluster.address;
      temporalUiUrl = cluster.uiUrl;
      log(`Temporal: each server process logs to .data/cluster-logs/`);
    } else {
      const { cli } = ensureTemporalBinaries({ log: (line) => log(`Temporal: ${line}`) });
      log(`Temporal: starting the dev server on 127.0.0.1:${TEMPORAL_PORT} (data in .data/temporal)`);
      const server = await startTemporalDevServer({
        cli,
        dataDir: path.join(DATA_DIR, 'temporal'),
        port: TEMPORAL_PORT,
        uiPort: TEMPORAL_UI_PORT,
        uiCodecEndpoint: options.uiCodecEndpoint,
      });
      stops.push(() => server.stop());
      temporalAddress = server.address;
      temporalUiUrl = server.uiUrl;
    }
    return { databaseUrl, temporalAddress, temporalUiUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
