import type { Sql, TransactionSql } from '../db';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import {
  moveToDaySignal,
  openGateSignal,
  pauseSignal,
  paymentRefundedSignal,
  progressQuery,
  resumeSignal,
  submitFeedbackUpdate,
} from './definitions';
import type { FeedbackInput, ReviewerAnswer } from './definitions';
import type { Tariff } from '../domain/tariffs';
import type { EnrollmentClient } from './client';
import { signalStudentReturned } from './student-returns';

/**
 * What ops do to a student's journey, shared by the review desk's commands and the admin CLI. Each one signals the
 * journey (never edits its state in Postgres behind its back) and is written to admin_actions with who did it.
 */
export interface AdminActor {
  /** The reviewer's Telegram id; 0 for the admin CLI. */
  telegramId: number;
  via: 'review-chat' | 'cli';
  /** Who ran the CLI (the OS user), for the audit trail. */
  operator?: string;
}

export interface EnrollmentRef {
  id: number;
  userId: number;
  courseSlug: string;
  tariff: Tariff | null;
}

export class AdminOpError extends Error {
  override name = 'AdminOpError';
}

/** Writes what a reviewer (or the CLI) did to admin_actions, with who and how. */
export async function auditAdminAction(
  sql: Sql | TransactionSql,
  actor: AdminActor,
  action: string,
  target: string,
  details: object,
) {
  const recorded = { ...details, via: actor.via, ...(actor.operator ? { operator: actor.operator } : {}) };
  await sql`insert into admin_actions (admin_telegram_id, action, target, details)
            values (${actor.telegramId}, ${action}, ${target}, ${sql.json(recorded)})`;
}

export function createAdminOps(deps: { sql: Sql; enrollments: EnrollmentClient }) {
  const { sql, enrollments } = deps;

  const audit = (actor: AdminActor, action: string, target: string, details: object = {}) =>
    auditAdminAction(sql, actor, action, target, details);

  /** The student's enrollment (in `slug`, or their newest). */
  async function enrollmentOf(telegramId: number, slug?: string): Promise<EnrollmentRef | undefined> {
    const [row]: [EnrollmentRef?] = await sql`
      select e.id, e.user_id, c.slug as course_slug, e.tariff from enrollments e
      join users u on u.id = e.user_id join courses c on c.id = e.course_id
      where u.telegram_id = ${telegramId} and (${slug ?? null}::text is null or c.slug = ${slug ?? null})
      order by e.created_at desc limit 1`;
    return row;
  }

  async function mustEnrollment(telegramId: number, slug?: string): Promise<EnrollmentRef> {
    const enrollment = await enrollmentOf(telegramId, slug);
    if (!enrollment) throw new AdminOpError(`No enrollment for ${telegramId}${slug ? ` in ${slug}` : ''}.`);
    return enrollment;
  }

  return {
    enrollmentOf,

    /** Access by hand: a zero-amount "manual" payment, once per `requestId` (a retried command grants nothing twice). */
    async grant(actor: AdminActor, input: { telegramId: number; tariff: Tariff; slug?: string; requestId: string }) {
      const [target]: [{ userId: number; courseSlug: string; currency: string }?] = await sql`
        select u.id as user_id, c.slug as course_slug, t.currency from users u
        cross join courses c join course_tariffs t on t.course_id = c.id and t.tariff = ${input.tariff}
        where u.telegram_id = ${input.telegramId} and (${input.slug ?? null}::text is null or c.slug = ${input.slug ?? null})
        order by c.id limit 1`;
      if (!target) {
        throw new AdminOpError('No such student or course (the student must have written to the bots once).');
      }
      const paymentId = `manual:${input.requestId}`;
      await enrollments.pay(
        { userId: target.userId, courseSlug: target.courseSlug },
        {
          provider: 'manual',
          providerPaymentId: paymentId,
          amountMinor: 0,
          currency: target.currency,
          tariff: input.tariff,
          order: { publicId: paymentId, amountMinor: 0, currency: target.currency, upgradeFrom: null },
        },
      );
      await audit(actor, 'grant', `user:${input.telegramId}`, {
        course: target.courseSlug,
        tariff: input.tariff,
        paymentId,
      });
      return { courseSlug: target.courseSlug };
    },

    /** Ends access as a refund does; the money itself is refunded at the provider. */
    async revoke(actor: AdminActor, input: { telegramId: number; slug?: string }) {
      const enrollment = await mustEnrollment(input.telegramId, input.slug);
      const payments = await sql<{ provider: string; providerPaymentId: string }[]>`
        select provider, provider_payment_id from payments where enrollment_id = ${enrollment.id} and status = 'accepted'`;
      const handle = enrollments.handle(enrollment);
      for (const payment of payments) await handle.signal(paymentRefundedSignal, payment);
      await audit(actor, 'revoke', `user:${input.telegramId}`, {
        course: enrollment.courseSlug,
        payments: payments.length,
      });
      return { courseSlug: enrollment.courseSlug, payments: payments.length };
    },

    async move(actor: AdminActor, input: { telegramId: number; day: number; slug?: string }) {
      const enrollment = await mustEnrollment(input.telegramId, input.slug);
      await enrollments.handle(enrollment).signal(moveToDaySignal, { day: input.day });
      await audit(actor, 'move', `user:${input.telegramId}`, { course: enrollment.courseSlug, day: input.day });
      return { courseSlug: enrollment.courseSlug };
    },

    /**
     * Opens the gate the student's next lesson waits at (#17), as if the homework had passed: the lesson comes at their
     * next lesson time. A journey at no gate changes nothing and says so.
     */
    async openGate(actor: AdminActor, input: { telegramId: number; slug?: string }) {
      const enrollment = await mustEnrollment(input.telegramId, input.slug);
      const handle = enrollments.handle(enrollment);
      const { gate } = await handle.query(progressQuery);
      if (!gate) throw new AdminOpError(`${input.telegramId} is not waiting at a gate in ${enrollment.courseSlug}.`);
      await handle.signal(openGateSignal, { day: gate.day });
      await audit(actor, 'open-gate', `user:${input.telegramId}`, { course: enrollment.courseSlug, ...gate });
      return { courseSlug: enrollment.courseSlug, ...gate };
    },

    /** Pauses or resumes the lessons of one journey. */
    async pause(actor: AdminActor, input: { telegramId: number; slug?: string; resume?: boolean }) {
      const enrollment = await mustEnrollment(input.telegramId, input.slug);
      await enrollments.handle(enrollment).signal(input.resume ? resumeSignal : pauseSignal);
      await audit(actor, input.resume ? 'resume' : 'pause', `user:${input.telegramId}`, {
        course: enrollment.courseSlug,
      });
      return { courseSlug: enrollment.courseSlug };
    },

    /**
     * The bots stop serving the student and the newest journey pauses, or both resume: unblocking also tells every
     * journey blocked by a 403 that the student is back, so it sends what it missed at once.
     */
    async block(actor: AdminActor, input: { telegramId: number; blocked: boolean }) {
      const updated = await sql`
        update users set blocked_at = ${input.blocked ? new Date() : null}
        where telegram_id = ${input.telegramId} returning id`;
      if (updated.length === 0) throw new AdminOpError(`No student with Telegram id ${input.telegramId}.`);
      const enrollment = await enrollmentOf(input.telegramId);
      if (enrollment) await enrollments.handle(enrollment).signal(input.blocked ? pauseSignal : resumeSignal);
      if (!input.blocked) await signalStudentReturned(deps, input.telegramId);
      await audit(actor, input.blocked ? 'block' : 'unblock', `user:${input.telegramId}`);
      return { courseSlug: enrollment?.courseSlug };
    },

    /**
     * A reviewer's answer to an assignment: stored (reviewer_answers), then its id handed to the journey
     * (submitFeedbackUpdate), so the answer's contents and the reviewer never enter the journey's history; audited
     * once the journey took it. A journey that refuses it (unknown assignment, already answered) or has ended changes
     * nothing (the stored answer is deleted again): the reason comes back.
     */
    async answerAssignment(actor: AdminActor, answer: ReviewerAnswer): Promise<{ refused?: string }> {
      const [target]: [{ userId: number; courseSlug: string }?] = await sql`
        select e.user_id, c.slug as course_slug from assignments a join enrollments e on e.id = a.enrollment_id
        join courses c on c.id = e.course_id where a.id = ${answer.assignmentId}`;
      if (!target) return { refused: 'unknown assignment' };
      const [stored]: [{ id: number }?] = await sql`
        insert into reviewer_answers (assignment_id, reviewer_telegram_id, parts, verdict)
        values (${answer.assignmentId}, ${answer.reviewerTelegramId}, ${sql.json(answer.parts)}, ${answer.verdict ?? null})
        returning id`;
      if (!stored) throw new Error('insert into reviewer_answers returned no row');
      const feedback: FeedbackInput = {
        assignmentId: answer.assignmentId,
        answerId: stored.id,
        verdict: answer.verdict,
      };
      const refused = await enrollments
        .handle(target)
        .executeUpdate(submitFeedbackUpdate, { args: [feedback] })
        .then(
          () => undefined,
          (err: unknown) => {
            if (err instanceof WorkflowNotFoundError) return 'the student’s journey has ended';
            if (err instanceof WorkflowUpdateFailedError)
              return err.cause instanceof Error ? err.cause.message : err.message;
            throw err;
          },
        );
      if (refused !== undefined) {
        await sql`delete from reviewer_answers where id = ${stored.id}`;
        return { refused };
      }
      await audit(actor, `feedback:${answer.verdict ?? 'reply'}`, `assignment:${answer.assignmentId}`);
      return {};
    },
  };
}

export type AdminOps = ReturnType<typeof createAdminOps>;
