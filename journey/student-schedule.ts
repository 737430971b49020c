import type { Sql } from '../db';
import { scheduleChosenSignal } from './definitions';
import type { EnrollmentClient } from './client';

/**
 * Saves a student's lesson time and/or time zone and tells every running journey of theirs (one course, or all), so
 * it applies from the next lesson. A change of time zone alone does not answer onboarding's lesson-time question.
 * Returns the schedule now in force, and how many journeys heard it.
 */
export async function saveSchedule(
  deps: { sql: Sql; enrollments: EnrollmentClient; log?: (line: string) => void },
  telegramId: number,
  change: { timeZone?: string; preferredLessonTime?: string | null },
  courseSlug?: string,
): Promise<{ timeZone: string; preferredLessonTime: string | null; journeys: number }> {
  const { sql } = deps;
  const [user] = await sql<{ id: number; timeZone: string; preferredLessonTime: string | null }[]>`
    update users set
      time_zone = coalesce(${change.timeZone ?? null}, time_zone),
      preferred_lesson_time = case when ${change.preferredLessonTime !== undefined} then ${change.preferredLessonTime ?? null}::time
                                   else preferred_lesson_time end,
      updated_at = now()
    where telegram_id = ${telegramId}
    returning id, time_zone, preferred_lesson_time::text`;
  if (!user)
    return { timeZone: change.timeZone ?? 'UTC', preferredLessonTime: change.preferredLessonTime ?? null, journeys: 0 };
  const choice = {
    timeZone: user.timeZone,
    preferredLessonTime: user.preferredLessonTime?.slice(0, 5) ?? null,
    lessonTimeChosen: change.preferredLessonTime !== undefined,
  };
  const courses = await sql<{ slug: string }[]>`
    select c.slug from enrollments e join courses c on c.id = e.course_id
    where e.user_id = ${user.id} and e.access_granted_at is not null
      and e.stage not in ('completed', 'expired', 'refunded') and (${courseSlug ?? null}::text is null or c.slug = ${courseSlug ?? null})`;
  let journeys = 0;
  for (const { slug } of courses) {
    try {
      await deps.enrollments.handle({ userId: user.id, courseSlug: slug }).signal(scheduleChosenSignal, choice);
      journeys++;
    } catch (err) {
      deps.log?.(`schedule for user ${user.id} in ${slug} not delivered: ${String(err)}`);
    }
  }
  return { ...choice, journeys };
}
