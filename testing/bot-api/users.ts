import type { Message } from 'grammy/types';
import type { Method } from './context';
import { badRequest } from './errors';
import { mediaFields, newFile } from './media';
import type { StandInState } from './state';
import { unixNow } from './ids';
import { asReply } from './messages';
import type { TgUser } from './types';

const CALLBACK_TTL_MS = 15_000;

/** Media a user sends: `true` for a typical file, or fields to set on it (file_name, mime_type, ...). */
export type UserMedia = true | { file_name?: string; mime_type?: string; duration?: number };

export interface UserMessageInput {
  /** The bot the user writes to. */
  botToken: string;
  from: TgUser;
  /** Defaults to the user's private chat with the bot (chat id = user id); a negative id is a group. */
  chatId?: number;
  text?: string;
  caption?: string;
  photo?: UserMedia;
  video?: UserMedia;
  document?: UserMedia;
  voice?: UserMedia;
  audio?: UserMedia;
  replyToMessageId?: number;
  mediaGroupId?: string;
}

export interface PressButtonInput {
  botToken: string;
  from: TgUser;
  /** Defaults to the user's private chat with the bot. */
  chatId?: number;
  messageId: number;
  data: string;
}

const MEDIA = ['photo', 'video', 'document', 'voice', 'audio'] as const;

/**
 * A user writes to a bot: the message gets the next id of that chat and reaches the bot as a `message` update. Like
 * Telegram, a leading `/command` (also `/command@bot_username` and `/start payload`) gets a bot_command entity, and
 * media get fresh file ids that belong to that bot. Unlike Telegram, no other entities (links, mentions) are made.
 */
export function sendUserMessage(state: StandInState, input: UserMessageInput): Message {
  const bot = state.bot(input.botToken);
  const chatId = input.chatId ?? input.from.id;
  const from = state.rememberUser(input.from);
  const message: Message = {
    message_id: state.nextMessageId(bot.id, chatId),
    from,
    chat: state.chat(chatId),
    date: unixNow(),
  };
  if (input.text !== undefined) {
    message.text = input.text;
    const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?/.exec(input.text);
    if (command) message.entities = [{ type: 'bot_command', offset: 0, length: command[0].length }];
  }
  for (const kind of MEDIA) {
    const media = input[kind];
    if (!media) continue;
    const fileId = newFile(state, bot.id, kind, typeof media === 'object' ? { name: media.file_name } : {});
    Object.assign(message, mediaFields(state, kind, fileId));
    if (typeof media === 'object' && kind !== 'photo') Object.assign(message[kind]!, media);
  }
  if (input.caption !== undefined) message.caption = input.caption;
  if (input.mediaGroupId) message.media_group_id = input.mediaGroupId;
  if (input.replyToMessageId !== undefined) {
    const original = state.findMessage(bot.id, chatId, input.replyToMessageId);
    if (!original)
      throw new Error(`sendUserMessage: no message ${input.replyToMessageId} in chat ${chatId} to reply to`);
    message.reply_to_message = asReply(original);
  }
  state.storeMessage(bot.id, message);
  state.enqueueMessage(bot, message);
  return message;
}

/**
 * A user presses an inline button: the bot gets a callback_query carrying the message the button is under. The
 * button is not checked against the keyboard, so a test can send stale or forged data as a modified client could;
 * a message the bot cannot see arrives as an inaccessible message (date 0), as in Telegram. Returns the query id;
 * the bot's answer is readable through `callbackAnswer`.
 */
export function pressButton(state: StandInState, input: PressButtonInput): string {
  const bot = state.bot(input.botToken);
  const chatId = input.chatId ?? input.from.id;
  const message = state.findMessage(bot.id, chatId, input.messageId) ?? {
    chat: state.chat(chatId),
    message_id: input.messageId,
    date: 0 as const,
  };
  const id = `${BigInt(bot.id) * 1_000_000n + BigInt(state.callbackQueries.size + 1)}`;
  state.callbackQueries.set(id, { botId: bot.id, createdAt: Date.now() });
  state.enqueue(bot, {
    callback_query: {
      id,
      from: state.rememberUser(input.from),
      message,
      chat_instance: String(BigInt(bot.id) * 7_919n + BigInt(Math.abs(chatId))),
      data: input.data,
    },
  });
  return id;
}

/** answerCallbackQuery: once per query, within 15 s of the press, by the bot that received it. */
export const answerCallbackQuery: Method = ({ bot, params, state }) => {
  const query = state.callbackQueries.get(params.optionalString('callback_query_id') ?? '');
  if (!query || query.botId !== bot.id || query.answer || Date.now() - query.createdAt > CALLBACK_TTL_MS) {
    throw badRequest('query is too old and response timeout expired or query ID is invalid');
  }
  query.answer = {
    ...(params.has('text') ? { text: params.string('text') } : {}),
    ...(params.has('show_alert') ? { show_alert: params.bool('show_alert') } : {}),
    ...(params.has('url') ? { url: params.string('url') } : {}),
    ...(params.has('cache_time') ? { cache_time: params.int('cache_time') } : {}),
  };
  state.changed();
  return true;
};
