import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignmentSubmittedSignal, paymentRefundedSignal, progressQuery } from '../../journey/definitions';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { localActivityTypes } from '../helpers/history-events';
import { eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

const DATABASE_STEPS = ['openEnrollment', 'recordPayment', 'recordStage', 'recordAssignment', 'recordRefund'];

/**
 * What a journey costs the Temporal server (issue #15): every round trip through it (a workflow task, an activity
 * task) is work the server does per payment. The Postgres steps run as local activities inside the journey's
 * workflow tasks, so a payment reaches its welcome after one workflow task, where it took three workflow tasks and
 * three activity tasks; and the answers (the welcome, a submission's receipt) run locally in the same task, so the
 * welcome goes out before the server has heard back from that task at all.
 */
describe('round trips of a journey', () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform();
  });
  afterAll(() => p?.close());

  const eventsOf = async (handle: WorkflowHandle) => (await handle.fetchHistory()).events ?? [];
  const firstStarted = (events: Awaited<ReturnType<typeof eventsOf>>) =>
    events.findIndex((e) => e.workflowTaskStartedEventAttributes);
  const remoteSteps = (events: Awaited<ReturnType<typeof eventsOf>>) =>
    events.flatMap((e) => {
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
      return name ? [name] : [];
    });

  /** A BASIC journey in a course of its own, paid, once lesson 1 has gone out. */
  async function paidThroughLesson1(name: string) {
    const slug = p.slug(name);
    await insertCourse(p.db.sql, { slug, intervalMs: 3_600_000, lessons: [{ day: 1 }, { day: 2 }] });
    const { userId, telegramId } = await insertUser(p.db.sql);
    const input = { userId, courseSlug: slug };
    const paid = payment('BASIC');
    await p.temporal.enrollments.pay(input, paid);
    const handle = p.temporal.enrollments.handle(input);
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(1),
    );
    return { telegramId, paid, handle };
  }

  /** Hands in day 1's work and waits for the automatic answer. */
  async function submitDay1(handle: WorkflowHandle, telegramId: number) {
    await handle.signal(assignmentSubmittedSignal, {
      submissionKey: `${telegramId}:1`,
      day: 1,
      parts: [{ type: 'text', text: 'Done' }],
    });
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.assignments[0]?.status === 'auto-answered',
    );
  }

  it('sends the welcome from the first workflow task: openEnrollment, recordPayment and grantAccess run in it', async () => {
    const { telegramId, handle } = await paidThroughLesson1('round-trips');
    expect(p.telegram.sent(telegramId)[0]?.text).toContain('Payment received');
    const events = await eventsOf(handle);
    // A task's commands (its local activities' markers among them) follow its WorkflowTaskCompleted event.
    const secondTask = events.findIndex((e, i) => e.workflowTaskStartedEventAttributes && i > firstStarted(events));
    const firstTask = events.slice(0, secondTask < 0 ? events.length : secondTask);
    // The same task goes on to record the stage and schedule lesson 1.
    expect(localActivityTypes(firstTask)).toEqual(['openEnrollment', 'recordPayment', 'grantAccess', 'recordStage']);
    // The whole way to lesson 1 costs one activity task, the lesson's own.
    expect(remoteSteps(events)).toEqual(['deliverLesson']);
  });

  it('answers a submission from the workflow task that records it', async () => {
    const { telegramId, handle } = await paidThroughLesson1('local-receipt');
    const before = (await eventsOf(handle)).length;
    await submitDay1(handle, telegramId);
    const after = (await eventsOf(handle)).slice(before);
    expect(after.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(1);
    expect(localActivityTypes(after)).toEqual(['recordAssignment', 'acknowledgeAssignment']);
    expect(remoteSteps(after)).toEqual([]);
  });

  it('runs every Postgres step and every answer but the revocation locally, from payment to refund', async () => {
    const { telegramId, paid, handle } = await paidThroughLesson1('local-steps');
    await submitDay1(handle, telegramId);
    await handle.signal(paymentRefundedSignal, { provider: paid.provider, providerPaymentId: paid.providerPaymentId });
    expect(await handle.result()).toEqual({ stage: 'refunded', lessonsDelivered: [1] });
    await saveHistoryIfCapturing(handle, 'local-replies');

    const events = await eventsOf(handle);
    expect(remoteSteps(events).filter((name) => DATABASE_STEPS.includes(name))).toEqual([]);
    expect(new Set(localActivityTypes(events))).toEqual(
      new Set([...DATABASE_STEPS, 'grantAccess', 'acknowledgeAssignment']),
    );
    // The refund's revocation is the one answer that stays remote.
    expect(remoteSteps(events)).toEqual(['deliverLesson', 'revokeAccess']);
  });
});
