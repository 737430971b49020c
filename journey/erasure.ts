import { WorkflowNotFoundError } from '@temporalio/client';
import type { Sql, TransactionSql } from '../db';
import type { AdminActor } from './admin-ops';
import type { EnrollmentClient } from './client';

/** Who asked for an erasure: the student themselves (/forget), or ops (a reviewer's /forget, the CLI). */
export type ErasureActor = AdminActor | { via: 'student' };

/** The Telegram steps of an erasure, done by the bot that invites to the groups (the sales bot). */
export interface GroupRemoval {
  revokeInvite(chatId: number, link: string): Promise<void>;
  /** Takes the person out of a group and lets them join again later (ban, then unban), as a refund does. */
  removeFromGroup(chatId: number, telegramId: number): Promise<void>;
}

export interface ErasureDeps {
  sql: Sql;
  enrollments: EnrollmentClient;
  /** Closes the student's pending orders for a course, so money paid for one later is due back, not granted. */
  cancelPendingOrders(userId: number, courseId: number): Promise<void>;
}

export interface ErasureOutcome {
  /** False when nothing was held for this Telegram id (never seen, or erased already). */
  erased: boolean;
  /** The internal id the kept records (payments, orders, consents) stay under. */
  userId?: number;
  journeysEnded: number;
}

/** What a journey's termination says in Temporal: no personal data, as everywhere in Temporal. */
export const ERASURE_REASON = 'personal data erased (/forget): journey ended without a refund';

/**
 * The right to erasure. Every step before the last is safe to repeat (pending orders closed, journeys terminated
 * with ERASURE_REASON, invites revoked, the person taken out of the groups); the last is one transaction that erases
 * and audits, on the users row locked and checked not erased yet. A failure halfway leaves the data for another try,
 * and two requests at once (the student and a reviewer, two presses) erase and audit once.
 */
export function createErasure(deps: ErasureDeps) {
  const { sql, enrollments } = deps;

  async function endJourney(input: { userId: number; courseSlug: string }): Promise<boolean> {
    try {
      await enrollments.handle(input).terminate(ERASURE_REASON);
      return true;
    } catch (err) {
      // Finished already (completed, expired, refunded) or never started: nothing to end.
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  return {
    async forget(actor: ErasureActor, telegramId: number, groups: GroupRemoval): Promise<ErasureOutcome> {
      const [user]: [{ id: number }?] = await sql`select id from users where telegram_id = ${telegramId}`;
      if (!user) return { erased: false, journeysEnded: 0 };
      const userId = user.id;
      const pending = await sql<{ courseId: number }[]>`
        select distinct course_id from orders where user_id = ${userId} and status = 'pending'`;
      for (const { courseId } of pending) await deps.cancelPendingOrders(userId, courseId);
      const journeys = await sql<{ courseId: number; courseSlug: string }[]>`
        select e.course_id, c.slug as course_slug from enrollments e join courses c on c.id = e.course_id
        where e.user_id = ${userId}`;
      let journeysEnded = 0;
      for (const { courseSlug } of journeys) if (await endJourney({ userId, courseSlug })) journeysEnded++;
      const invites = await sql<{ chatId: number; inviteLink: string }[]>`
        select i.chat_id, i.invite_link from group_invites i join enrollments e on e.id = i.enrollment_id
        where e.user_id = ${userId} and i.revoked_at is null`;
      for (const invite of invites) {
        await groups.revokeInvite(invite.chatId, invite.inviteLink);
        await sql`update group_invites set revoked_at = now() where invite_link = ${invite.inviteLink}`;
      }
      const chats = await sql<{ chatId: number }[]>`
        select distinct unnest(t.group_chat_ids) as chat_id from course_tariffs t
        where t.course_id in (select course_id from enrollments where user_id = ${userId}) order by 1`;
      for (const { chatId } of chats) await groups.removeFromGroup(chatId, telegramId);
      const details = { journeysEnded, groups: chats.length };
      const erased = await sql.begin((tx) => eraseRows(tx, { actor, telegramId, userId, details }));
      return { erased, userId, journeysEnded };
    },
  };
}

/** The commit point: erases the student's personal data and records who asked, once. */
async function eraseRows(
  tx: TransactionSql,
  input: { actor: ErasureActor; telegramId: number; userId: number; details: object },
): Promise<boolean> {
  const { telegramId, userId, actor } = input;
  const [locked] = await tx`select id from users where id = ${userId} and telegram_id = ${telegramId} for update`;
  if (!locked) return false;
  const theirEnrollments = tx`select id from enrollments where user_id = ${userId}`;
  await tx`delete from review_messages where assignment_id in (
             select id from assignments where enrollment_id in (${theirEnrollments}))`;
  await tx`delete from reviewer_answers where assignment_id in (
             select id from assignments where enrollment_id in (${theirEnrollments}))`;
  await tx`delete from submissions where enrollment_id in (${theirEnrollments})`;
  await tx`delete from assignments where enrollment_id in (${theirEnrollments})`;
  await tx`delete from lesson_deliveries where enrollment_id in (${theirEnrollments})`;
  await tx`delete from quiz_polls where enrollment_id in (${theirEnrollments})`;
  await tx`delete from certificates where enrollment_id in (${theirEnrollments})`;
  await tx`delete from support_messages where user_id = ${userId}`;
  await tx`delete from referrals where referred_user_id = ${userId}`;
  await tx`delete from bot_sessions where key like ${`%:${telegramId}`}`;
  await tx`delete from sent_messages where chat_id = ${telegramId}`;
  await tx`update group_invites set used_by_telegram_id = null
           where used_by_telegram_id = ${telegramId} or enrollment_id in (${theirEnrollments})`;
  // Kept for the accounting, without what named the payer: the e-mail for receipts and the providers' raw events.
  await tx`update orders set email = null where user_id = ${userId}`;
  await tx`update payments set raw_event = null where enrollment_id in (${theirEnrollments})`;
  await tx`update refunds_due set raw_event = null where order_id in (select id from orders where user_id = ${userId})`;
  // The audit trail stays, pointing at the pseudonymous row instead of the Telegram id.
  await tx`update admin_actions set target = ${`user#${userId}`} where target = ${`user:${telegramId}`}`;
  await tx`
    update users set telegram_id = null, first_name = '', last_name = null, username = null, language_code = null,
                     email = null, time_zone = 'UTC', preferred_lesson_time = null, certificate_name = null,
                     reminders_per_day = null, reminder_window_start = null, reminder_window_end = null,
                     erased_at = now(), updated_at = now()
    where id = ${userId}`;
  const recorded = {
    ...input.details,
    via: actor.via,
    ...('operator' in actor && actor.operator ? { operator: actor.operator } : {}),
  };
  await tx`insert into admin_actions (admin_telegram_id, action, target, details)
           values (${'telegramId' in actor ? actor.telegramId : 0}, 'forget', ${`user#${userId}`}, ${tx.json(recorded)})`;
  return true;
}

export type Erasure = ReturnType<typeof createErasure>;
