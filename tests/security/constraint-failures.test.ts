import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, createTelegramBots } from '../../activities';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { ADMIN_CHAT_ID, COURSE_TOKEN, SALES_TOKEN, eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

/**
 * Database steps retry without a cap (a journey must outlive a Postgres outage). Input the database refuses is not
 * an outage: the step must fail at once, visibly, instead of retrying the same insert forever.
 */
describe('a database rule broken inside a journey step', () => {
  let p: Platform;
  let slug: string;
  beforeAll(async () => {
    p = await startPlatform();
    slug = p.slug('rules');
    await insertCourse(p.db.sql, { slug, lessons: [{ day: 1 }] });
  });
  afterAll(async () => p?.close());

  it('is a non-retryable DatabaseConstraintError from the activity', async () => {
    const activities = createActivities({
      sql: p.db.sql,
      telegram: createTelegramBots({ salesToken: SALES_TOKEN, courseToken: COURSE_TOKEN, apiRoot: p.telegram.apiRoot }),
      adminChatId: ADMIN_CHAT_ID,
    });
    const { userId } = await insertUser(p.db.sql);
    const plan = await activities.openEnrollment({ workflowId: `rules-${userId}`, userId, courseSlug: slug });
    const failure = await activities
      .recordPayment({
        enrollmentId: plan.enrollmentId,
        payment: payment('BASIC', { amountMinor: -1 }),
        status: 'underpaid',
      })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'DatabaseConstraintError', nonRetryable: true });
    expect((failure as Error).message).toMatch(/payments.*amount_minor/);
    // A missing row stays what it was (NotFoundError, handled by the retry policy).
    await expect(activities.openEnrollment({ workflowId: 'x', userId, courseSlug: 'no-such-course' })).rejects.toThrow(
      /has not been imported/,
    );
  });

  it('ends the journey as failed (visible in the Temporal UI) instead of retrying forever', async () => {
    const { userId } = await insertUser(p.db.sql);
    const input = { userId, courseSlug: slug };
    // Past the edge checks (a bug or a replayed old signal): the payments table refuses a negative amount.
    await p.temporal.enrollments.pay(input, payment('BASIC', { amountMinor: -1 }));
    const handle = p.temporal.enrollments.handle(input);
    const description = await eventually(
      () => handle.describe(),
      (d) => d.status.name !== 'RUNNING',
      30_000,
    );
    expect(description.status.name).toBe('FAILED');
    const failure = await handle.result().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    // recordPayment runs as a local activity (workflows/activity-steps.ts): its failure is the journey's cause as is.
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'DatabaseConstraintError', nonRetryable: true });
    expect(cause?.message).toMatch(/payments.*amount_minor/);
  });
});
