import type { Sql } from '../db';
import { isReviewed } from '../domain/tariffs';
import type { Tariff } from '../domain/tariffs';
import type { LessonPart, LessonTasks } from '../domain/lesson-content';
import { escapeHtml } from '../locales';
import { inlineButton } from '../telegram/callback-data';
import { renderLesson } from '../telegram/lesson-render';
import { createMediaCache } from '../telegram/media-cache';
import { sendKey } from '../telegram/send-keys';
import { sendPart } from '../telegram/send-part';
import { activityFunnel } from '../analytics/activity-funnel';
import { NotFoundError } from './errors';
import { settleJourneyPriority } from './journey-priority';
import { recipientOf, sendTextOnce } from './recipient';
import { sendOnce } from './send-once';
import type { TelegramBots } from './telegram';

export interface DeliveryDeps {
  sql: Sql;
  telegram: TelegramBots;
}

/**
 * Activities of the course bot: lessons, homework acknowledgements and completion (the review desk's are in
 * review.ts). Every
 * message goes through sendOnce with a key derived from business ids, so retries never send the same message twice.
 */
export function createDelivery({ sql, telegram }: DeliveryDeps) {
  const media = createMediaCache(sql);
  const funnel = activityFunnel(sql);
  return {
    /** Sends lesson `day` once: each message has its own key, and the delivery row marks the lesson done. */
    async deliverLesson(input: { enrollmentId: number; day: number; tariff: Tariff }): Promise<{ hasTask: boolean }> {
      const [done]: [{ hasTask: boolean }?] = await sql`
        select l.tasks <> '{}'::jsonb as has_task from lesson_deliveries d
        join enrollments e on e.id = d.enrollment_id join lessons l on l.course_id = e.course_id and l.day = d.day
        where d.enrollment_id = ${input.enrollmentId} and d.day = ${input.day}`;
      if (done) return { hasTask: done.hasTask };
      const r = await recipientOf(sql, input.enrollmentId);
      const [lesson]: [{ title: string; parts: LessonPart[]; tasks: LessonTasks }?] = await sql`
        select title, parts, tasks from lessons where course_id = ${r.courseId} and day = ${input.day}`;
      if (!lesson) throw new NotFoundError(`Lesson ${input.day} is missing from course ${r.courseId}`);
      const parts = renderLesson({ day: input.day, ...lesson }, input.tariff, r.t, { courseSlug: r.courseSlug });
      const messageIds: number[] = [];
      for (const [i, part] of parts.entries()) {
        messageIds.push(
          ...(await sendOnce(sql, sendKey.lessonPart(input.enrollmentId, input.day, i), r.chatId, () =>
            sendPart(telegram.course, r.chatId, part, { protect: r.protectContent, media }),
          )),
        );
      }
      // One statement, so atomic without a transaction block (postgres.js can crash a process when the server
      // restarts under an open `sql.begin`; see docs/reliability.md).
      await sql`
        with delivered as (
          insert into lesson_deliveries (enrollment_id, day, message_ids)
          values (${input.enrollmentId}, ${input.day}, ${messageIds})
          on conflict (enrollment_id, day) do nothing
        )
        update enrollments set current_day = greatest(current_day, ${input.day}) where id = ${input.enrollmentId}`;
      await funnel.forEnrollment(input.enrollmentId, { step: 'first-lesson' });
      await funnel.forEnrollment(input.enrollmentId, { step: 'lesson', day: input.day });
      return { hasTask: parts.some((part) => part.kind === 'text' && part.task) };
    },

    /** BASIC gets the automatic answer, reviewed tariffs hear that a curator will answer. */
    async acknowledgeAssignment(input: {
      enrollmentId: number;
      assignmentId: number;
      tariff: Tariff;
      journeyPriority?: number;
    }) {
      const r = await recipientOf(sql, input.enrollmentId);
      const basic = !isReviewed(input.tariff);
      await sendTextOnce(sql, telegram.course, {
        key: sendKey.assignmentAck(input.assignmentId),
        chatId: r.chatId,
        html: basic ? r.t.assignmentAutoAnswer() : r.t.assignmentQueued(),
      });
      if (basic) await sql`update assignments set status = 'auto-answered' where id = ${input.assignmentId}`;
      await settleJourneyPriority(input.journeyPriority);
    },

    /** One gentle reminder about a lesson's assignment, unless it was handed in meanwhile. */
    async sendReminder(input: { enrollmentId: number; day: number }): Promise<void> {
      const [handedIn] =
        await sql`select 1 from assignments where enrollment_id = ${input.enrollmentId} and day = ${input.day}`;
      if (handedIn) return;
      const r = await recipientOf(sql, input.enrollmentId);
      await sendTextOnce(sql, telegram.course, {
        key: sendKey.reminder(input.enrollmentId, input.day),
        chatId: r.chatId,
        html: r.t.reminder({ day: input.day }),
        replyMarkup: {
          inline_keyboard: [
            [inlineButton(r.t.submitAssignment(), { kind: 'submit', slug: r.courseSlug, day: input.day })],
          ],
        },
      });
    },

    async sendCompletion(input: { enrollmentId: number }) {
      const r = await recipientOf(sql, input.enrollmentId);
      await sendTextOnce(sql, telegram.course, {
        key: sendKey.completion(input.enrollmentId),
        chatId: r.chatId,
        html: r.t.completion({ course: escapeHtml(r.courseTitle) }),
      });
    },
  };
}
