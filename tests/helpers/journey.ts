import type { Sql } from '../../db';
import type { EnrollmentInput } from '../../journey/definitions';
import type { Platform } from './platform';

/** The student's chat as the stand-in recorded it: every text or caption, in order, with the time it arrived. */
export function chatLog(platform: Platform, chatId: number): { text: string; at: number }[] {
  return platform.telegram.sent(chatId).map((m) => ({ text: m.text ?? m.caption ?? `[${m.kind}]`, at: m.at }));
}

/** Arrival time of each lesson's first message, by day (lesson texts start with "Day N."). */
export function lessonArrivals(platform: Platform, chatId: number): Map<number, number[]> {
  const arrivals = new Map<number, number[]>();
  for (const { text, at } of chatLog(platform, chatId)) {
    const day = /Day (\d+)\./.exec(text)?.[1];
    if (day) arrivals.set(Number(day), [...(arrivals.get(Number(day)) ?? []), at]);
  }
  return arrivals;
}

/** The enrollment's rows as Postgres holds them once the journey has written them. */
export async function enrollmentRows(sql: Sql, input: EnrollmentInput) {
  const [enrollment] = await sql<
    { id: number; stage: string; tariff: string | null; currentDay: number; stageReason: string | null }[]
  >`
    select e.id, e.stage, e.tariff, e.current_day, e.stage_reason
    from enrollments e join courses c on c.id = e.course_id
    where e.user_id = ${input.userId} and c.slug = ${input.courseSlug}`;
  if (!enrollment) return null;
  const deliveries = await sql<
    { day: number }[]
  >`select day from lesson_deliveries where enrollment_id = ${enrollment.id} order by day`;
  const payments = await sql<
    { providerPaymentId: string; status: string; reason: string | null; amountMinor: number }[]
  >`
    select provider_payment_id, status, reason, amount_minor from payments where enrollment_id = ${enrollment.id} order by id`;
  const assignments = await sql<
    { id: number; day: number; status: string; feedback: unknown; reviewerTelegramId: number | null }[]
  >`
    select id, day, status, feedback, reviewer_telegram_id from assignments where enrollment_id = ${enrollment.id} order by id`;
  return { enrollment, deliveredDays: deliveries.map((d) => d.day), payments, assignments };
}

let submissions = 0;

/** A submission as the course bot stores it (table submissions), and the signal that tells the journey its id. */
export async function storedSubmission(sql: Sql, input: EnrollmentInput, day: number, text = 'My homework') {
  const key = `test-submission-${++submissions}-${Math.random().toString(36).slice(2)}`;
  const [row] = await sql<{ id: number }[]>`
    insert into submissions (enrollment_id, day, submission_key, parts)
    select e.id, ${day}, ${key}, ${sql.json([{ type: 'text', text }])} from enrollments e
    join courses c on c.id = e.course_id where e.user_id = ${input.userId} and c.slug = ${input.courseSlug}
    returning id`;
  if (!row) throw new Error(`No enrollment of user ${input.userId} in ${input.courseSlug} to submit to`);
  return { submissionKey: key, day, submissionId: row.id };
}
