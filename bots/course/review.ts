import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import type { Sql } from '../../db';
import { createAdminOps } from '../../journey/admin-ops';
import type { ReviewerAnswer } from '../../journey/definitions';
import { escapeHtml } from '../../locales';
import { onButton } from '../buttons';
import { recordOfReply } from '../reply-records';
import type { CourseContext } from './context';

/**
 * The review desk in the admin chat. A reviewer answers an assignment by replying to any of its messages (text, voice,
 * media: copied to the student as is) or with Approve / Request changes; an answer to an assignment already answered
 * changes nothing and is told why. /queue lists what waits, PREMIUM first, oldest first. Mounted behind the allow-list
 * (adminChat in ../admin-chat), so only REVIEWER_IDS get here.
 */
export const review = new Composer<CourseContext>();

/** The commands of this file, claimed in the admin chat (see ownCommandsInGroups). */
export const REVIEW_COMMANDS = ['queue'];

/** Hands the answer to the journey (audited there); a rejection (unknown, already answered) comes back as the reason. */
async function answer(ctx: CourseContext & { from: { id: number } }, feedback: ReviewerAnswer): Promise<string> {
  const { refused } = await createAdminOps(ctx.deps).answerAssignment(
    { telegramId: ctx.from.id, via: 'review-chat' },
    feedback,
  );
  return refused === undefined
    ? ctx.t.feedbackSent({ id: feedback.assignmentId })
    : ctx.t.feedbackRefused({ id: feedback.assignmentId, reason: refused });
}

onButton(review, 'verdict', async (ctx, { assignmentId, verdict }) => {
  const result = await answer(ctx, { assignmentId, reviewerTelegramId: ctx.from.id, parts: [], verdict });
  await ctx.answerCallbackQuery({ text: result });
  await ctx.reply(result);
});

review.command('queue', async (ctx) => {
  const waiting = await ctx.deps.sql<
    { id: number; tariff: string; day: number; submittedAt: Date; firstName: string }[]
  >`
    select a.id, e.tariff, a.day, a.submitted_at, u.first_name
    from assignments a join enrollments e on e.id = a.enrollment_id join users u on u.id = e.user_id
    where a.status in ('submitted', 'awaiting-review') and e.tariff in ('FEEDBACK', 'PREMIUM')
    order by (e.tariff = 'PREMIUM') desc, a.submitted_at limit 50`;
  if (waiting.length === 0) return void (await ctx.reply(ctx.t.queueEmpty()));
  const lines = waiting.map((a) =>
    ctx.t.queueLine({
      id: a.id,
      tariff: a.tariff,
      day: a.day,
      student: escapeHtml(a.firstName),
      age: age(Date.now() - a.submittedAt.getTime()),
    }),
  );
  await ctx.reply(lines.join('\n'));
});

/** What a reviewer's answer may be, as the student's copy will show it. */
const ANSWER_KINDS = [
  'text',
  'voice',
  'photo',
  'video',
  'document',
  'audio',
  'video_note',
] as const satisfies readonly (keyof Message)[];

/**
 * A reply answers whatever stored rows say the replied-to message belongs to (review_messages, support_messages),
 * and only for a message this bot posted. Never what a message says: a student's copied question may read "#1 · …".
 */
review.on('message', async (ctx, next) => {
  const replyTo = ctx.message.reply_to_message;
  if (!replyTo || replyTo.from?.id !== ctx.me.id) return next();
  const target = await recordOfReply(replyTo, () => replyTarget(ctx.deps.sql, ctx.chat.id, replyTo.message_id));
  const replyParameters = { reply_parameters: { message_id: ctx.message.message_id } };
  if (!target) return void (await ctx.reply(ctx.t.notLinked(), replyParameters));
  if ('telegramId' in target) return answerQuestion(ctx, target);
  const kind = ANSWER_KINDS.find((k) => ctx.message[k] !== undefined) ?? 'message';
  const result = await answer(ctx, {
    assignmentId: target.assignmentId,
    reviewerTelegramId: ctx.from.id,
    parts: [{ type: 'message', chatId: ctx.chat.id, messageId: ctx.message.message_id, kind }],
  });
  await ctx.reply(result, replyParameters);
});

/** An assignment (review_messages) or a student's question (support_messages) the bot posted this message for. */
async function replyTarget(
  sql: Sql,
  chatId: number,
  messageId: number,
): Promise<{ assignmentId: number } | { id: number; telegramId: number } | undefined> {
  const [assignment]: [{ assignmentId: number }?] = await sql`
    select assignment_id from review_messages where chat_id = ${chatId} and message_id = ${messageId}`;
  if (assignment) return assignment;
  const [thread]: [{ id: number; telegramId: number }?] = await sql`
    select s.id, u.telegram_id from support_messages s join users u on u.id = s.user_id
    where s.admin_chat_id = ${chatId} and s.admin_message_id = ${messageId}`;
  return thread;
}

/** A reviewer's reply to a student's question (or its header) goes back to that student. */
async function answerQuestion(
  ctx: CourseContext & { chat: { id: number }; message: { message_id: number } },
  thread: { id: number; telegramId: number },
) {
  await ctx.api.sendMessage(thread.telegramId, ctx.t.curatorAnswer());
  await ctx.api.copyMessage(thread.telegramId, ctx.chat.id, ctx.message.message_id);
  await ctx.deps.sql`update support_messages set answered_at = now() where id = ${thread.id}`;
  await ctx.reply(ctx.t.answerSent());
}

function age(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} d`;
}
