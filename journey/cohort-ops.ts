import type { Sql } from '../db';
import { COHORT_NAME, parseCohortDate } from '../domain/cohorts';
import { AdminOpError, auditAdminAction } from './admin-ops';
import type { AdminActor } from './admin-ops';

export interface CohortSummary {
  courseSlug: string;
  name: string;
  startsOn: string;
  source: 'file' | 'admin';
  /** Students who joined it (their journeys began in it). */
  students: number;
  completed: number;
}

/** Cohorts of the courses that run in them (#17): what the review desk's /cohort does, audited. */
export function createCohortOps({ sql }: { sql: Sql }) {
  return {
    /**
     * Adds a cohort to a course in cohorts. The date is the course's day 1 (at each student's lesson time); a date
     * before today (UTC), a name in use or a self-paced course is refused and nothing changes.
     */
    async add(actor: AdminActor, input: { courseSlug: string; name: string; startsOn: string }) {
      const { courseSlug, name, startsOn } = input;
      if (!COHORT_NAME.test(name)) {
        throw new AdminOpError(`A cohort name is lowercase letters, digits and dashes (at most 40), not "${name}".`);
      }
      if (!parseCohortDate(startsOn)) throw new AdminOpError(`"${startsOn}" is not a date like 2027-03-01.`);
      if (startsOn < new Date().toISOString().slice(0, 10)) {
        throw new AdminOpError(`${startsOn} has passed; a new cohort starts today or later.`);
      }
      const [course]: [{ id: number; policy: string | null }?] =
        await sql`select id, cohort_policy as policy from courses where slug = ${courseSlug}`;
      if (!course) throw new AdminOpError(`No course "${courseSlug}".`);
      if (!course.policy) {
        throw new AdminOpError(`${courseSlug} is self-paced: give it cohorts: (a policy) in course.yaml first.`);
      }
      const added = await sql`
        insert into cohorts (course_id, name, starts_on, source) values (${course.id}, ${name}, ${startsOn}, 'admin')
        on conflict (course_id, name) do nothing returning id`;
      if (added.length === 0) throw new AdminOpError(`${courseSlug} already has a cohort "${name}".`);
      await auditAdminAction(sql, actor, 'add-cohort', `course:${courseSlug}`, { name, startsOn });
      return { courseSlug, name, startsOn };
    },

    /** The cohorts of one course, or of every course, by start date, with their students. */
    async list(courseSlug?: string): Promise<CohortSummary[]> {
      return sql<CohortSummary[]>`
        select c.slug as course_slug, h.name, to_char(h.starts_on, 'YYYY-MM-DD') as starts_on, h.source,
               count(e.id)::int as students, count(e.id) filter (where e.stage = 'completed')::int as completed
        from cohorts h join courses c on c.id = h.course_id left join enrollments e on e.cohort_id = h.id
        where ${courseSlug ? sql`c.slug = ${courseSlug}` : sql`true`}
        group by c.slug, h.id order by c.slug, h.starts_on, h.name`;
    },
  };
}
