import { Composer } from 'grammy';
import type { Context, Middleware } from 'grammy';

/** Where admins act, and who they are. */
export interface AdminChatSettings {
  /** ADMIN_CHAT_ID: the admin (review) chat; unset means no admin chat and no admin actions. */
  adminChatId?: number;
  /** REVIEWER_IDS: the only Telegram users whose commands, buttons and replies in the admin chat do anything. */
  reviewerIds: readonly number[];
}

type AdminChatContext = Context & { deps: { settings: AdminChatSettings } };

export const inAdminChat = (ctx: AdminChatContext): boolean =>
  ctx.deps.settings.adminChatId !== undefined && ctx.chat?.id === ctx.deps.settings.adminChatId;

/** The allow-list check: the one place that decides who may act in the admin chat. */
export const isAllowListed = (ctx: AdminChatContext): boolean =>
  ctx.from !== undefined && ctx.deps.settings.reviewerIds.includes(ctx.from.id);

/**
 * A bot's admin chat: `middleware` (every admin command, button and reply handler the bot has) runs only for updates
 * in ADMIN_CHAT_ID from a user in REVIEWER_IDS. Chat membership is no credential: anyone else who presses a button,
 * sends one of this bot's commands or replies to this bot's message is told `refusal` and nothing happens; their
 * other messages are ignored. Membership updates (joins, leaves) pass on untouched.
 */
export function adminChat<C extends AdminChatContext>(
  refusal: (ctx: C) => string,
  ...middleware: Middleware<C>[]
): Composer<C> {
  const composer = new Composer<C>();
  composer.filter(
    inAdminChat,
    async (ctx, next) => {
      if (isAllowListed(ctx) || ctx.chatMember || ctx.myChatMember || ctx.chatJoinRequest) return next();
      if (ctx.callbackQuery) return void (await ctx.answerCallbackQuery({ text: refusal(ctx), show_alert: true }));
      const message = ctx.message;
      // Commands reaching here are this bot's own (see ownCommandsInGroups); a reply to its message is an answer.
      const command = message?.entities?.some((e) => e.type === 'bot_command' && e.offset === 0);
      if (message && (command || message.reply_to_message?.from?.id === ctx.me.id)) {
        await ctx.reply(refusal(ctx), { reply_parameters: { message_id: message.message_id } });
      }
    },
    ...middleware,
  );
  return composer;
}
