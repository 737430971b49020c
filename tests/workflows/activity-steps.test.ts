import { describe, expectTypeOf, it } from 'vitest';
import type { createCohortStore } from '../../activities/cohorts';
import type { createEnrollmentStore } from '../../activities/enrollment-store';
import type { Activities, BroadcastActivities } from '../../activities';
import type { DatabaseActivities, ReplyActivities, ScheduledActivities } from '../../workflows/activity-steps';

/**
 * Checked by `tsc --noEmit` (these assertions do nothing at run time): each activity runs under one retry policy and
 * one task priority.
 */
describe('activity proxies', () => {
  it('offer each activity under one policy and one priority only', () => {
    expectTypeOf<keyof DatabaseActivities & keyof ReplyActivities>().toEqualTypeOf<never>();
    expectTypeOf<keyof DatabaseActivities & keyof ScheduledActivities>().toEqualTypeOf<never>();
    expectTypeOf<keyof ReplyActivities & keyof ScheduledActivities>().toEqualTypeOf<never>();
    expectTypeOf<DatabaseActivities>().not.toHaveProperty('deliverLesson');
    expectTypeOf<ScheduledActivities>().not.toHaveProperty('grantAccess');
    expectTypeOf<ReplyActivities>().not.toHaveProperty('recordStage');
  });

  it('run every Postgres-only activity as a database step, and nothing else', () => {
    expectTypeOf<keyof DatabaseActivities>().toEqualTypeOf<
      keyof ReturnType<typeof createEnrollmentStore> | keyof ReturnType<typeof createCohortStore>
    >();
  });

  it('give every activity the worker registers exactly one proxy', () => {
    // releaseCommission is the commission hold's own step (workflows/commission-hold.ts), never the journey's; the
    // broadcast workflow's own (#18) have theirs in workflows/broadcast.ts.
    expectTypeOf<
      | keyof DatabaseActivities
      | keyof ReplyActivities
      | keyof ScheduledActivities
      | keyof BroadcastActivities
      | 'releaseCommission'
    >().toEqualTypeOf<keyof Activities>();
  });
});
