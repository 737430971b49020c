import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../db';
import type { FeedbackInput, MessagePart, Tariff } from '../lib/enrollment-definitions';
import type { LessonPart, LessonTasks } from '../lib/lesson-content';
import { escapeHtml } from '../locales';
import { NotFoundError } from './errors';
import { renderLesson } from './lesson-render';
import { fromMessagePart, recipientOf, sendPart, sendTextOnce } from './recipient';
import { sendOnce } from './send-once';
import type { TelegramBots } from './telegram';

export interface DeliveryDeps {
  sql: Sql;
  telegram: TelegramBots;
  /** Review chat for FEEDBACK/PREMIUM assignments. */
  adminChatId?: number;
}

/**
 * Activities of the course bot: lessons, homework acknowledgements, the review chat, feedback and completion. Every
 * message goes through sendOnce with a key derived from business ids, so retries never send the same message twice.
 */
export function createDelivery({ sql, telegram, adminChatId }: DeliveryDeps) {
  return {
    /** Sends lesson `day` once: each message has its own key, and the delivery row marks the lesson done. */
    async deliverLesson(input: { enrollmentId: number; day: number; tariff: Tariff }): Promise<void> {
      const [done] =
        await sql`select 1 from lesson_deliveries where enrollment_id = ${input.enrollmentId} and day = ${input.day}`;
      if (done) return;
      const r = await recipientOf(sql, input.enrollmentId);
      const [lesson]: [{ title: string; parts: LessonPart[]; tasks: LessonTasks }?] = await sql`
        select title, parts, tasks from lessons where course_id = ${r.courseId} and day = ${input.day}`;
      if (!lesson) throw new NotFoundError(`Lesson ${input.day} is missing from course ${r.courseId}`);
      const parts = renderLesson({ day: input.day, ...lesson }, input.tariff, r.t);
      const messageIds: number[] = [];
      for (const [i, part] of parts.entries()) {
        const key = `lesson:${input.enrollmentId}:${input.day}:${i}`;
        messageIds.push(
          ...(await sendOnce(sql, key, r.chatId, () => sendPart(telegram.course, r.chatId, part, r.protectContent))),
        );
      }
      await sql.begin(async (tx) => {
        await tx`insert into lesson_deliveries (enrollment_id, day, message_ids) values (${input.enrollmentId}, ${input.day}, ${messageIds})
                 on conflict (enrollment_id, day) do nothing`;
        await tx`update enrollments set current_day = greatest(current_day, ${input.day}) where id = ${input.enrollmentId}`;
      });
    },

    /** BASIC gets the automatic answer, reviewed tariffs hear that a curator will answer. */
    async acknowledgeAssignment(input: { enrollmentId: number; assignmentId: number; tariff: Tariff }) {
      const r = await recipientOf(sql, input.enrollmentId);
      const basic = input.tariff === 'BASIC';
      await sendTextOnce(sql, telegram.course, {
        key: `assignment-ack:${input.assignmentId}`,
        chatId: r.chatId,
        html: basic ? r.t.assignmentAutoAnswer() : r.t.assignmentQueued(),
      });
      if (basic) await sql`update assignments set status = 'auto-answered' where id = ${input.assignmentId}`;
    },

    /** Posts the assignment to the review chat; admins reply to the header message. */
    async routeAssignment(input: { enrollmentId: number; assignmentId: number; tariff: Tariff }) {
      if (adminChatId === undefined) {
        throw ApplicationFailure.nonRetryable(
          'ADMIN_CHAT_ID is not set: the assignment waits in the review queue',
          'ReviewChatNotConfigured',
        );
      }
      const r = await recipientOf(sql, input.enrollmentId);
      const [a]: [{ day: number; parts: MessagePart[] }?] =
        await sql`select day, parts from assignments where id = ${input.assignmentId}`;
      if (!a) throw new NotFoundError(`Assignment ${input.assignmentId} does not exist`);
      const header = r.t.reviewRequest({
        assignmentId: input.assignmentId,
        day: a.day,
        tariff: input.tariff,
        student: escapeHtml(r.firstName),
      });
      const [headerId] = await sendTextOnce(sql, telegram.course, {
        key: `review:${input.assignmentId}:header`,
        chatId: adminChatId,
        html: header,
      });
      for (const [i, part] of a.parts.entries()) {
        await sendOnce(sql, `review:${input.assignmentId}:${i}`, adminChatId, () =>
          sendPart(telegram.course, adminChatId, fromMessagePart(part)),
        );
      }
      await sql`update assignments set status = 'awaiting-review', routed_at = coalesce(routed_at, now()),
                review_chat_id = ${adminChatId}, review_message_id = ${headerId ?? null} where id = ${input.assignmentId}`;
    },

    /** Stores the reviewer's answer and delivers it to the student. */
    async deliverFeedback(input: { enrollmentId: number; assignmentId: number; feedback: FeedbackInput }) {
      const r = await recipientOf(sql, input.enrollmentId);
      const [a]: [{ day: number }?] = await sql`
        update assignments set status = 'answered', feedback = ${sql.json(input.feedback.parts as never)},
               reviewer_telegram_id = ${input.feedback.reviewerTelegramId}, reviewed_at = coalesce(reviewed_at, now())
        where id = ${input.assignmentId} and enrollment_id = ${input.enrollmentId} returning day`;
      if (!a)
        throw new NotFoundError(`Assignment ${input.assignmentId} is not part of enrollment ${input.enrollmentId}`);
      await sendTextOnce(sql, telegram.course, {
        key: `feedback:${input.assignmentId}:header`,
        chatId: r.chatId,
        html: r.t.feedbackHeader({ day: a.day }),
      });
      for (const [i, part] of input.feedback.parts.entries()) {
        await sendOnce(sql, `feedback:${input.assignmentId}:${i}`, r.chatId, () =>
          sendPart(telegram.course, r.chatId, fromMessagePart(part)),
        );
      }
      await sql`update assignments set feedback_delivered_at = coalesce(feedback_delivered_at, now()) where id = ${input.assignmentId}`;
    },

    async sendCompletion(input: { enrollmentId: number }) {
      const r = await recipientOf(sql, input.enrollmentId);
      await sendTextOnce(sql, telegram.course, {
        key: `completion:${input.enrollmentId}`,
        chatId: r.chatId,
        html: r.t.completion({ course: escapeHtml(r.courseTitle) }),
      });
    },
  };
}
