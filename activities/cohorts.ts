import type { Sql } from '../db';
import { chooseCohort } from '../domain/cohorts';
import type { Cohort, CohortPlace, CohortPolicy } from '../domain/cohorts';
import { NotFoundError } from './errors';

interface CohortCourseRow {
  courseId: number;
  cohortId: number | null;
  policy: CohortPolicy | null;
  catchUpMs: number;
  lessonTime: string;
  joinUntilDay: number | null;
  intervalMs: number;
  timeZone: string;
  preferredLessonTime: string | null;
}

/** Cohort steps (#17): Postgres only, idempotent. */
export function createCohortStore({ sql }: { sql: Sql }) {
  return {
    /**
     * Puts the student of `enrollmentId` in the course's cohort for someone joining at `at` (workflow time) and
     * returns their place, or null for a self-paced course or one with no cohort running or to come. Once joined the
     * cohort stays: a retry, or a replayed journey, gets the cohort it got the first time.
     */
    async joinCohort(input: { enrollmentId: number; at: number }): Promise<CohortPlace | null> {
      const [row]: [CohortCourseRow?] = await sql`
          select c.id as course_id, e.cohort_id, c.cohort_policy as policy, c.cohort_catch_up_ms as catch_up_ms,
                 to_char(c.cohort_lesson_time, 'HH24:MI') as lesson_time, c.cohort_join_until_day as join_until_day,
                 c.lesson_interval_ms as interval_ms, u.time_zone,
                 to_char(u.preferred_lesson_time, 'HH24:MI') as preferred_lesson_time
          from enrollments e join courses c on c.id = e.course_id join users u on u.id = e.user_id
          where e.id = ${input.enrollmentId}`;
      if (!row) throw new NotFoundError(`Enrollment ${input.enrollmentId} does not exist`);
      if (!row.policy) return null;
      const rules = {
        policy: row.policy,
        catchUpEveryMs: row.catchUpMs,
        lessonTime: row.lessonTime,
        joinUntilDay: row.joinUntilDay,
      };
      const cohorts = await sql<(Cohort & { id: number })[]>`
          select id, name, to_char(starts_on, 'YYYY-MM-DD') as starts_on from cohorts where course_id = ${row.courseId}`;
      let chosen = cohorts.find((cohort) => cohort.id === row.cohortId);
      if (!chosen) {
        const [last]: [{ day: number }?] = await sql`
            select max(day)::int as day from lessons where course_id = ${row.courseId}`;
        const student = { timeZone: row.timeZone, preferredLessonTime: row.preferredLessonTime };
        const course = { lessonCount: last?.day ?? 0, intervalMs: row.intervalMs };
        const choice = chooseCohort(cohorts, rules, course, input.at, student);
        const picked = cohorts.find((cohort) => cohort.name === choice?.name);
        if (!picked) return null;
        // The first choice stays, should two runs of this step race.
        const [joined]: [{ cohortId: number }?] = await sql`
            update enrollments set cohort_id = coalesce(cohort_id, ${picked.id}) where id = ${input.enrollmentId}
            returning cohort_id`;
        chosen = cohorts.find((cohort) => cohort.id === joined?.cohortId);
        if (!chosen) throw new NotFoundError(`Enrollment ${input.enrollmentId} lost its cohort`);
      }
      return { name: chosen.name, startsOn: chosen.startsOn, ...rules, joinedAt: input.at };
    },
  };
}
