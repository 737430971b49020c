import type { Sql } from '../db';
import type { EnrollmentStage } from '../domain/stages';
import type { Tariff } from '../domain/tariffs';

/**
 * Who a broadcast goes to (#18): students with an enrollment matching every field set (null: any), in the language
 * chosen, referred by the partner chosen. Students an admin blocked (users.blocked_at) are never in it.
 */
export interface BroadcastAudience {
  courseId: number | null;
  tariff: Tariff | null;
  stage: EnrollmentStage | null;
  cohortId: number | null;
  /** referrals.partner_id: the code in the partner's link. */
  partnerId: string | null;
  /** The first part of the student's Telegram language (`en` for `en-US`); a student without one counts as `en`. */
  language: string | null;
}

/** The audience stored on a broadcast's row. */
export async function audienceOf(sql: Sql, broadcastId: number): Promise<BroadcastAudience | undefined> {
  const [row]: [BroadcastAudience?] = await sql`
    select course_id, tariff, stage, cohort_id, partner_id, language from broadcasts where id = ${broadcastId}`;
  return row;
}

const matching = (sql: Sql, a: BroadcastAudience) => sql`
  u.blocked_at is null
  and exists (
    select 1 from enrollments e where e.user_id = u.id
      and ${a.courseId === null ? sql`true` : sql`e.course_id = ${a.courseId}`}
      and ${a.tariff === null ? sql`true` : sql`e.tariff = ${a.tariff}`}
      and ${a.stage === null ? sql`true` : sql`e.stage = ${a.stage}`}
      and ${a.cohortId === null ? sql`true` : sql`e.cohort_id = ${a.cohortId}`})
  and ${a.language === null ? sql`true` : sql`split_part(coalesce(u.language_code, 'en'), '-', 1) = ${a.language}`}
  and ${
    a.partnerId === null
      ? sql`true`
      : sql`exists (select 1 from referrals r where r.referred_user_id = u.id and r.partner_id = ${a.partnerId})`
  }`;

/** How many students the audience holds now. */
export async function countAudience(sql: Sql, audience: BroadcastAudience): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from users u where ${matching(sql, audience)}`;
  return row?.n ?? 0;
}

/** The next `limit` recipients after users.id `afterUserId`, in id order: the cursor a broadcast walks. */
export function audiencePage(sql: Sql, audience: BroadcastAudience, afterUserId: number, limit: number) {
  return sql<{ userId: number; chatId: number }[]>`
    select u.id as user_id, u.telegram_id as chat_id from users u
    where u.id > ${afterUserId} and ${matching(sql, audience)}
    order by u.id limit ${limit}`;
}
