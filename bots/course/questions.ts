import { Composer } from 'grammy';
import { onButton } from '../buttons';
import type { CourseContext } from './context';
import { currentEnrollment } from './enrollment';

/**
 * "Ask a curator" under any lesson: the student's next message is copied to the review chat with who asks about which
 * day; a reviewer's reply to it comes back to the student (see review.ts).
 */
export const questions = new Composer<CourseContext>();
const student = questions.chatType('private');

onButton(student, 'ask', async (ctx, { slug, day }) => {
  const enrollment = await currentEnrollment(ctx.deps.sql, ctx.from.id, slug);
  if (!enrollment || ctx.deps.settings.adminChatId === undefined) {
    return void (await ctx.answerCallbackQuery({ text: ctx.t.notEnrolled({ salesBot: ctx.deps.settings.salesBot }) }));
  }
  await ctx.answerCallbackQuery();
  ctx.session.question = { slug: enrollment.courseSlug, day };
  await ctx.reply(ctx.t.askQuestion());
});

student.on('message', async (ctx, next) => {
  const question = ctx.session.question;
  const adminChatId = ctx.deps.settings.adminChatId;
  if (!question || adminChatId === undefined || ctx.message.text?.startsWith('/')) return next();
  ctx.session.question = undefined;
  const enrollment = await currentEnrollment(ctx.deps.sql, ctx.from.id, question.slug);
  if (!enrollment) return void (await ctx.reply(ctx.t.notEnrolled({ salesBot: ctx.deps.settings.salesBot })));
  const header = await ctx.api.sendMessage(
    adminChatId,
    ctx.t.questionHeader({
      student: ctx.from.first_name,
      tariff: enrollment.tariff,
      day: question.day,
      course: enrollment.courseSlug,
    }),
  );
  const copy = await ctx.api.copyMessage(adminChatId, ctx.chat.id, ctx.message.message_id);
  await ctx.deps.sql`
    insert into support_messages (user_id, admin_chat_id, admin_message_id, user_message_id)
    values (${enrollment.userId}, ${adminChatId}, ${header.message_id}, ${ctx.message.message_id}),
           (${enrollment.userId}, ${adminChatId}, ${copy.message_id}, ${ctx.message.message_id})
    on conflict (admin_chat_id, admin_message_id) do update set user_id = excluded.user_id`;
  await ctx.reply(ctx.t.questionSent());
});
