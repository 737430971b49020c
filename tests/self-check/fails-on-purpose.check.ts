import { expect, it } from 'vitest';

// Run only by `.ci/run`'s self-check (TEST_SELF_CHECK=1): the suite must be able to fail. Never collected otherwise.
it('fails on purpose, so the runner must exit non-zero', () => {
  expect(1).toBe(2);
});
