import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignmentSubmittedSignal, progressQuery, submitFeedbackUpdate } from '../../journey/definitions';
import type { EnrollmentInput } from '../../journey/definitions';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { enrollmentRows, lessonArrivals } from '../helpers/journey';
import { ADMIN_CHAT_ID, eventually, searchAttributesOf, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

const INTERVAL = 2_000;
const GROUP_ID = -100_200_300;

describe('a FEEDBACK student’s whole journey', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(async () => platform?.close());

  it('goes from payment to completion with lessons on time, a reviewed assignment and live progress', async () => {
    const { sql } = platform.db;
    const courseSlug = platform.slug('journey');
    await insertCourse(sql, {
      slug: courseSlug,
      intervalMs: INTERVAL,
      lessons: [{ day: 1 }, { day: 2 }, { day: 3, silent: true }, { day: 4 }],
      groups: { FEEDBACK: [GROUP_ID] },
    });
    const { userId, telegramId } = await insertUser(sql, { firstName: 'Grace' });
    const input: EnrollmentInput = { userId, courseSlug };
    const { enrollments } = platform.temporal;

    // Start: one journey per (course, student); a second start is "already enrolled".
    expect(await enrollments.start(input)).toMatchObject({ alreadyEnrolled: false });
    expect(await enrollments.start(input)).toMatchObject({ alreadyEnrolled: true });
    const handle = enrollments.handle(input);
    await eventually(
      () => handle.query(progressQuery),
      (p) => p.stage === 'awaiting-payment',
    );
    expect(await searchAttributesOf(platform, input)).toEqual({
      stage: 'awaiting-payment',
      tariff: undefined,
      day: 0,
      course: courseSlug,
    });
    expect(platform.telegram.sent(telegramId)).toHaveLength(0);

    // Payment: welcome, a one-person invite to the tariff's group, and lesson 1 at once.
    await enrollments.pay(input, payment('FEEDBACK', { id: 'pay-journey-1' }));
    await platform.telegram.waitForMessages(telegramId, 3);
    const [welcome, invite, lesson1] = platform.telegram.sent(telegramId);
    expect(welcome?.text).toContain('Payment received');
    expect(invite?.text).toContain('https://t.me/+');
    expect(lesson1?.text).toContain('Day 1. Lesson 1');
    const [inviteCall] = platform.telegram.calls('createChatInviteLink');
    expect(inviteCall?.params).toMatchObject({ chat_id: GROUP_ID, member_limit: 1 });
    const afterLesson1 = await eventually(
      () => handle.query(progressQuery),
      (p) => p.currentDay === 1,
    );
    expect(afterLesson1).toMatchObject({ stage: 'active', tariff: 'FEEDBACK', lessonsDelivered: [1], lessonCount: 4 });
    expect(afterLesson1.payments).toEqual([{ providerPaymentId: 'pay-journey-1', status: 'accepted' }]);
    await eventually(
      () => searchAttributesOf(platform, input),
      (a) => a.stage === 'active' && a.day === 1,
    );

    // Homework for day 1 goes to the review chat; the journey waits for feedback.
    await handle.signal(assignmentSubmittedSignal, {
      submissionKey: `${telegramId}:501`,
      day: 1,
      parts: [{ type: 'text', text: 'My <first> essay' }],
    });
    const review = await platform.telegram.waitForMessages(ADMIN_CHAT_ID, 2);
    expect(review[0]?.text).toMatch(/Assignment #\d+ · day 1 · FEEDBACK/);
    expect(review[1]?.text).toBe('My <first> essay');
    expect(review[1]?.rawText).toBe('My &lt;first&gt; essay');
    const waiting = await eventually(
      () => handle.query(progressQuery),
      (p) => p.assignments[0]?.status === 'awaiting-review',
    );
    expect(waiting.stage).toBe('awaiting-feedback');
    await eventually(
      () => searchAttributesOf(platform, input),
      (a) => a.stage === 'awaiting-feedback',
    );
    const assignmentId = waiting.assignments[0]!.id;

    // Feedback for an assignment this journey does not have is refused and changes nothing.
    const unknown = handle.executeUpdate(submitFeedbackUpdate, {
      args: [{ assignmentId: assignmentId + 1000, reviewerTelegramId: 42, parts: [{ type: 'text', text: 'Hm' }] }],
    });
    await expect(unknown).rejects.toThrow(WorkflowUpdateFailedError);
    expect((await handle.query(progressQuery)).assignments[0]?.status).toBe('awaiting-review');

    await handle.executeUpdate(submitFeedbackUpdate, {
      args: [{ assignmentId, reviewerTelegramId: 42, parts: [{ type: 'text', text: 'Great work, Grace!' }] }],
    });
    await eventually(
      () => handle.query(progressQuery),
      (p) => p.assignments[0]?.status === 'answered',
    );
    expect(platform.telegram.sent(telegramId).map((m) => m.text)).toContain('Great work, Grace!');
    // Answered once: a second answer is refused with the reason.
    const again = handle.executeUpdate(submitFeedbackUpdate, {
      args: [{ assignmentId, reviewerTelegramId: 43, parts: [{ type: 'text', text: 'Second opinion' }] }],
    });
    await expect(again).rejects.toThrow(WorkflowUpdateFailedError);
    await again.catch((err: WorkflowUpdateFailedError) => expect(String(err.cause)).toContain('already answered'));

    // The rest of the course, then completion.
    const result = await handle.result();
    expect(result).toEqual({ stage: 'completed', lessonsDelivered: [1, 2, 4] });
    await saveHistoryIfCapturing(handle, 'feedback-journey');

    // Each lesson exactly once, at start + (N-1)·interval; the silent day sends nothing.
    const arrivals = lessonArrivals(platform, telegramId);
    expect([...arrivals.keys()]).toEqual([1, 2, 4]);
    for (const times of arrivals.values()) expect(times).toHaveLength(1);
    const { startedAt } = await handle.query(progressQuery);
    for (const day of [1, 2, 4]) {
      const late = arrivals.get(day)![0]! - (startedAt! + (day - 1) * INTERVAL);
      expect(late, `lesson ${day} lateness`).toBeGreaterThanOrEqual(0);
      expect(late, `lesson ${day} lateness`).toBeLessThan(1_500);
    }
    expect(platform.telegram.sent(telegramId).at(-1)?.text).toContain('last lesson');
    expect(platform.telegram.sent(telegramId).filter((m) => m.text?.includes('Great work'))).toHaveLength(1);

    const final = await handle.query(progressQuery);
    expect(final).toMatchObject({
      stage: 'completed',
      currentDay: 4,
      lessonsDelivered: [1, 2, 4],
      nextLessonDueAt: null,
    });
    expect(await searchAttributesOf(platform, input)).toEqual({
      stage: 'completed',
      tariff: 'FEEDBACK',
      day: 4,
      course: courseSlug,
    });

    const rows = await enrollmentRows(sql, input);
    expect(rows?.enrollment).toMatchObject({ stage: 'completed', tariff: 'FEEDBACK', currentDay: 4 });
    expect(rows?.deliveredDays).toEqual([1, 2, 4]);
    expect(rows?.payments).toEqual([
      { providerPaymentId: 'pay-journey-1', status: 'accepted', reason: null, amountMinor: 4900 },
    ]);
    expect(rows?.assignments).toEqual([
      {
        id: assignmentId,
        day: 1,
        status: 'answered',
        feedback: [{ type: 'text', text: 'Great work, Grace!' }],
        reviewerTelegramId: 42,
      },
    ]);
  });
});
