import type { Sql } from '../db';

/** CSV header → the row's key (the app's Postgres client camelCases column names). */
const COLUMNS = {
  telegram_id: 'telegramId',
  username: 'username',
  first_name: 'firstName',
  last_name: 'lastName',
  email: 'email',
  language: 'languageCode',
  course: 'course',
  tariff: 'tariff',
  stage: 'stage',
  current_day: 'currentDay',
  enrolled_at: 'enrolledAt',
  access_granted_at: 'accessGrantedAt',
  completed_at: 'completedAt',
  paid_minor: 'paidMinor',
  currency: 'currency',
  referred_by: 'referredBy',
} as const;

/**
 * Every enrollment (of one course, or all) with its student, as RFC 4180 CSV: quoted where needed, and a cell that
 * a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with an apostrophe.
 */
export async function studentsCsv(sql: Sql, courseSlug?: string): Promise<string> {
  const rows = await sql<Record<string, unknown>[]>`
    select u.telegram_id, u.username, u.first_name, u.last_name, u.email, u.language_code,
           c.slug as course, e.tariff, e.stage, e.current_day, e.created_at as enrolled_at, e.access_granted_at,
           e.completed_at, coalesce(p.paid, 0) as paid_minor, p.currency, r.partner_id as referred_by
    from enrollments e
    join users u on u.id = e.user_id
    join courses c on c.id = e.course_id
    left join lateral (
      select sum(amount_minor) as paid, min(currency) as currency from payments
      where enrollment_id = e.id and status = 'accepted'
    ) p on true
    left join referrals r on r.referred_user_id = u.id
    where ${courseSlug ?? null}::text is null or c.slug = ${courseSlug ?? null}
    order by e.id`;
  const keys = Object.values(COLUMNS);
  const lines = [Object.keys(COLUMNS).join(','), ...rows.map((row) => keys.map((k) => csvCell(row[k])).join(','))];
  return lines.join('\r\n');
}

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
