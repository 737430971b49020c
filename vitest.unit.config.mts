import { defineConfig } from 'vitest/config';

/**
 * The pure modules' unit tests alone: no global setup (that one starts Temporal and Postgres). Stryker runs this
 * config (`npm run mutate`); the same files run in the normal suite too.
 */
export default defineConfig({
  test: {
    include: [
      'tests/domain/schedule.test.ts',
      'tests/domain/gates.test.ts',
      'tests/domain/quizzes.test.ts',
      'tests/domain/cohorts.test.ts',
      'tests/domain/certificates.test.ts',
      'tests/domain/reminders.test.ts',
      'tests/payments/pricing.test.ts',
      'tests/workflows/journey-state.test.ts',
      'tests/telegram/callback-data.test.ts',
    ],
  },
});
