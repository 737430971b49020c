import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addDays, DAY_MS, localDateOf, zonedTimeToInstant } from '../../domain/schedule';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { lessonArrivals } from '../helpers/journey';
import type { Platform } from '../helpers/platform';
import { useTimeSkipping } from '../helpers/time-skipping';

/** Real 24-hour schedules, run in seconds by Temporal's time-skipping test server. */
describe('a course on a real 24-hour schedule (time-skipping server)', () => {
  const ts = useTimeSkipping('time-skipping');

  it('delivers day N at the student’s preferred local time, four days in seconds', async () => {
    const courseSlug = `daily-${randomUUID().slice(0, 8)}`;
    await insertCourse(ts.db.sql, {
      slug: courseSlug,
      intervalMs: DAY_MS,
      lessons: [{ day: 1 }, { day: 2 }, { day: 3 }, { day: 4 }],
    });
    const student = { timeZone: 'America/New_York', preferredLessonTime: '07:30' };
    const { userId, telegramId } = await insertUser(ts.db.sql, student);
    const input = { userId, courseSlug };
    const realStart = Date.now();

    const { result, history } = await ts.runWorker(async () => {
      await ts.enrollments.pay(input, payment('BASIC'));
      const handle = ts.enrollments.handle(input);
      return { result: await handle.result(), history: await handle.fetchHistory() };
    });
    expect(result).toEqual({ stage: 'completed', lessonsDelivered: [1, 2, 3, 4] });
    expect(Date.now() - realStart).toBeLessThan(60_000); // four days of course time

    // Lessons 2-4 fire at 07:30 New York time on the three local dates after the day of payment; the fourth timer is
    // the last lesson's homework window, one interval after it.
    const fireTimes = (history.events ?? []).flatMap((e) => {
      const timeout = e.timerStartedEventAttributes?.startToFireTimeout;
      return timeout && e.eventTime ? [millis(e.eventTime) + millis(timeout)] : [];
    });
    const local = (instant: number) =>
      new Intl.DateTimeFormat('en-CA', {
        timeZone: student.timeZone,
        dateStyle: 'short',
        timeStyle: 'short',
        hourCycle: 'h23',
      }).format(instant);
    const lessonTimers = fireTimes.filter((fireAt) => local(fireAt).endsWith('07:30'));
    const paidAt = millis(history.events![0]!.eventTime!);
    const paidDate = localDateOf(paidAt, student.timeZone);
    expect(lessonTimers.map(local)).toEqual(
      [1, 2, 3, 4].map((n) => local(zonedTimeToInstant(addDays(paidDate, n), '07:30', student.timeZone))),
    );
    expect(lessonTimers[0]! - paidAt).toBeLessThan(2 * DAY_MS);
    expect([...lessonArrivals({ telegram: ts.telegram } as Platform, telegramId).keys()]).toEqual([1, 2, 3, 4]);
  });

  it('expires an unpaid enrollment after the course’s three days', async () => {
    const courseSlug = `expiry-${randomUUID().slice(0, 8)}`;
    await insertCourse(ts.db.sql, { slug: courseSlug, unpaidExpiryMs: 3 * DAY_MS, lessons: [{ day: 1 }] });
    const { userId } = await insertUser(ts.db.sql);
    const input = { userId, courseSlug };
    const before = await ts.env.currentTimeMs();
    const result = await ts.runWorker(async () => {
      await ts.enrollments.start(input);
      return ts.enrollments.handle(input).result();
    });
    expect(result).toEqual({ stage: 'expired', lessonsDelivered: [] });
    expect((await ts.env.currentTimeMs()) - before).toBeGreaterThanOrEqual(3 * DAY_MS);
  });
});

function millis(time: { seconds?: unknown; nanos?: number | null }): number {
  return Number(time.seconds ?? 0) * 1000 + Math.floor((time.nanos ?? 0) / 1e6);
}
