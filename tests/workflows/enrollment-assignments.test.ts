import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignmentSubmittedSignal, progressQuery, submitFeedbackUpdate } from '../../journey/definitions';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { stepsRun } from '../helpers/history-events';
import { enrollmentRows } from '../helpers/journey';
import { ADMIN_CHAT_ID, eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

describe('assignments', () => {
  let platform: Platform;
  let courseSlug: string;
  beforeAll(async () => {
    platform = await startPlatform();
    courseSlug = platform.slug('homework');
    await insertCourse(platform.db.sql, { slug: courseSlug, intervalMs: 3_000, lessons: [{ day: 1 }, { day: 2 }] });
  });
  afterAll(async () => platform?.close());

  it('answers a BASIC student’s submission automatically and never routes it to reviewers', async () => {
    const { userId, telegramId } = await insertUser(platform.db.sql);
    const input = { userId, courseSlug };
    const handle = platform.temporal.enrollments.handle(input);
    await platform.temporal.enrollments.pay(input, payment('BASIC'));
    await eventually(
      () => handle.query(progressQuery),
      (p) => p.lessonsDelivered.includes(1),
    );
    const reviewChatBefore = platform.telegram.sent(ADMIN_CHAT_ID).length;

    const submission = { submissionKey: `${telegramId}:77`, day: 1, parts: [{ type: 'text' as const, text: 'Done!' }] };
    await handle.signal(assignmentSubmittedSignal, submission);
    await handle.signal(assignmentSubmittedSignal, submission); // a repeat of the same submission
    const progress = await eventually(
      () => handle.query(progressQuery),
      (p) => p.assignments[0]?.status === 'auto-answered',
    );
    expect(progress.assignments).toHaveLength(1);
    expect(progress.stage).toBe('active');
    const answers = platform.telegram
      .sent(telegramId)
      .filter((m) => m.text?.includes('Assignment received, well done'));
    expect(answers).toHaveLength(1);
    expect(platform.telegram.sent(ADMIN_CHAT_ID)).toHaveLength(reviewChatBefore);

    // Reviewers cannot answer an assignment that was never theirs to review.
    const update = handle.executeUpdate(submitFeedbackUpdate, {
      args: [
        { assignmentId: progress.assignments[0]!.id, reviewerTelegramId: 1, parts: [{ type: 'text', text: 'x' }] },
      ],
    });
    await expect(update).rejects.toThrow(WorkflowUpdateFailedError);

    expect(await handle.result()).toMatchObject({ stage: 'completed' });
    await saveHistoryIfCapturing(handle, 'basic-submission');
    const rows = await enrollmentRows(platform.db.sql, input);
    expect(rows?.assignments.map((a) => [a.day, a.status, a.feedback])).toEqual([[1, 'auto-answered', null]]);
  });

  it('ignores a submission sent before access is granted', async () => {
    const { userId, telegramId } = await insertUser(platform.db.sql);
    const input = { userId, courseSlug };
    await platform.temporal.enrollments.start(input);
    const handle = platform.temporal.enrollments.handle(input);
    await handle.signal(assignmentSubmittedSignal, {
      submissionKey: 'early',
      day: 1,
      parts: [{ type: 'text', text: 'hi' }],
    });
    // Paid after the submission: once lesson 1 is out, the journey has long handled the submission signal.
    await platform.temporal.enrollments.pay(input, payment('BASIC'));
    await eventually(
      () => handle.query(progressQuery),
      (p) => p.lessonsDelivered.includes(1),
    );
    expect((await handle.query(progressQuery)).assignments).toEqual([]);
    expect(await stepsRun(handle, 'recordAssignment')).toBe(0);
    expect(platform.telegram.sent(telegramId).filter((m) => m.text?.includes('Assignment received'))).toEqual([]);
    expect((await enrollmentRows(platform.db.sql, input))?.assignments).toEqual([]);
    await handle.terminate('test done');
  });
});
