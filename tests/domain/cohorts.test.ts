import { describe, expect, it } from 'vitest';
import {
  chooseCohort,
  cohortDayAt,
  cohortLessonDueAt,
  cohortShiftToCatchUp,
  cohortStartAt,
  parseCohortDate,
} from '../../domain/cohorts';
import type { CohortPlace, CohortRules } from '../../domain/cohorts';
import { DAY_MS } from '../../domain/schedule';

const rules: CohortRules = { policy: 'catch-up', catchUpEveryMs: 5 * 60_000, lessonTime: '09:00', joinUntilDay: null };
const berlin = { timeZone: 'Europe/Berlin', preferredLessonTime: '07:30' };
const spring = { name: 'spring', startsOn: '2027-03-01' };
// 2027-03-01 07:30 in Berlin (CET, UTC+1).
const springStart = Date.UTC(2027, 2, 1, 6, 30);

describe('cohort dates', () => {
  it('reads real calendar dates only', () => {
    expect(parseCohortDate('2027-03-01')).toEqual({ year: 2027, month: 3, day: 1 });
    for (const bad of ['2027-02-30', '2027-13-01', '27-03-01', '2027-3-1', '2027-03-01T00:00', ''])
      expect(parseCohortDate(bad), bad).toBeUndefined();
  });

  it("starts day 1 at each student's own lesson time on the start date, in their zone", () => {
    expect(cohortStartAt(spring, rules, berlin)).toBe(springStart);
    // No lesson time chosen: the cohort's.
    expect(cohortStartAt(spring, rules, { timeZone: 'Asia/Tokyo', preferredLessonTime: null })).toBe(
      Date.UTC(2027, 2, 1, 0, 0),
    );
  });
});

describe('when lessons come in a cohort', () => {
  const place = (over: Partial<CohortPlace>): CohortPlace => ({ ...spring, ...rules, joinedAt: 0, ...over });

  it('gives an early buyer every lesson at the cohort time, day 1 on the start day', () => {
    const early = place({ joinedAt: springStart - 10 * DAY_MS });
    expect([1, 2, 3].map((day) => cohortLessonDueAt(early, day, DAY_MS, berlin))).toEqual([
      springStart,
      springStart + DAY_MS,
      springStart + 2 * DAY_MS,
    ]);
  });

  it('keeps the lesson time across a DST change (Berlin moves to summer time on 28 March 2027)', () => {
    const early = place({ joinedAt: springStart - DAY_MS });
    // Day 31 is 31 March, 07:30 CEST = 05:30 UTC.
    expect(cohortLessonDueAt(early, 31, DAY_MS, berlin)).toBe(Date.UTC(2027, 2, 31, 5, 30));
  });

  it('catches a late joiner up one lesson per catchUpEvery, then joins the common rhythm', () => {
    const joinedAt = springStart + 2 * DAY_MS + 3 * 3_600_000; // day 3, 10:30: lessons 1–3 were missed
    const late = place({ joinedAt });
    const due = [1, 2, 3, 4, 5].map((day) => cohortLessonDueAt(late, day, DAY_MS, berlin));
    expect(due).toEqual([
      joinedAt,
      joinedAt + 5 * 60_000,
      joinedAt + 10 * 60_000,
      springStart + 3 * DAY_MS,
      springStart + 4 * DAY_MS,
    ]);
  });

  it('never lets the common rhythm overtake a long catch-up', () => {
    const joinedAt = springStart + 9 * DAY_MS - 60_000; // a minute before day 10: nine lessons missed
    const late = place({ joinedAt, catchUpEveryMs: 10 * 60_000 });
    expect(cohortLessonDueAt(late, 10, DAY_MS, berlin)).toBe(joinedAt + 9 * 10 * 60_000);
  });

  it('gives a from-today joiner the latest lesson at once and skips the earlier ones', () => {
    const joinedAt = springStart + 2 * DAY_MS + 3 * 3_600_000;
    const late = place({ joinedAt, policy: 'from-today' });
    expect([1, 2, 3, 4].map((day) => cohortLessonDueAt(late, day, DAY_MS, berlin))).toEqual([
      null,
      null,
      joinedAt,
      springStart + 3 * DAY_MS,
    ]);
  });
});

describe('a lesson a gate held back in a cohort', () => {
  it("comes at the cohort's next lesson time after the gate opens", () => {
    const early: CohortPlace = { ...spring, ...rules, joinedAt: springStart - DAY_MS };
    // Lesson 2 was due on day 2 at 07:30; the gate opened on day 4 at 12:00: it comes on day 5 at 07:30.
    const opened = springStart + 3 * DAY_MS + 4.5 * 3_600_000;
    const shift = cohortShiftToCatchUp(early, 2, DAY_MS, berlin, opened);
    expect(shift).toBe(3);
    expect(cohortLessonDueAt(early, 2 + shift, DAY_MS, berlin)).toBe(springStart + 4 * DAY_MS);
    // Not held back: no shift.
    expect(cohortShiftToCatchUp(early, 2, DAY_MS, berlin, springStart)).toBe(0);
  });
});

describe('which cohort a buyer joins', () => {
  const course = { lessonCount: 10, intervalMs: DAY_MS };
  const autumn = { name: 'autumn', startsOn: '2027-09-01' };
  const cohorts = [autumn, spring];

  it('joins the next cohort before any has started', () => {
    expect(chooseCohort(cohorts, rules, course, springStart - DAY_MS, berlin)).toEqual(spring);
  });

  it('joins a running cohort up to half the course by default, later the next one', () => {
    expect(cohortDayAt(spring, rules, springStart + 4 * DAY_MS, DAY_MS, berlin)).toBe(5);
    expect(chooseCohort(cohorts, rules, course, springStart + 4 * DAY_MS, berlin)).toEqual(spring);
    expect(chooseCohort(cohorts, rules, course, springStart + 5 * DAY_MS, berlin)).toEqual(autumn);
    expect(chooseCohort(cohorts, { ...rules, joinUntilDay: 8 }, course, springStart + 7 * DAY_MS, berlin)).toEqual(
      spring,
    );
  });

  it('joins a running cohort however late when none is coming, and none once every cohort is over', () => {
    expect(chooseCohort([spring], rules, course, springStart + 8 * DAY_MS, berlin)).toEqual(spring);
    expect(chooseCohort([spring], rules, course, springStart + 10 * DAY_MS, berlin)).toBeNull();
    expect(chooseCohort([], rules, course, springStart, berlin)).toBeNull();
  });
});
