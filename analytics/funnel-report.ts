import type { Sql } from '../db';
import { FunnelInputError } from './funnel-command';
import type { FunnelCommand } from './funnel-command';
import { NO_GROUP } from './funnel-data';
import type { FunnelReport, FunnelRow } from './funnel-data';
import { FUNNEL_STEPS } from './funnel-steps';
import type { FunnelBreakdown, FunnelStep } from './funnel-steps';

/**
 * Reads a course's funnel (#18): students per step whose step happened in the period. With a breakdown each student
 * counts in one group, their latest value of it in this course (the tariff they upgraded to, the promo code they
 * paid with); students without one are `(none)`.
 */
export async function loadFunnel(sql: Sql, command: FunnelCommand): Promise<FunnelReport> {
  const [course]: [{ id: number; slug: string; title: string }?] = command.courseSlug
    ? await sql`select id, slug, title from courses where slug = ${command.courseSlug}`
    : await sql`select id, slug, title from courses order by id limit 1`;
  if (!course) throw new FunnelInputError(command.courseSlug ? `No course "${command.courseSlug}".` : 'No course yet.');
  const value = groupValue(sql, command.by);
  const counts = await sql<{ step: FunnelStep; day: number; grp: string | null; n: number }[]>`
    with groups as (
      select user_id, (array_agg(${value} order by occurred_at desc, id desc) filter (where ${value} is not null))[1] as grp
      from funnel_events f where course_id = ${course.id} group by user_id
    )
    select f.step, f.day, g.grp, count(*)::int as n
    from funnel_events f join groups g using (user_id)
    where f.course_id = ${course.id} and f.occurred_at >= ${command.period.since} and f.occurred_at < ${command.period.until}
    group by f.step, f.day, g.grp`;
  const lessonDays = await sql<{ day: number }[]>`
    select day from lessons where course_id = ${course.id} and not silent
    union select day from funnel_events where course_id = ${course.id} and step = 'lesson' order by day`;
  const groups = command.by ? [...new Set(counts.map((c) => c.grp ?? NO_GROUP))].sort(byName) : ['all'];
  if (groups.length === 0) groups.push(NO_GROUP);
  const rows: FunnelRow[] = FUNNEL_STEPS.flatMap((step): { step: FunnelStep; day: number }[] =>
    step === 'lesson' ? lessonDays.map(({ day }) => ({ step, day })) : [{ step, day: 0 }],
  ).map(({ step, day }) => ({
    step,
    day,
    counts: groups.map((group) =>
      counts
        .filter((c) => c.step === step && c.day === day && (!command.by || (c.grp ?? NO_GROUP) === group))
        .reduce((sum, c) => sum + c.n, 0),
    ),
  }));
  return {
    course: { slug: course.slug, title: course.title },
    period: command.period.label,
    by: command.by,
    groups,
    rows,
  };
}

/** The grouped column, from a closed list: nothing a user typed reaches the query text. */
function groupValue(sql: Sql, by: FunnelBreakdown | undefined) {
  switch (by) {
    case undefined:
      return sql`null::text`;
    case 'tariff':
      return sql`f.tariff::text`;
    case 'partner':
      return sql`f.partner`;
    case 'promo':
      return sql`f.promo_code`;
    case 'cohort':
      return sql`(select name from cohorts where id = f.cohort_id)`;
    case 'language':
      return sql`f.language`;
  }
}

const byName = (a: string, b: string) => (a === NO_GROUP ? 1 : b === NO_GROUP ? -1 : a.localeCompare(b));
