import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addDays, DAY_MS, localDateOf, zonedTimeToInstant } from '../../domain/schedule';
import { assignmentSubmittedSignal, progressQuery } from '../../journey/definitions';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { storedSubmission } from '../helpers/journey';
import { eventually } from '../helpers/platform';
import { lessonScheduledAt, useTimeSkipping } from '../helpers/time-skipping';

/** A gated lesson on a real 24-hour schedule: days of waiting, run in seconds by the time-skipping server. */
describe('a gated lesson on a 24-hour schedule (time-skipping server)', () => {
  const ts = useTimeSkipping('gates-time-skipping');

  it('holds lesson 2 for days until lesson 1 is handed in, reminding meanwhile, then sends it at the next lesson time', async () => {
    const courseSlug = `gated-${randomUUID().slice(0, 8)}`;
    await insertCourse(ts.db.sql, {
      slug: courseSlug,
      intervalMs: DAY_MS,
      reminderAfterMs: 20 * 60 * 60 * 1000,
      feedbackWaitMs: DAY_MS,
      // Only lesson 1 has a task: a reminder of a later lesson would fire at 07:30 too, as the last lesson ends the
      // journey, and the time-skipping server loses track of an activity cancelled in that instant.
      lessons: [
        { day: 1, gate: 'submitted' },
        { day: 2, tasks: {} },
        { day: 3, tasks: {} },
      ],
    });
    const student = { timeZone: 'America/New_York', preferredLessonTime: '07:30' };
    const { userId, telegramId } = await insertUser(ts.db.sql, student);
    const input = { userId, courseSlug };
    const handle = ts.enrollments.handle(input);
    const lessonTime = (instant: number, days: number) =>
      zonedTimeToInstant(addDays(localDateOf(instant, student.timeZone), days), '07:30', student.timeZone);

    const { result, submittedAt, promised } = await ts.runWorker(async () => {
      await ts.enrollments.pay(input, payment('FEEDBACK'));
      const paidAt = await ts.env.currentTimeMs();
      await eventually(
        () => handle.query(progressQuery),
        (p) => p.lessonsDelivered.includes(1),
      );
      // Three days go by: lesson 2 was due at 07:30 the day after payment, and the day after that, and so on.
      await ts.env.sleep(3 * DAY_MS);
      const waiting = await eventually(
        () => handle.query(progressQuery),
        (p) => Boolean(p.gate),
      );
      expect(await ts.env.currentTimeMs()).toBeGreaterThan(lessonTime(paidAt, 2)); // lesson 2's own time, and a day more
      expect(waiting).toMatchObject({
        lessonsDelivered: [1],
        gate: { day: 1, gate: 'submitted' },
        nextLessonDueAt: null,
      });
      // The course's reminder still came while the journey waited at the gate.
      expect(ts.telegram.sent(telegramId).filter((m) => m.text?.includes('gentle reminder'))).toHaveLength(1);

      const submittedAt = await ts.env.currentTimeMs();
      await handle.signal(assignmentSubmittedSignal, await storedSubmission(ts.db.sql, input, 1));
      const freed = await eventually(
        () => handle.query(progressQuery),
        (p) => p.gate === null && p.nextLessonDueAt !== null,
      );
      expect(freed.lessonsDelivered).toEqual([1]);
      return { result: await handle.result(), submittedAt, promised: freed.nextLessonDueAt };
    });

    // Lesson 2 comes at the first 07:30 New York time after the submission, lesson 3 a day later: no burst.
    const nextLessonTime = [0, 1].map((d) => lessonTime(submittedAt, d)).find((t) => t > submittedAt);
    expect(promised).toBe(nextLessonTime);
    expect(result).toEqual({ stage: 'completed', lessonsDelivered: [1, 2, 3] });
    const sentAt = await lessonScheduledAt(handle);
    expect(sentAt.get(2)).toBeGreaterThanOrEqual(nextLessonTime!);
    expect(sentAt.get(2)).toBeLessThan(nextLessonTime! + 60_000);
    expect(sentAt.get(3)! - sentAt.get(2)!).toBeGreaterThanOrEqual(DAY_MS - 60_000);
    await saveHistoryIfCapturing(handle, 'gated-lesson');
  });
});
