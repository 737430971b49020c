import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enrollmentClient } from '../../journey/client';
import type { WorkflowHandle } from '@temporalio/client';
import { TASK_PRIORITY, assignmentSubmittedSignal, progressQuery } from '../../journey/definitions';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { localActivityTypes } from '../helpers/history-events';
import { TEST_PAYLOAD_KEYS } from '../helpers/temporal';
import { encryptingDataConverter } from '../../lib/payload-codec';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

/**
 * Task priority, end to end: the journey gives its tasks the keys of TASK_PRIORITY (the welcome first, the journey's
 * own steps next, lessons after), and the Temporal server the platform runs hands a backlog out in key order.
 */
describe('task priority', () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform();
  });
  afterAll(() => p?.close());

  /** The journey's priority key now, as the server keeps it (updates change it after the start). */
  const journeyKey = async (handle: WorkflowHandle) =>
    (await handle.describe()).raw.workflowExecutionInfo?.priority?.priorityKey ?? 0;

  it('is set on the journey and on each kind of step, as its history shows', async () => {
    const slug = p.slug('priority');
    await insertCourse(p.db.sql, { slug, lessons: [{ day: 1 }] });
    const { userId } = await insertUser(p.db.sql);
    const input = { userId, courseSlug: slug };
    await p.temporal.enrollments.pay(input, payment('BASIC'));
    const handle = p.temporal.enrollments.handle(input);
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(1),
    );
    const { events } = await handle.fetchHistory();
    const started = events?.find((e) => e.workflowExecutionStartedEventAttributes);
    // A payer waits for the welcome: the new journey starts at the top key, and rests once the welcome is out.
    expect(started?.workflowExecutionStartedEventAttributes?.priority?.priorityKey).toBe(TASK_PRIORITY.interactive);
    const keyOf = (activity: string) =>
      events?.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity)
        ?.activityTaskScheduledEventAttributes?.priority?.priorityKey ?? 0;
    // The welcome runs locally in the journey's first workflow task, which ran at the journey's (top) key.
    expect(localActivityTypes(events ?? [])).toContain('grantAccess');
    expect(keyOf('grantAccess')).toBe(0);
    expect(keyOf('deliverLesson')).toBe(TASK_PRIORITY.scheduled);
    expect(await journeyKey(handle)).toBe(TASK_PRIORITY.journey);
  });

  it('raises a journey while a student waits for its answer to a submission, and lowers it once answered', async () => {
    const slug = p.slug('answer-owed');
    await insertCourse(p.db.sql, { slug, intervalMs: 3_600_000, lessons: [{ day: 1 }, { day: 2 }] });
    const { userId } = await insertUser(p.db.sql);
    const input = { userId, courseSlug: slug };
    await p.temporal.enrollments.pay(input, payment('BASIC'));
    const handle = p.temporal.enrollments.handle(input);
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(1),
    );
    await eventually(
      () => journeyKey(handle),
      (key) => key === TASK_PRIORITY.journey,
    );
    // What the course bot does on "Send": raise, then signal.
    await p.temporal.enrollments.answerOwed(input);
    expect(await journeyKey(handle)).toBe(TASK_PRIORITY.interactive);
    await handle.signal(assignmentSubmittedSignal, {
      submissionKey: 'k1',
      day: 1,
      parts: [{ type: 'text', text: 'x' }],
    });
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.assignments[0]?.status === 'auto-answered',
    );
    expect(await journeyKey(handle)).toBe(TASK_PRIORITY.journey);
    await saveHistoryIfCapturing(handle, 'priority-settled-locally');
    await handle.terminate('test done');
  });

  it('is left off with PRIORITIES=off: the journey and its steps carry no key, so all run in arrival order', async () => {
    const slug = p.slug('no-priority');
    await insertCourse(p.db.sql, { slug, lessons: [{ day: 1 }] });
    const { userId } = await insertUser(p.db.sql);
    const input = { userId, courseSlug: slug };
    const unprioritised = enrollmentClient(p.temporal.client, p.temporal.taskQueue, { priorities: false });
    await unprioritised.pay(input, payment('BASIC'));
    const handle = unprioritised.handle(input);
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(1),
    );
    const { events } = await handle.fetchHistory();
    const started = events?.find((e) => e.workflowExecutionStartedEventAttributes);
    expect(started?.workflowExecutionStartedEventAttributes?.priority?.priorityKey ?? 0).toBe(0);
    const scheduled = (events ?? []).flatMap(({ activityTaskScheduledEventAttributes: a }) =>
      a ? [{ step: a.activityType?.name, key: a.priority?.priorityKey ?? 0 }] : [],
    );
    expect(scheduled.map((s) => s.step)).toEqual(expect.arrayContaining(['deliverLesson']));
    expect(scheduled.filter((s) => s.key !== 0)).toEqual([]);
  });

  it('hands a backlog out in key order: one answer queued after 30 lessons runs first', async () => {
    const { client } = p.temporal;
    const nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const taskQueue = `priority-${randomUUID()}`;
    // A worker that only runs workflows queues the steps up; no one runs them yet.
    const scheduler = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      dataConverter: encryptingDataConverter(TEST_PAYLOAD_KEYS), // as the platform's client encrypts
      workflowsPath: path.join(__dirname, '..', 'fixtures', 'priority-workflows.ts'),
    });
    await scheduler.runUntil(async () => {
      const started = [];
      for (let i = 0; i < 30; i++) {
        started.push(
          client.workflow.start('oneStepAt', {
            taskQueue,
            workflowId: `${taskQueue}-lesson-${i}`,
            args: [TASK_PRIORITY.scheduled, `lesson ${i}`],
          }),
        );
      }
      await Promise.all(started);
      await client.workflow.start('oneStepAt', {
        taskQueue,
        workflowId: `${taskQueue}-answer`,
        args: [TASK_PRIORITY.interactive, 'answer'],
      });
      // Every step is scheduled (each workflow waits on its one activity) before anyone takes one.
      const ids = [...Array.from({ length: 30 }, (_, i) => `${taskQueue}-lesson-${i}`), `${taskQueue}-answer`];
      await eventually(
        async () => {
          const waiting = await Promise.all(
            ids.map(async (id) => (await client.workflow.getHandle(id).describe()).raw.pendingActivities?.length ?? 0),
          );
          return waiting.filter((n) => n === 1).length;
        },
        (scheduled) => scheduled === ids.length,
      );
    });
    const order: string[] = [];
    const runner = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      dataConverter: encryptingDataConverter(TEST_PAYLOAD_KEYS),
      maxConcurrentActivityTaskExecutions: 1,
      maxConcurrentActivityTaskPolls: 1,
      activities: { step: async (name: string) => void order.push(name) },
    });
    await runner.runUntil(() =>
      eventually(
        async () => order.length,
        (n) => n === 31,
      ),
    );
    await nativeConnection.close();
    expect(order[0]).toBe('answer');
    expect(order).toHaveLength(31);
  });
});
