import type { InlineKeyboardMarkup, Message } from 'grammy/types';
import type { MethodContext } from './context';
import { badRequest } from './errors';
import { visibleText } from './html';
import { fileIdFor, mediaFields } from './media';
import { unixNow } from './ids';
import type { MediaKind, ReplyMarkup, SentKind, SentMessage, TgObject } from './types';

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const ALBUM_KINDS = new Set(['photo', 'video', 'document', 'audio']);

/** Puts one message from the bot into `chatId`: numbers it, stores it for replies and edits, and records it. */
export function deliver(
  ctx: MethodContext,
  chatId: number,
  kind: SentKind,
  content: Partial<Message>,
  record: Partial<
    Pick<SentMessage, 'text' | 'caption' | 'rawText' | 'parseMode' | 'media' | 'mediaGroupId' | 'invoice' | 'poll'>
  >,
): Message {
  const { params, state, bot } = ctx;
  const replyTo = replyTarget(ctx, chatId);
  const markup = replyMarkup(ctx);
  const protect = params.bool('protect_content');
  const message: Message = {
    message_id: state.nextMessageId(bot.id, chatId),
    from: bot.user,
    chat: state.chat(chatId),
    date: unixNow(),
    ...(replyTo ? { reply_to_message: replyTo } : {}),
    ...content,
    ...(markup && 'inline_keyboard' in markup ? { reply_markup: markup } : {}),
    ...(protect ? { has_protected_content: true } : {}),
  };
  state.joinGroup(bot.id, chatId);
  state.storeMessage(bot.id, message);
  state.records.addSent({
    botId: bot.id,
    method: ctx.method,
    chatId,
    messageId: message.message_id,
    kind,
    ...record,
    ...(markup ? { replyMarkup: markup } : {}),
    protectContent: protect,
    ...(replyTo ? { replyToMessageId: replyTo.message_id } : {}),
    edits: [],
    deleted: false,
    params: params.raw,
    at: Date.now(),
  });
  return message;
}

/** reply_parameters (or the older reply_to_message_id): the message must exist unless sending without reply is allowed. */
function replyTarget(ctx: MethodContext, chatId: number): Message['reply_to_message'] {
  const parameters = ctx.params.json<{ message_id?: number; allow_sending_without_reply?: boolean }>(
    'reply_parameters',
  );
  const messageId = parameters?.message_id ?? ctx.params.optionalInt('reply_to_message_id');
  if (messageId === undefined) return undefined;
  const original = ctx.state.findMessage(ctx.bot.id, chatId, Number(messageId));
  if (!original && !(parameters?.allow_sending_without_reply ?? ctx.params.bool('allow_sending_without_reply'))) {
    throw badRequest('message to be replied not found');
  }
  return original ? asReply(original) : undefined;
}

/** reply_markup, with inline buttons checked the way Telegram rejects them. */
export function replyMarkup(ctx: MethodContext): ReplyMarkup | undefined {
  const markup = ctx.params.json<ReplyMarkup>('reply_markup');
  if (!markup || !('inline_keyboard' in markup)) return markup;
  const rows: unknown = (markup as InlineKeyboardMarkup).inline_keyboard;
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) throw badRequest("can't parse inline keyboard button");
  for (const button of (rows as TgObject[][]).flat()) {
    if (typeof button.text !== 'string' || button.text === '')
      throw badRequest('text buttons are unallowed in the inline keyboard');
    if (button.callback_data !== undefined) {
      const size = Buffer.byteLength(String(button.callback_data));
      if (size < 1 || size > 64) throw badRequest('BUTTON_DATA_INVALID');
    } else if (typeof button.url === 'string') {
      if (!/^(https?|tg):\/\/\S+$/.test(button.url))
        throw badRequest(`inline keyboard button URL '${button.url}' is invalid`);
    } else if (Object.keys(button).length === 1) {
      throw badRequest('text buttons are unallowed in the inline keyboard');
    }
  }
  return markup;
}

/** Text or caption as the reader sees it, validated like Telegram (length, HTML). */
export function readable(
  ctx: MethodContext,
  field: 'text' | 'caption',
  source: TgObject = ctx.params.raw,
): { shown?: string; raw?: string; parseMode?: string } {
  const raw = typeof source[field] === 'string' && source[field] !== '' ? (source[field] as string) : undefined;
  const parseMode = typeof source.parse_mode === 'string' ? source.parse_mode : undefined;
  if (raw === undefined) {
    if (field === 'text') throw badRequest('message text is empty');
    return {};
  }
  const shown = visibleText(raw, parseMode);
  if (field === 'text' && shown.trim() === '') throw badRequest('message text is empty');
  if (field === 'text' && shown.length > TEXT_LIMIT) throw badRequest('message is too long');
  if (field === 'caption' && shown.length > CAPTION_LIMIT) throw badRequest('message caption is too long');
  return { shown, raw, ...(parseMode ? { parseMode } : {}) };
}

export function sendMessage(ctx: MethodContext): Message {
  const chatId = ctx.params.chatId();
  const { shown, raw, parseMode } = readable(ctx, 'text');
  return deliver(ctx, chatId, 'text', { text: shown }, { text: shown, rawText: raw, parseMode });
}

/** sendPhoto, sendVideo, ...: one file (upload, URL or file_id) with an optional caption. */
export function sendMedia(kind: MediaKind) {
  return (ctx: MethodContext): Message => {
    const chatId = ctx.params.chatId();
    const fileId = fileIdFor(ctx, kind, ctx.params.raw[kind]);
    const { shown, raw, parseMode } = readable(ctx, 'caption');
    return deliver(
      ctx,
      chatId,
      kind,
      { ...mediaFields(ctx.state, kind, fileId), ...(shown ? { caption: shown } : {}) },
      { caption: shown, rawText: raw, parseMode, media: fileId },
    );
  };
}

/** An album of 2-10 photos/videos, documents or audio files: one message each, sharing a media_group_id. */
export function sendMediaGroup(ctx: MethodContext): Message[] {
  const chatId = ctx.params.chatId();
  const media = ctx.params.json<TgObject[]>('media');
  if (!Array.isArray(media) || media.length < 2 || media.length > 10) {
    throw badRequest('wrong number of media in the album: must be 2-10');
  }
  const kinds = media.map((item) => String(item.type));
  for (const kind of kinds)
    if (!ALBUM_KINDS.has(kind)) throw badRequest(`unsupported media type "${kind}" in the album`);
  for (const only of ['document', 'audio']) {
    if (kinds.includes(only) && kinds.some((k) => k !== only)) {
      throw badRequest(`${only} can't be mixed with other media types`);
    }
  }
  const groupId = String(Date.now()) + String(Math.floor(Math.random() * 1000));
  return media.map((item) => {
    const kind = String(item.type) as MediaKind;
    const fileId = fileIdFor(ctx, kind, item.media);
    const { shown, raw, parseMode } = readable(ctx, 'caption', item);
    return deliver(
      ctx,
      chatId,
      kind,
      { ...mediaFields(ctx.state, kind, fileId), media_group_id: groupId, ...(shown ? { caption: shown } : {}) },
      { caption: shown, rawText: raw, parseMode, media: fileId, mediaGroupId: groupId },
    );
  });
}

/** A message as `reply_to_message` carries it: without its own reply (Telegram does not nest them). */
export function asReply(message: Message): NonNullable<Message['reply_to_message']> {
  return { ...message, reply_to_message: undefined };
}
