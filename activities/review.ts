import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../db';
import type { FeedbackInput, MessagePart, Tariff } from '../lib/enrollment-definitions';
import { escapeHtml } from '../locales';
import { NotFoundError } from './errors';
import { fromMessagePart, recipientOf, sendPart, sendTextOnce } from './recipient';
import { sendOnce } from './send-once';
import type { TelegramBots } from './telegram';

export interface ReviewDeps {
  sql: Sql;
  telegram: TelegramBots;
  /** Review chat for FEEDBACK/PREMIUM assignments. */
  adminChatId?: number;
}

/**
 * The review desk's activities: an assignment goes to the review chat (a header with Approve / Request changes, then
 * the student's own messages copied, so no file id crosses bots), and a reviewer's answer goes back to the student the
 * same way. Every message the bot posts there is remembered, so a reply to any of them answers that assignment.
 */
export function createReview({ sql, telegram, adminChatId }: ReviewDeps) {
  return {
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
      // Each message is remembered as soon as it is posted, so a reviewer's quick reply always finds its assignment.
      const remember = async (messageIds: number[]) => {
        for (const messageId of messageIds) {
          await sql`insert into review_messages (chat_id, message_id, assignment_id)
                    values (${adminChatId}, ${messageId}, ${input.assignmentId})
                    on conflict (chat_id, message_id) do update set assignment_id = excluded.assignment_id`;
        }
        return messageIds;
      };
      const [headerId] = await remember(
        await sendTextOnce(sql, telegram.course, {
          key: `review:${input.assignmentId}:header`,
          chatId: adminChatId,
          html: header,
          replyMarkup: {
            inline_keyboard: [
              [
                { text: r.t.approve(), callback_data: `rv:ok:${input.assignmentId}` },
                { text: r.t.requestChanges(), callback_data: `rv:redo:${input.assignmentId}` },
              ],
            ],
          },
        }),
      );
      for (const [i, part] of a.parts.entries()) {
        await remember(
          await sendOnce(sql, `review:${input.assignmentId}:${i}`, adminChatId, () =>
            sendPart(telegram.course, adminChatId, fromMessagePart(part)),
          ),
        );
      }
      // A reviewer may have answered already: never move an answered assignment back to waiting.
      await sql`update assignments
                set status = case when status = 'submitted' then 'awaiting-review'::assignment_status else status end,
                    routed_at = coalesce(routed_at, now()), review_chat_id = ${adminChatId}, review_message_id = ${headerId ?? null}
                where id = ${input.assignmentId}`;
    },

    /** Stores the reviewer's answer (and verdict) and delivers it to the student. */
    async deliverFeedback(input: { enrollmentId: number; assignmentId: number; feedback: FeedbackInput }) {
      const r = await recipientOf(sql, input.enrollmentId);
      const { verdict, parts, reviewerTelegramId } = input.feedback;
      const status = verdict === 'changes-requested' ? 'changes-requested' : 'answered';
      const [a]: [{ day: number }?] = await sql`
        update assignments set status = ${status}, feedback = ${sql.json(parts as never)}, verdict = ${verdict ?? null},
               reviewer_telegram_id = ${reviewerTelegramId}, reviewed_at = coalesce(reviewed_at, now())
        where id = ${input.assignmentId} and enrollment_id = ${input.enrollmentId} returning day`;
      if (!a)
        throw new NotFoundError(`Assignment ${input.assignmentId} is not part of enrollment ${input.enrollmentId}`);
      const heading =
        verdict === 'approved'
          ? r.t.feedbackApproved({ day: a.day })
          : verdict === 'changes-requested'
            ? r.t.feedbackChangesRequested({ day: a.day })
            : r.t.feedbackHeader({ day: a.day });
      await sendTextOnce(sql, telegram.course, {
        key: `feedback:${input.assignmentId}:header`,
        chatId: r.chatId,
        html: heading,
        ...(verdict === 'changes-requested'
          ? {
              replyMarkup: {
                inline_keyboard: [[{ text: r.t.submitAssignment(), callback_data: `sub:${r.courseSlug}:${a.day}` }]],
              },
            }
          : {}),
      });
      for (const [i, part] of parts.entries()) {
        await sendOnce(sql, `feedback:${input.assignmentId}:${i}`, r.chatId, () =>
          sendPart(telegram.course, r.chatId, fromMessagePart(part)),
        );
      }
      await sql`update assignments set feedback_delivered_at = coalesce(feedback_delivered_at, now()) where id = ${input.assignmentId}`;
    },
  };
}
