import { lessonDueAt, zonedTimeToInstant } from './schedule';
import type { LocalDate, StudentSchedule } from './schedule';

/**
 * Cohorts (#17): students who start a course together. Pure functions over the schedule math, so the workflow,
 * activities, the content loader and the bots share one answer to "which cohort" and "when is lesson N".
 */
export const COHORT_POLICIES = ['catch-up', 'from-today'] as const;
/** What a late joiner gets of the lessons the cohort has had: all of them, paced, or only the latest. */
export type CohortPolicy = (typeof COHORT_POLICIES)[number];

/** How a course runs its cohorts (course.yaml `cohorts:`); absent for a self-paced course. */
export interface CohortRules {
  policy: CohortPolicy;
  /** Catch-up: one missed lesson this often after joining. */
  catchUpEveryMs: number;
  /** 'HH:MM': the lesson time of a student who has not chosen one. */
  lessonTime: string;
  /** A buyer joins a running cohort up to this course day; later, the next cohort (if any). */
  joinUntilDay: number | null;
}

export interface Cohort {
  name: string;
  /** 'YYYY-MM-DD': day 1 is at each student's lesson time on this date in their own zone. */
  startsOn: string;
}

/** The cohort a student joined, and when: all a journey needs to schedule their lessons. */
export interface CohortPlace extends Cohort, CohortRules {
  /** When the student joined (epoch ms, workflow time): what the cohort had before this was missed. */
  joinedAt: number;
}

export const COHORT_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** A calendar date from 'YYYY-MM-DD', or undefined when it is not one (2027-02-30 is not). */
export function parseCohortDate(value: string): LocalDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    return undefined;
  }
  return { year, month, day };
}

function dateOf(cohort: Cohort): LocalDate {
  const date = parseCohortDate(cohort.startsOn);
  if (!date) throw new RangeError(`Cohort ${cohort.name} has no valid start date: ${cohort.startsOn}`);
  return date;
}

/** The student's schedule with the cohort's lesson time when they have not chosen one. */
function withLessonTime(student: StudentSchedule, rules: Pick<CohortRules, 'lessonTime'>): StudentSchedule {
  return { ...student, preferredLessonTime: student.preferredLessonTime ?? rules.lessonTime };
}

/** Day 1 of the cohort for this student: their lesson time on the start date, in their zone. */
export function cohortStartAt(
  cohort: Cohort,
  rules: Pick<CohortRules, 'lessonTime'>,
  student: StudentSchedule,
): number {
  const { timeZone, preferredLessonTime } = withLessonTime(student, rules);
  return zonedTimeToInstant(dateOf(cohort), preferredLessonTime ?? rules.lessonTime, timeZone);
}

/** When the cohort has lesson `day` in this student's zone (what everyone in it gets, joined in time). */
export function cohortDueAt(
  cohort: Cohort,
  rules: CohortRules,
  day: number,
  intervalMs: number,
  student: StudentSchedule,
) {
  const startedAt = cohortStartAt(cohort, rules, student);
  return lessonDueAt({ startedAt, day, intervalMs, student: withLessonTime(student, rules) });
}

/**
 * When lesson `day` comes to a student of the cohort, or null when it never comes (`from-today` skips what the cohort
 * had before the student joined, except its latest lesson). In time: the cohort's own time. Late, `catch-up`: the
 * missed lessons from the moment of joining, one per `catchUpEveryMs`, and then the cohort's rhythm (never before the
 * catch-up is through).
 */
export function cohortLessonDueAt(place: CohortPlace, day: number, intervalMs: number, student: StudentSchedule) {
  const common = cohortDueAt(place, place, day, intervalMs, student);
  if (place.policy === 'catch-up') return Math.max(common, place.joinedAt + (day - 1) * place.catchUpEveryMs);
  if (common >= place.joinedAt) return common;
  return cohortDueAt(place, place, day + 1, intervalMs, student) > place.joinedAt ? place.joinedAt : null;
}

/**
 * How many lessons' places lesson `day` moves so it comes at `notBefore` or later, at a time the cohort has a lesson
 * (a lesson held back at a gate comes at the cohort's next lesson time, not in the middle of the night).
 */
export function cohortShiftToCatchUp(
  place: CohortPlace,
  day: number,
  intervalMs: number,
  student: StudentSchedule,
  notBefore: number,
): number {
  let shift = 0;
  for (;;) {
    const due = cohortLessonDueAt(place, day + shift, intervalMs, student);
    if (due !== null && due >= notBefore) return shift;
    shift++;
  }
}

/** The cohort's course day at `at` for this student: 0 before day 1, lessonCount + 1 and more once it is over. */
export function cohortDayAt(
  cohort: Cohort,
  rules: CohortRules,
  at: number,
  intervalMs: number,
  student: StudentSchedule,
  limit = 10_000,
): number {
  let day = 0;
  // Lessons are at most a few hundred; walking them keeps DST-length days exact.
  while (day < limit && cohortDueAt(cohort, rules, day + 1, intervalMs, student) <= at) day++;
  return day;
}

/**
 * The cohort a buyer joins at `at`: the running one while it is at most on day `joinUntilDay` (late joiners follow the
 * policy), else the next one to start; a running cohort past that day still, when none is coming. Null when the course
 * has no cohort running or to come: the student goes at their own pace.
 */
export function chooseCohort(
  cohorts: readonly Cohort[],
  rules: CohortRules,
  course: { lessonCount: number; intervalMs: number },
  at: number,
  student: StudentSchedule,
): Cohort | null {
  const withDay = cohorts
    .map((cohort) => ({
      cohort,
      day: cohortDayAt(cohort, rules, at, course.intervalMs, student, course.lessonCount + 1),
    }))
    .filter(({ day }) => day <= course.lessonCount);
  const upcoming = withDay.filter(({ day }) => day === 0).sort((a, b) => byStart(a.cohort, b.cohort))[0];
  const running = withDay.filter(({ day }) => day > 0).sort((a, b) => byStart(b.cohort, a.cohort))[0];
  const joinUntil = rules.joinUntilDay ?? Math.ceil(course.lessonCount / 2);
  if (running && (running.day <= joinUntil || !upcoming)) return running.cohort;
  return upcoming?.cohort ?? null;
}

function byStart(a: Cohort, b: Cohort): number {
  return a.startsOn < b.startsOn ? -1 : a.startsOn > b.startsOn ? 1 : a.name < b.name ? -1 : 1;
}
