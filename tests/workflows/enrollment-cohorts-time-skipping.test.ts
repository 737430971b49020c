import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CohortPolicy } from '../../domain/cohorts';
import { addDays, DAY_MS, localDateOf, zonedTimeToInstant } from '../../domain/schedule';
import { progressQuery, searchAttributes } from '../../journey/definitions';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { eventually } from '../helpers/platform';
import { lessonScheduledAt, useTimeSkipping } from '../helpers/time-skipping';

const MINUTE = 60_000;
const student = { timeZone: 'Asia/Yekaterinburg', preferredLessonTime: '07:30' };

/** Cohorts on a real 24-hour schedule: days before the start and after it, run in seconds by the time-skipping server. */
describe('a course in cohorts (time-skipping server)', () => {
  const ts = useTimeSkipping('cohorts-time-skipping');

  /** 07:30 in the student's zone, `days` after the local date of `instant`. */
  const lessonTime = (instant: number, days: number) =>
    zonedTimeToInstant(addDays(localDateOf(instant, student.timeZone), days), '07:30', student.timeZone);
  const isoDate = (instant: number, days: number) => {
    const { year, month, day } = addDays(localDateOf(instant, student.timeZone), days);
    return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  };

  /** A course of `lessons` daily lessons whose one cohort starts `startsIn` days from today (negative: it began). */
  async function cohortCourse(policy: CohortPolicy, startsIn: number, lessons: number) {
    const courseSlug = `cohort-${randomUUID().slice(0, 8)}`;
    const now = await ts.env.currentTimeMs();
    const startsOn = isoDate(now, startsIn);
    await insertCourse(ts.db.sql, {
      slug: courseSlug,
      intervalMs: DAY_MS,
      feedbackWaitMs: DAY_MS,
      cohorts: { policy, catchUpEveryMs: 5 * MINUTE, starts: [{ name: 'march', startsOn }] },
      lessons: Array.from({ length: lessons }, (_, i) => ({ day: i + 1, tasks: {} })),
    });
    const { userId, telegramId } = await insertUser(ts.db.sql, student);
    const input = { userId, courseSlug };
    return { input, telegramId, startsOn, handle: ts.enrollments.handle(input) };
  }

  it('gives an early buyer the welcome now and day 1 at their lesson time on the start day', async () => {
    const { input, telegramId, startsOn, handle } = await cohortCourse('catch-up', 3, 2);
    const { paidAt, waiting, cohortAttribute } = await ts.runWorker(async () => {
      await ts.enrollments.pay(input, payment('BASIC'));
      const paidAt = await ts.env.currentTimeMs();
      // Access (the welcome) comes at once; the journey then waits for the cohort with no lesson sent.
      const waiting = await eventually(
        () => handle.query(progressQuery),
        (p) => p.stage === 'active' && p.nextLessonDueAt !== null,
      );
      const cohortAttribute = (await handle.describe()).typedSearchAttributes.get(searchAttributes.cohort);
      expect(await handle.result()).toEqual({ stage: 'completed', lessonsDelivered: [1, 2] });
      return { paidAt, waiting, cohortAttribute };
    });
    expect(waiting).toMatchObject({ lessonsDelivered: [], cohort: { name: 'march', startsOn } });
    expect(waiting.nextLessonDueAt).toBe(lessonTime(paidAt, 3));
    expect(cohortAttribute).toBe('march');
    const at = await lessonScheduledAt(handle);
    expect(at.get(1)).toBeGreaterThanOrEqual(lessonTime(paidAt, 3));
    expect(at.get(1)).toBeLessThan(lessonTime(paidAt, 3) + MINUTE);
    expect(at.get(2)).toBeGreaterThanOrEqual(lessonTime(paidAt, 4));
    expect(at.get(2)).toBeLessThan(lessonTime(paidAt, 4) + MINUTE);
    expect(ts.telegram.sent(telegramId).filter((m) => m.text?.includes('Body of lesson'))).toHaveLength(2);
    await saveHistoryIfCapturing(handle, 'cohort-early-buyer');
  });

  it('catches a late joiner up, one missed lesson per five minutes, then the common rhythm', async () => {
    // The cohort began two days ago: lessons 1 and 2 are behind it, and lesson 3 too once today's 07:30 has passed.
    const { input, handle } = await cohortCourse('catch-up', -2, 5);
    const { paidAt, result } = await ts.runWorker(async () => {
      await ts.enrollments.pay(input, payment('BASIC'));
      const paidAt = await ts.env.currentTimeMs();
      return { paidAt, result: await handle.result() };
    });
    expect(result).toEqual({ stage: 'completed', lessonsDelivered: [1, 2, 3, 4, 5] });
    const at = await lessonScheduledAt(handle);
    const missed = [1, 2, 3, 4, 5].filter((day) => lessonTime(paidAt, day - 3) < paidAt);
    expect(missed.length).toBeGreaterThanOrEqual(2);
    for (const day of [1, 2, 3, 4, 5]) {
      const expected = missed.includes(day) ? paidAt + (day - 1) * 5 * MINUTE : lessonTime(paidAt, day - 3);
      expect(at.get(day), `lesson ${day}`).toBeGreaterThanOrEqual(expected - 1_000);
      expect(at.get(day), `lesson ${day}`).toBeLessThan(expected + MINUTE);
    }
  });

  it("gives a from-today joiner the cohort's latest lesson at once and never the ones before it", async () => {
    const { input, telegramId, handle } = await cohortCourse('from-today', -2, 5);
    const { paidAt, result } = await ts.runWorker(async () => {
      await ts.enrollments.pay(input, payment('BASIC'));
      const paidAt = await ts.env.currentTimeMs();
      return { paidAt, result: await handle.result() };
    });
    // The cohort's latest lesson: lesson 3 once today's 07:30 has passed, lesson 2 before it.
    const today = lessonTime(paidAt, 0) <= paidAt ? 3 : 2;
    const from = Array.from({ length: 5 - today + 1 }, (_, i) => today + i);
    expect(result).toEqual({ stage: 'completed', lessonsDelivered: from });
    const at = await lessonScheduledAt(handle);
    expect(at.get(today)).toBeLessThan(paidAt + MINUTE);
    expect(at.get(today + 1)).toBeGreaterThanOrEqual(lessonTime(paidAt, today + 1 - 3));
    const bodies = ts.telegram.sent(telegramId).flatMap((m) => (m.text?.match(/Body of lesson (\d)/) ?? []).slice(1));
    expect(bodies.map(Number)).toEqual(from);
    await saveHistoryIfCapturing(handle, 'cohort-from-today');
  });
});
