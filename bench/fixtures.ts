import type { Sql } from '../db';

const TARIFF_PRICES = { BASIC: 1900, FEEDBACK: 4900, PREMIUM: 9900 } as const;

/**
 * A course straight into Postgres: day 1 (one message, or silent; with `dayOneTask`, an assignment every tariff hands
 * in), day 2 one message, then a long wait.
 */
export async function insertBenchCourse(
  sql: Sql,
  course: { slug: string; intervalMs: number; silentDayOne?: boolean; dayOneTask?: string },
): Promise<void> {
  const [row] = await sql<{ id: number }[]>`
    insert into courses (slug, title, description, lesson_interval_ms, unpaid_expiry_ms, feedback_wait_ms, content_hash)
    values (${course.slug}, ${`Bench ${course.slug}`}, 'A course for benchmarks.', ${course.intervalMs},
            ${86_400_000}, ${86_400_000}, 'bench')
    returning id`;
  for (const [tariff, price] of Object.entries(TARIFF_PRICES)) {
    await sql`insert into course_tariffs (course_id, tariff, title, price_minor, currency)
              values (${row!.id}, ${tariff}, ${tariff}, ${price}, 'USD')`;
  }
  for (const day of [1, 2, 3]) {
    const silent = day === 1 && course.silentDayOne === true;
    const parts = silent ? [] : [{ type: 'text', text: `Day ${day}. Bench lesson ${day}` }];
    const task = day === 1 ? course.dayOneTask : undefined;
    const tasks = task ? Object.fromEntries(Object.keys(TARIFF_PRICES).map((tariff) => [tariff, task])) : {};
    await sql`insert into lessons (course_id, day, title, parts, tasks, silent)
              values (${row!.id}, ${day}, ${`Lesson ${day}`}, ${sql.json(parts)}, ${sql.json(tasks)}, ${silent})`;
  }
}

/** `count` students with Telegram ids from `firstTelegramId`, in one statement; returns their users.id in order. */
export async function insertStudents(
  sql: Sql,
  firstTelegramId: number,
  count: number,
): Promise<{ userId: number; telegramId: number }[]> {
  const rows = await sql<{ id: number; telegramId: number }[]>`
    insert into users (telegram_id, first_name, language_code)
    select ${firstTelegramId}::bigint + g, 'Student ' || g, 'en' from generate_series(0, ${count - 1}) g
    returning id, telegram_id`;
  return rows
    .map((r) => ({ userId: Number(r.id), telegramId: Number(r.telegramId) }))
    .sort((a, b) => a.telegramId - b.telegramId);
}
