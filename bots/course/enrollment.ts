import type { Sql } from '../../db';
import type { Tariff } from '../../domain/tariffs';

export interface StudentEnrollment {
  id: number;
  userId: number;
  courseSlug: string;
  courseTitle: string;
  courseId: number;
  tariff: Tariff;
  stage: string;
  defaultLanguage: string;
  protectContent: boolean;
}

/** The student's paid enrollment (the newest one with access); undefined for unpaid or unknown users. */
export async function currentEnrollment(
  sql: Sql,
  telegramId: number,
  courseSlug?: string,
): Promise<StudentEnrollment | undefined> {
  const [row]: [StudentEnrollment?] = await sql`
    select e.id, e.user_id, c.slug as course_slug, c.title as course_title, c.id as course_id, e.tariff, e.stage,
           c.default_language, c.protect_content
    from enrollments e join users u on u.id = e.user_id join courses c on c.id = e.course_id
    where u.telegram_id = ${telegramId} and e.access_granted_at is not null and e.tariff is not null
      and e.stage not in ('refunded', 'expired') and (${courseSlug ?? null}::text is null or c.slug = ${courseSlug ?? null})
    order by e.access_granted_at desc limit 1`;
  return row;
}
