import { describe, expectTypeOf, it } from 'vitest';
import type { createEnrollmentStore } from '../../activities/enrollment-store';
import type { Activities } from '../../activities';
import type { DatabaseActivities, TelegramActivities } from '../../workflows/activity-steps';

/** Checked by `tsc --noEmit` (these assertions do nothing at run time): each activity runs under one retry policy. */
describe('activity proxies', () => {
  it('offer each activity under one policy only', () => {
    expectTypeOf<keyof DatabaseActivities & keyof TelegramActivities>().toEqualTypeOf<never>();
    expectTypeOf<DatabaseActivities>().not.toHaveProperty('deliverLesson');
    expectTypeOf<TelegramActivities>().not.toHaveProperty('recordStage');
  });

  it('run every Postgres-only activity as a database step, and nothing else', () => {
    expectTypeOf<keyof DatabaseActivities>().toEqualTypeOf<keyof ReturnType<typeof createEnrollmentStore>>();
  });

  it('offer only activities the worker registers', () => {
    expectTypeOf<keyof TelegramActivities>().toExtend<keyof Activities>();
  });
});
