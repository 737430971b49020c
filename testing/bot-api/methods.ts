import type { BotCommand, UserFromGetMe } from 'grammy/types';
import type { Method, MethodContext } from './context';
import { badRequest } from './errors';
import { getFile } from './media';
import { copyMessage, copyMessages, deleteMessage, editMessage } from './message-changes';
import { sendMedia, sendMediaGroup, sendMessage } from './messages';
import { INVITE_METHODS } from './invite-links';
import { MEMBER_METHODS } from './members';
import { PAYMENT_METHODS } from './payments';
import { sendPoll } from './polls';
import { UPDATE_METHODS } from './updates';
import { answerCallbackQuery } from './users';

/** Methods that put a message into a chat: they count against flood limits. */
export const SEND_METHODS = new Set([
  'sendMessage',
  'sendPhoto',
  'sendVideo',
  'sendDocument',
  'sendVoice',
  'sendAudio',
  'sendAnimation',
  'sendMediaGroup',
  'sendInvoice',
  'sendPoll',
  'copyMessage',
  'copyMessages',
  'forwardMessage',
]);

/** Methods that fail with 403 in a private chat whose user blocked the bot. */
export const BLOCKABLE_METHODS = new Set([
  ...SEND_METHODS,
  'sendChatAction',
  'editMessageText',
  'editMessageCaption',
  'editMessageReplyMarkup',
]);

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

/** Commands are kept per scope and language, as Telegram does. */
const commandsKey = (ctx: MethodContext) =>
  `${JSON.stringify(ctx.params.json('scope') ?? { type: 'default' })}|${ctx.params.optionalString('language_code') ?? ''}`;

const setMyCommands: Method = (ctx) => {
  const commands = ctx.params.json<BotCommand[]>('commands');
  if (!Array.isArray(commands) || commands.length > 100) throw badRequest("can't parse commands JSON array");
  for (const c of commands) {
    if (!/^[a-z0-9_]{1,32}$/.test(String(c.command))) throw badRequest('BOT_COMMAND_INVALID');
    if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) {
      throw badRequest('command description is empty or too long');
    }
  }
  ctx.bot.commands.set(commandsKey(ctx), commands);
  return true;
};

/** The Bot API methods the stand-in answers, by canonical name (the server matches names case-insensitively). */
export const METHODS: Record<string, Method> = {
  getMe: ({ bot }): UserFromGetMe => ({
    ...bot.user,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  }),
  logOut: () => true,
  close: () => true,
  ...UPDATE_METHODS,

  sendMessage,
  sendPhoto: sendMedia('photo'),
  sendVideo: sendMedia('video'),
  sendDocument: sendMedia('document'),
  sendVoice: sendMedia('voice'),
  sendAudio: sendMedia('audio'),
  sendAnimation: sendMedia('animation'),
  sendMediaGroup,
  sendPoll,
  copyMessage: copyMessage('copy'),
  copyMessages,
  forwardMessage: copyMessage('forward'),
  editMessageText: editMessage('text'),
  editMessageCaption: editMessage('caption'),
  editMessageReplyMarkup: editMessage('reply_markup'),
  deleteMessage,
  sendChatAction: ({ params }) => {
    params.chatId();
    if (!CHAT_ACTIONS.has(params.optionalString('action') ?? '')) throw badRequest('wrong parameter action in request');
    return true;
  },
  answerCallbackQuery,
  getFile,

  setMyCommands,
  getMyCommands: (ctx) => ctx.bot.commands.get(commandsKey(ctx)) ?? [],
  deleteMyCommands: (ctx) => (ctx.bot.commands.delete(commandsKey(ctx)), true),
  setChatMenuButton: ({ bot, params }) => {
    const button = params.json<Record<string, unknown>>('menu_button') ?? { type: 'default' };
    bot.menuButtons.set(params.optionalChatId() ?? 'default', button);
    return true;
  },
  getChatMenuButton: ({ bot, params }) =>
    bot.menuButtons.get(params.optionalChatId() ?? 'default') ?? bot.menuButtons.get('default') ?? { type: 'commands' },
  setMyDescription: () => true,
  setMyShortDescription: () => true,
  setMyName: () => true,
  getChat: ({ params, state }) => {
    const chat = state.chat(params.chatId());
    return { ...chat, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: {} };
  },
  ...INVITE_METHODS,
  ...MEMBER_METHODS,
  ...PAYMENT_METHODS,
};

const BY_LOWER_NAME = new Map(Object.keys(METHODS).map((name) => [name.toLowerCase(), name]));

/** The canonical name of a method, if the stand-in knows it. */
export const canonicalMethod = (name: string): string | undefined => BY_LOWER_NAME.get(name.toLowerCase());
