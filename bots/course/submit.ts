import { WorkflowNotFoundError } from '@temporalio/client';
import { Composer, InlineKeyboard } from 'grammy';
import type { Message } from 'grammy/types';
import { DEFAULT_SUBMISSION_MAX_PARTS } from '../../config';
import { assignmentSubmittedSignal } from '../../journey/definitions';
import type { MessagePart } from '../../journey/definitions';
import { encodeButton } from '../../telegram/callback-data';
import { lessonArrived } from '../../telegram/send-keys';
import { onButton } from '../buttons';
import type { CourseContext } from './context';
import { currentEnrollment } from './enrollment';
import { ignoreStaleEdit } from '../errors';

const KINDS = [
  'text',
  'photo',
  'video',
  'document',
  'voice',
  'audio',
  'video_note',
  'animation',
] as const satisfies readonly (keyof Message)[];

/**
 * Handing in an assignment: "Submit assignment" opens a submission, every message the student sends joins it (text,
 * media, albums), and "Send" hands it to the journey as one signal. The student's messages travel by reference and
 * are copied to the review chat, so no file id crosses bots. Each part costs a copy in the review chat from the bot's
 * shared send rate, so a submission holds at most SUBMISSION_MAX_PARTS messages. After the journey has ended nothing
 * takes a submission: the student hears that reviews are closed instead of an unanswered button.
 */
export const submit = new Composer<CourseContext>();
const student = submit.chatType('private');

onButton(student, 'submit', async (ctx, { slug, day }) => {
  const enrollment = await currentEnrollment(ctx.deps.sql, ctx.from.id, slug);
  const delivered = enrollment !== undefined && (await lessonArrived(ctx.deps.sql, enrollment.id, day));
  if (!enrollment || !delivered) return void (await ctx.answerCallbackQuery({ text: ctx.t.notDelivered() }));
  if (enrollment.stage === 'completed') return void (await ctx.answerCallbackQuery({ text: ctx.t.courseEnded() }));
  await ctx.answerCallbackQuery();
  ctx.session.submission = { slug, day, parts: [] };
  await ctx.reply(ctx.t.startSubmission({ day }));
});

student.on('message', async (ctx, next) => {
  const submission = ctx.session.submission;
  if (!submission) {
    if (ctx.message.text?.startsWith('/')) return next();
    return void (await ctx.reply(ctx.t.noSubmissionOpen()));
  }
  if (ctx.message.text?.startsWith('/')) return next();
  const kind = KINDS.find((k) => ctx.message[k] !== undefined);
  if (!kind) return void (await ctx.reply(ctx.t.unsupported()));
  const part: MessagePart = { type: 'message', chatId: ctx.chat.id, messageId: ctx.message.message_id, kind };
  // One prompt per message, or per album (its photos arrive as separate messages with one media_group_id).
  const album = ctx.message.media_group_id;
  const prompt = !album || album !== submission.lastAlbum;
  submission.lastAlbum = album;
  const keyboard = new InlineKeyboard()
    .text(ctx.t.send(), encodeButton({ kind: 'send-submission' }))
    .text(ctx.t.cancel(), encodeButton({ kind: 'cancel-submission' }));
  const max = ctx.deps.settings.maxSubmissionParts ?? DEFAULT_SUBMISSION_MAX_PARTS;
  if (submission.parts.length >= max) {
    if (prompt) await ctx.reply(ctx.t.submissionFull({ max }), { reply_markup: keyboard });
    return;
  }
  submission.parts.push(part);
  submission.firstMessageId ??= ctx.message.message_id;
  if (prompt) await ctx.reply(ctx.t.received({ count: submission.parts.length }), { reply_markup: keyboard });
});

onButton(student, 'send-submission', async (ctx) => {
  const submission = ctx.session.submission;
  if (!submission || submission.parts.length === 0)
    return void (await ctx.answerCallbackQuery({ text: ctx.t.emptySubmission() }));
  const enrollment = await currentEnrollment(ctx.deps.sql, ctx.from.id, submission.slug);
  if (!enrollment)
    return void (await ctx.answerCallbackQuery({ text: ctx.t.notEnrolled({ salesBot: ctx.deps.settings.salesBot }) }));
  let answer = ctx.t.submitted();
  // Stored here, and the journey told only the row's id: what a student hands in never enters its history. The
  // chat and first message make a double tap one submission.
  const [stored]: [{ id: number }?] = await ctx.deps.sql`
    insert into submissions (enrollment_id, day, submission_key, parts)
    values (${enrollment.id}, ${submission.day}, ${`${ctx.chat.id}:${submission.firstMessageId}`},
            ${ctx.deps.sql.json(submission.parts)})
    on conflict (enrollment_id, submission_key) do update set submission_key = excluded.submission_key
    returning id`;
  if (!stored) throw new Error('insert into submissions returned no row');
  const journey = { userId: enrollment.userId, courseSlug: enrollment.courseSlug };
  try {
    // The receipt is an answer the student waits for: ahead of the tasks of journeys that only have lessons due.
    await ctx.deps.enrollments.answerOwed(journey);
    await ctx.deps.enrollments.handle(journey).signal(assignmentSubmittedSignal, {
      submissionKey: `submission:${stored.id}`,
      day: submission.day,
      submissionId: stored.id,
    });
  } catch (err) {
    // The journey ended while the student was putting the submission together.
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    answer = ctx.t.courseEnded();
  }
  ctx.session.submission = undefined;
  await ctx.answerCallbackQuery({ text: answer });
  await ctx.editMessageText(answer).catch(ignoreStaleEdit);
});

onButton(student, 'cancel-submission', async (ctx) => {
  ctx.session.submission = undefined;
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t.cancelled()).catch(ignoreStaleEdit);
});
