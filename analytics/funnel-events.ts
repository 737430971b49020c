import type { Sql } from '../db';
import type { Tariff } from '../domain/tariffs';
import type { FunnelStep } from './funnel-steps';

export interface FunnelStepInput {
  step: FunnelStep;
  /** The lesson's day for `lesson`; 0 (the default) for every other step. */
  day?: number;
  /** The tariff this step is about; otherwise the enrollment's, else the one of the student's latest paid order. */
  tariff?: Tariff | null;
  /** The promo code this step used; otherwise the code of the order named, or of the student's latest paid order. */
  promoCode?: string | null;
  orderPublicId?: string;
}

type StudentRef = ({ userId: number } | { telegramId: number }) & { courseSlug: string };

/**
 * Records funnel steps (#18): once per student, course and step (insert … on conflict do nothing), with the tariff,
 * partner (the referral code), promo code, cohort and language as they are at that moment. Analytics never break
 * what the student is doing: a failed insert is reported to `warn` and swallowed.
 */
export function createFunnelRecorder({ sql, warn }: { sql: Sql; warn: (message: string, error: unknown) => void }) {
  async function record(where: StudentRef | { enrollmentId: number }, input: FunnelStepInput) {
    const { step, day = 0, tariff = null, promoCode = null, orderPublicId = null } = input;
    const enrollmentId = 'enrollmentId' in where ? where.enrollmentId : null;
    const student = 'enrollmentId' in where ? undefined : where;
    const userId = student && 'userId' in student ? student.userId : null;
    const telegramId = student && 'telegramId' in student ? student.telegramId : null;
    const courseSlug = student?.courseSlug ?? null;
    try {
      await sql`
        with target as (
          select u.id as user_id, c.id as course_id from users u, courses c
          where ${enrollmentId}::bigint is null and c.slug = ${courseSlug}
            and (u.id = ${userId} or u.telegram_id = ${telegramId})
          union all
          select user_id, course_id from enrollments where id = ${enrollmentId}
        )
        insert into funnel_events (user_id, course_id, step, day, tariff, partner, promo_code, cohort_id, language)
        select t.user_id, t.course_id, ${step}, ${day}, coalesce(${tariff}::tariff, e.tariff, paid.tariff), r.partner_id,
               coalesce(${promoCode}::text, named.code, paid.code), e.cohort_id, u.language_code
        from target t
        join users u on u.id = t.user_id
        left join referrals r on r.referred_user_id = t.user_id
        left join lateral (
          select tariff, cohort_id from enrollments
          where user_id = t.user_id and course_id = t.course_id order by (id = ${enrollmentId}) desc, id desc limit 1
        ) e on true
        left join lateral (
          select p.code from orders o join promo_codes p on p.id = o.promo_code_id where o.public_id = ${orderPublicId}
        ) named on true
        left join lateral (
          select p.code, o.tariff from orders o left join promo_codes p on p.id = o.promo_code_id
          where o.user_id = t.user_id and o.course_id = t.course_id and o.status = 'paid' order by o.id desc limit 1
        ) paid on true
        on conflict (user_id, course_id, step, day) do nothing`;
    } catch (err) {
      warn(`funnel step ${step} not recorded`, err);
    }
  }

  return {
    /** A step of the sales bot: the student (by row id or Telegram id) and the course it sells. */
    forStudent: (student: StudentRef, input: FunnelStepInput) => record(student, input),
    /** A step of the journey, from its activities. */
    forEnrollment: (enrollmentId: number, input: FunnelStepInput) => record({ enrollmentId }, input),
  };
}

export type FunnelRecorder = ReturnType<typeof createFunnelRecorder>;
