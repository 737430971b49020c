import type { Sql } from '../db';

/**
 * Everything Postgres holds about one student (/mydata), read by their Telegram id and joined only through their own
 * users row, so nothing of anyone else can come along. Message contents (submissions, questions) live in Telegram
 * chats: the platform holds references to them, and the document says so.
 */
export async function studentData(sql: Sql, telegramId: number): Promise<object | undefined> {
  const [profile]: [{ id: number }?] = await sql`
    select id, telegram_id, first_name, last_name, username, language_code, email, time_zone, preferred_lesson_time,
           certificate_name, reminders_per_day, reminder_window_start, reminder_window_end, blocked_at, created_at,
           updated_at
    from users where telegram_id = ${telegramId}`;
  if (!profile) return undefined;
  const userId = profile.id;
  const [referral] = await sql`select partner_id, created_at from referrals where referred_user_id = ${userId}`;
  return {
    exportedAt: new Date().toISOString(),
    about:
      'What the course platform holds about you. Submissions and questions are references to your messages in your ' +
      'chats with the bots (their contents stay in Telegram); the review team saw copies of them in its chat.',
    profile,
    consents: await sql`
      select document, version, accepted_at from consents where user_id = ${userId} order by accepted_at, document`,
    orders: await sql`
      select o.public_id, c.slug as course, o.tariff, o.upgrade_from, o.provider, o.list_price_minor, o.amount_minor,
             o.currency, p.code as promo_code, o.status, o.email, o.provider_payment_id, o.created_at, o.paid_at,
             o.refunded_at, o.closed_at
      from orders o join courses c on c.id = o.course_id left join promo_codes p on p.id = o.promo_code_id
      where o.user_id = ${userId} order by o.created_at`,
    payments: await sql`
      select c.slug as course, p.provider, p.provider_payment_id, p.amount_minor, p.currency, p.tariff, p.status,
             p.reason, p.created_at
      from payments p join enrollments e on e.id = p.enrollment_id join courses c on c.id = e.course_id
      where e.user_id = ${userId} order by p.created_at`,
    enrollments: await sql`
      select c.slug as course, e.tariff, e.stage, e.current_day, e.access_granted_at, e.completed_at, e.created_at,
             coalesce((select json_agg(json_build_object('day', d.day, 'sentAt', d.sent_at) order by d.day)
                       from lesson_deliveries d where d.enrollment_id = e.id), '[]') as lessons_delivered
      from enrollments e join courses c on c.id = e.course_id where e.user_id = ${userId} order by e.created_at`,
    submissions: await sql`
      select c.slug as course, a.day, a.status, a.verdict, a.parts, a.feedback, a.submitted_at, a.reviewed_at,
             a.feedback_delivered_at
      from assignments a join enrollments e on e.id = a.enrollment_id join courses c on c.id = e.course_id
      where e.user_id = ${userId} order by a.submitted_at`,
    questions: await sql`
      select user_message_id as your_message_id, min(created_at) as asked_at, max(answered_at) as answered_at
      from support_messages where user_id = ${userId} group by user_message_id order by asked_at`,
    // What a certificate's code reveals to anyone who checks it (the PDF itself is not kept).
    certificates: await sql`
      select c.slug as course, t.code, t.initials, t.course_title, t.issued_on::text
      from certificates t join enrollments e on e.id = t.enrollment_id join courses c on c.id = e.course_id
      where e.user_id = ${userId} order by t.issued_on, t.code`,
    referral: referral ?? null,
    // A session holds what a bot waits for from you next (a promo code, an e-mail, a submission being put together).
    sessions: await sql`
      select split_part(key, ':', 1) as bot, value, updated_at from bot_sessions
      where key like ${`%:${telegramId}`} order by key`,
  };
}
