import type { Cohort, CohortPolicy } from '../../domain/cohorts';
import type { Sql } from '../../db';
import type { Gate } from '../../domain/gates';
import type { Tariff } from '../../domain/tariffs';
import type { LessonPart, LessonTasks } from '../../domain/lesson-content';

export interface TestLesson {
  day: number;
  title?: string;
  parts?: LessonPart[];
  tasks?: LessonTasks;
  silent?: boolean;
  gate?: Gate;
}

export const PRICES: Record<Tariff, number> = { BASIC: 1900, FEEDBACK: 4900, PREMIUM: 9900 };

/** A course straight into Postgres, with intervals short enough for a test to watch a whole journey. */
export async function insertCourse(
  sql: Sql,
  course: {
    slug: string;
    lessons: TestLesson[];
    intervalMs?: number;
    unpaidExpiryMs?: number;
    feedbackWaitMs?: number;
    reminderAfterMs?: number;
    groups?: Partial<Record<Tariff, number[]>>;
    /** A course in cohorts (#17): its policy and the cohorts it has. */
    cohorts?: { policy: CohortPolicy; catchUpEveryMs?: number; lessonTime?: string; starts: Cohort[] };
  },
): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    insert into courses (slug, title, lesson_interval_ms, unpaid_expiry_ms, feedback_wait_ms, reminder_after_ms,
                         content_hash)
    values (${course.slug}, ${`Course ${course.slug}`}, ${course.intervalMs ?? 86_400_000},
            ${course.unpaidExpiryMs ?? 3_600_000}, ${course.feedbackWaitMs ?? 3_600_000}, ${course.reminderAfterMs ?? 0},
            'test')
    returning id`;
  const courseId = row!.id;
  if (course.cohorts) {
    const { policy, catchUpEveryMs, lessonTime, starts } = course.cohorts;
    await sql`update courses set cohort_policy = ${policy}, cohort_catch_up_ms = ${catchUpEveryMs ?? 300_000},
                                 cohort_lesson_time = ${lessonTime ?? '09:00'}
              where id = ${courseId}`;
    for (const { name, startsOn } of starts) {
      await sql`insert into cohorts (course_id, name, starts_on, source) values (${courseId}, ${name}, ${startsOn}, 'file')`;
    }
  }
  for (const tariff of Object.keys(PRICES) as Tariff[]) {
    await sql`insert into course_tariffs (course_id, tariff, title, price_minor, currency, group_chat_ids)
              values (${courseId}, ${tariff}, ${tariff}, ${PRICES[tariff]}, 'USD', ${course.groups?.[tariff] ?? []})`;
  }
  for (const lesson of course.lessons) {
    const parts = lesson.parts ?? (lesson.silent ? [] : [{ type: 'text', text: `Body of lesson ${lesson.day}` }]);
    const tasks = lesson.tasks ?? (lesson.silent ? {} : { BASIC: `Task ${lesson.day}` });
    await sql`insert into lessons (course_id, day, title, parts, tasks, silent, gate)
              values (${courseId}, ${lesson.day}, ${lesson.title ?? `Lesson ${lesson.day}`}, ${sql.json(parts as never)},
                      ${sql.json(tasks as never)}, ${lesson.silent ?? false}, ${lesson.gate ?? null})`;
  }
  return courseId;
}

let nextTelegramId = 700_000_000 + Math.floor(Math.random() * 1_000_000) * 100;

export async function insertUser(
  sql: Sql,
  user: { firstName?: string; languageCode?: string; timeZone?: string; preferredLessonTime?: string } = {},
): Promise<{ userId: number; telegramId: number }> {
  const telegramId = nextTelegramId++;
  const [row] = await sql<{ id: number }[]>`
    insert into users (telegram_id, first_name, language_code, time_zone, preferred_lesson_time)
    values (${telegramId}, ${user.firstName ?? 'Ada'}, ${user.languageCode ?? 'en'}, ${user.timeZone ?? 'UTC'},
            ${user.preferredLessonTime ?? null})
    returning id`;
  return { userId: row!.id, telegramId };
}

export function payment(tariff: Tariff, overrides: { id?: string; amountMinor?: number; currency?: string } = {}) {
  return {
    provider: 'mock',
    providerPaymentId: overrides.id ?? `pay-${Math.random().toString(36).slice(2)}`,
    amountMinor: overrides.amountMinor ?? PRICES[tariff],
    currency: overrides.currency ?? 'USD',
    tariff,
  };
}
