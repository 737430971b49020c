import { Composer } from 'grammy';
import { onButton } from '../buttons';
import { recordOfReply } from '../reply-records';
import type { SalesContext } from './context';
import { upsertUser } from './users';

/**
 * "Talk to a human": the student's next message is copied to the admin chat; an admin's reply to it (text, voice,
 * anything) is copied back to the student.
 */
export const support = new Composer<SalesContext>();

const askQuestion = async (ctx: SalesContext) => {
  ctx.session.awaiting = { kind: 'question' };
  await ctx.reply(ctx.t.askQuestion());
};
support.command('support', askQuestion);
onButton(support, 'support', async (ctx) => {
  await ctx.answerCallbackQuery();
  await askQuestion(ctx);
});

/** The student's question after "Talk to a human" (see ./answers.ts), any kind of message, copied to the admins. */
export const questionAnswer = new Composer<SalesContext>();
questionAnswer.chatType('private').on('message', async (ctx, next) => {
  const adminChatId = ctx.deps.settings.adminChatId;
  if (adminChatId === undefined) return next();
  ctx.session.awaiting = undefined;
  const user = await upsertUser(ctx.deps.sql, ctx.from);
  const who = [ctx.from.first_name, ctx.from.last_name].filter(Boolean).join(' ');
  const header = await ctx.api.sendMessage(
    adminChatId,
    `❓ ${who}${ctx.from.username ? ` (@${ctx.from.username})` : ''}, user #${user.id}`,
  );
  const copy = await ctx.api.copyMessage(adminChatId, ctx.chat.id, ctx.message.message_id);
  await ctx.deps.sql`
    insert into support_messages (user_id, admin_chat_id, admin_message_id, user_message_id)
    values (${user.id}, ${adminChatId}, ${header.message_id}, ${ctx.message.message_id}),
           (${user.id}, ${adminChatId}, ${copy.message_id}, ${ctx.message.message_id})`;
  await ctx.reply(ctx.t.questionSent());
});

/**
 * An admin's reply in the admin chat to a copied question goes back to the student who asked. The student is found
 * only through support_messages, for a message this bot posted; never through what any message says.
 */
export async function deliverSupportAnswer(ctx: SalesContext): Promise<boolean> {
  const message = ctx.message;
  const reply = message?.reply_to_message;
  const chat = ctx.chat;
  if (!message || !reply || !chat || chat.id !== ctx.deps.settings.adminChatId || reply.from?.id !== ctx.me.id) {
    return false;
  }
  const thread = await recordOfReply(reply, async () => {
    const [row]: [{ id: number; telegramId: number }?] = await ctx.deps.sql`
      select s.id, u.telegram_id from support_messages s join users u on u.id = s.user_id
      where s.admin_chat_id = ${chat.id} and s.admin_message_id = ${reply.message_id}`;
    return row;
  });
  if (!thread) return false;
  await ctx.api.sendMessage(thread.telegramId, ctx.t.answerFromTeam());
  await ctx.api.copyMessage(thread.telegramId, chat.id, message.message_id);
  await ctx.deps.sql`update support_messages set answered_at = now() where id = ${thread.id}`;
  return true;
}
