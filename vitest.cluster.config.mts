import { defineConfig } from 'vitest/config';
import base from './vitest.config.mts';

/**
 * `npm run test:cluster`: the end-to-end journeys on a Temporal cluster on Postgres (TEST_TEMPORAL=cluster makes
 * tests/global-setup.ts start one, infra/temporal-cluster.ts) — the configuration docker-compose.yml ships.
 */
// tests/global-setup.ts reads it in this same process.
process.env.TEST_TEMPORAL = 'cluster';

export default defineConfig({
  test: {
    ...base.test,
    // Arrays would be concatenated by mergeConfig: this set replaces the suite's, and tests/cluster/ is in it.
    exclude: ['node_modules/**'],
    include: [
      // A paid journey per tariff through both bots, with homework, review and feedback.
      'tests/bots/sales-journey.test.ts',
      'tests/bots/course-journey.test.ts',
      'tests/workflows/enrollment-journey.test.ts',
      'tests/workflows/enrollment-payments.test.ts',
      // A worker stopped mid-journey; a worker process killed and drained.
      'tests/workflows/enrollment-worker-restart.test.ts',
      'tests/ops/worker-drain.test.ts',
      // Ops find and read journeys in the Temporal UI the cluster serves (decoded through the codec server).
      'tests/ops/temporal-ui.test.ts',
      // The committed histories replay.
      'tests/workflows/replay.test.ts',
      // The cluster's own: search attributes in SQL visibility, a history process killed mid-journey.
      'tests/cluster/*.test.ts',
    ],
  },
});
