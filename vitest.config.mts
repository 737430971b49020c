import { defineConfig } from 'vitest/config';

// `.ci/run` first proves the runner can fail: TEST_SELF_CHECK=1 collects only a test that fails on purpose.
const selfCheck = process.env.TEST_SELF_CHECK === '1';

export default defineConfig({
  test: {
    include: selfCheck ? ['tests/self-check/*.check.ts'] : ['tests/**/*.test.ts'],
    // Only on a Temporal cluster (vitest.cluster.config.mts, npm run test:cluster).
    exclude: ['tests/cluster/**', 'node_modules/**'],
    // Suites start Temporal workers (native threads): one process per file, not worker threads.
    pool: 'forks',
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
