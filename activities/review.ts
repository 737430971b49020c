import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../db';
import type { FeedbackInput, MessagePart, Verdict } from '../journey/definitions';
import type { Tariff } from '../domain/tariffs';
import { escapeHtml } from '../locales';
import { inlineButton } from '../telegram/callback-data';
import { sendKey } from '../telegram/send-keys';
import { fromMessagePart, sendPart } from '../telegram/send-part';
import { NotFoundError } from './errors';
import { recipientOf, sendTextOnce } from './recipient';
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
          key: sendKey.reviewHeader(input.assignmentId),
          chatId: adminChatId,
          html: header,
          replyMarkup: {
            inline_keyboard: [
              [
                inlineButton(r.t.approve(), { kind: 'verdict', assignmentId: input.assignmentId, verdict: 'approved' }),
                inlineButton(r.t.requestChanges(), {
                  kind: 'verdict',
                  assignmentId: input.assignmentId,
                  verdict: 'changes-requested',
                }),
              ],
            ],
          },
        }),
      );
      for (const [i, part] of a.parts.entries()) {
        await remember(
          await sendOnce(sql, sendKey.reviewPart(input.assignmentId, i), adminChatId, () =>
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
      const { verdict, parts, reviewerTelegramId } = await answerOf(sql, input.assignmentId, input.feedback);
      const status = verdict === 'changes-requested' ? 'changes-requested' : 'answered';
      const [a]: [{ day: number }?] = await sql`
        update assignments set status = ${status}, feedback = ${sql.json(parts)}, verdict = ${verdict ?? null},
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
        key: sendKey.feedbackHeader(input.assignmentId),
        chatId: r.chatId,
        html: heading,
        ...(verdict === 'changes-requested'
          ? {
              replyMarkup: {
                inline_keyboard: [
                  [inlineButton(r.t.submitAssignment(), { kind: 'submit', slug: r.courseSlug, day: a.day })],
                ],
              },
            }
          : {}),
      });
      for (const [i, part] of parts.entries()) {
        await sendOnce(sql, sendKey.feedbackPart(input.assignmentId, i), r.chatId, () =>
          sendPart(telegram.course, r.chatId, fromMessagePart(part)),
        );
      }
      await sql`update assignments set feedback_delivered_at = coalesce(feedback_delivered_at, now()) where id = ${input.assignmentId}`;
    },
  };
}

/**
 * The reviewer's answer the journey was told of: the row the review desk stored (reviewer_answers), or, for journeys
 * answered before that existed, the answer the update carried.
 */
async function answerOf(
  sql: Sql,
  assignmentId: number,
  feedback: FeedbackInput,
): Promise<{ verdict?: Verdict; parts: MessagePart[]; reviewerTelegramId: number | null }> {
  if (feedback.answerId === undefined) {
    const { verdict, parts = [], reviewerTelegramId = null } = feedback;
    return { verdict, parts, reviewerTelegramId };
  }
  const [row]: [{ parts: MessagePart[]; reviewerTelegramId: number }?] = await sql`
    select parts, reviewer_telegram_id from reviewer_answers
    where id = ${feedback.answerId} and assignment_id = ${assignmentId}`;
  if (!row) throw new NotFoundError(`Answer ${feedback.answerId} is not for assignment ${assignmentId}`);
  return { verdict: feedback.verdict, ...row };
}
