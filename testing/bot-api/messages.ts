import { readHtml } from './html';
import type { Params } from './params';
import type { BotState, StandInState } from './state';
import { chatOf, unixNow } from './state';
import type { SentKind, TgObject } from './types';
import { badRequest } from './types';

export interface MethodContext {
  state: StandInState;
  bot: BotState;
  params: Params;
  method: string;
}

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

/** Text or caption as the reader sees it, validated like Telegram (length, HTML). */
function readable(params: Params, field: 'text' | 'caption'): { shown?: string; raw?: string } {
  const raw = params.optionalString(field);
  if (raw === undefined) return {};
  const shown = params.raw.parse_mode === 'HTML' ? readHtml(raw) : raw;
  if (field === 'text' && shown.trim() === '') throw badRequest('message text is empty');
  if (field === 'text' && shown.length > TEXT_LIMIT) throw badRequest('message is too long');
  if (field === 'caption' && shown.length > CAPTION_LIMIT) throw badRequest('message caption is too long');
  return { shown, raw };
}

/**
 * A file_id for a media parameter: an upload or URL gets a new id owned by this bot; an existing id must belong to
 * this bot (Telegram's file ids are per bot) or the call fails as it would in Telegram.
 */
export function fileIdFor(ctx: MethodContext, kind: string, value: unknown): string {
  let source = value;
  if (typeof source === 'string' && source.startsWith('attach://'))
    source = ctx.params.raw[source.slice('attach://'.length)];
  if (typeof source === 'object' && source !== null && 'upload' in source) return newFile(ctx, kind);
  if (typeof source !== 'string' || source === '') throw badRequest(`there is no ${kind} in the request`);
  if (/^https?:\/\//.test(source)) return newFile(ctx, kind);
  const known = ctx.state.files.get(source);
  if (!known || known.botId !== ctx.bot.id) throw badRequest('wrong file identifier/HTTP URL specified');
  return source;
}

function newFile(ctx: MethodContext, kind: string): string {
  const id = ctx.state.uniqueId(kind === 'photo' ? 'AgAC' : 'BQAC');
  ctx.state.files.set(id, { botId: ctx.bot.id, kind });
  return id;
}

export function mediaObject(kind: string, fileId: string): TgObject {
  const file = { file_id: fileId, file_unique_id: `u${fileId.slice(-10)}`, file_size: 1024 };
  if (kind === 'photo')
    return {
      photo: [
        { ...file, width: 90, height: 90 },
        { ...file, width: 800, height: 800 },
      ],
    };
  if (kind === 'voice') return { voice: { ...file, duration: 3, mime_type: 'audio/ogg' } };
  if (kind === 'video' || kind === 'animation') return { [kind]: { ...file, width: 640, height: 360, duration: 5 } };
  return { [kind]: { ...file, file_name: `${kind}.bin` } };
}

/** Builds, stores and records one message from the bot in `chatId`. */
export function deliver(
  ctx: MethodContext,
  chatId: number,
  kind: SentKind,
  fields: TgObject,
  record: { text?: string; caption?: string; rawText?: string; media?: string; mediaGroupId?: string } = {},
): TgObject {
  const { params, state, bot } = ctx;
  const messageId = state.nextMessageId(chatId);
  const replyTo =
    params.json<{ message_id?: number }>('reply_parameters')?.message_id ?? params.optionalInt('reply_to_message_id');
  const replyMarkup = params.json<TgObject>('reply_markup');
  const message: TgObject = {
    message_id: messageId,
    from: bot.user,
    chat: chatOf(chatId),
    date: unixNow(),
    ...fields,
    ...(replyMarkup && 'inline_keyboard' in replyMarkup ? { reply_markup: replyMarkup } : {}),
    ...(params.bool('protect_content') ? { has_protected_content: true } : {}),
    ...(replyTo !== undefined && state.findMessage(chatId, replyTo)
      ? { reply_to_message: state.findMessage(chatId, replyTo) }
      : {}),
  };
  state.storeMessage(message);
  state.record({
    botId: bot.id,
    method: ctx.method,
    chatId,
    messageId,
    kind,
    ...record,
    ...(replyMarkup ? { replyMarkup } : {}),
    protectContent: params.bool('protect_content'),
    ...(replyTo !== undefined ? { replyToMessageId: replyTo } : {}),
    edits: [],
    params: params.raw,
    at: Date.now(),
  });
  return message;
}

export function sendMessage(ctx: MethodContext): TgObject {
  const chatId = ctx.params.chatId();
  const { shown, raw } = readable(ctx.params, 'text');
  if (shown === undefined) throw badRequest('message text is empty');
  return deliver(ctx, chatId, 'text', { text: shown }, { text: shown, rawText: raw });
}

export function sendMedia(kind: 'photo' | 'video' | 'document' | 'voice' | 'audio' | 'animation') {
  return (ctx: MethodContext): TgObject => {
    const chatId = ctx.params.chatId();
    const fileId = fileIdFor(ctx, kind, ctx.params.raw[kind]);
    const { shown, raw } = readable(ctx.params, 'caption');
    return deliver(
      ctx,
      chatId,
      kind,
      { ...mediaObject(kind, fileId), ...(shown ? { caption: shown } : {}) },
      {
        caption: shown,
        rawText: raw,
        media: fileId,
      },
    );
  };
}

export function sendMediaGroup(ctx: MethodContext): TgObject[] {
  const chatId = ctx.params.chatId();
  const media = ctx.params.json<TgObject[]>('media');
  if (!Array.isArray(media) || media.length < 2 || media.length > 10)
    throw badRequest('media group must contain 2-10 items');
  const groupId = ctx.state.uniqueId('');
  return media.map((item) => {
    const kind = String(item.type) as 'photo' | 'video' | 'document' | 'audio';
    if (!['photo', 'video', 'document', 'audio'].includes(kind)) throw badRequest(`unsupported media type "${kind}"`);
    const fileId = fileIdFor(ctx, kind, item.media);
    const caption = typeof item.caption === 'string' ? item.caption : undefined;
    const shown = caption && item.parse_mode === 'HTML' ? readHtml(caption) : caption;
    return deliver(
      ctx,
      chatId,
      kind,
      { ...mediaObject(kind, fileId), media_group_id: groupId, ...(shown ? { caption: shown } : {}) },
      { caption: shown, rawText: caption, media: fileId, mediaGroupId: groupId },
    );
  });
}

/** copyMessage / forwardMessage: the original must exist in from_chat_id. */
export function copyMessage(kind: 'copy' | 'forward') {
  return (ctx: MethodContext): TgObject => {
    const chatId = ctx.params.chatId();
    const fromChatId = ctx.params.chatId('from_chat_id');
    const original = ctx.state.findMessage(fromChatId, ctx.params.int('message_id'));
    if (!original) throw badRequest('message to copy not found');
    const { message_id: _id, from: _from, chat: _chat, date: _date, reply_markup: _markup, ...content } = original;
    const text = typeof content.text === 'string' ? content.text : undefined;
    const caption = typeof content.caption === 'string' ? content.caption : undefined;
    const media = ['photo', 'video', 'document', 'voice', 'audio', 'animation'].find((k) => k in content);
    const message = deliver(
      ctx,
      chatId,
      kind,
      { ...content, ...(kind === 'forward' ? { forward_origin: { type: 'user', sender_user: original.from } } : {}) },
      { text, caption, ...(media ? { media } : {}) },
    );
    return kind === 'copy' ? { message_id: message.message_id } : message;
  };
}

export function editMessage(field: 'text' | 'caption' | 'reply_markup') {
  return (ctx: MethodContext): TgObject => {
    const chatId = ctx.params.chatId();
    const messageId = ctx.params.int('message_id');
    const message = ctx.state.findMessage(chatId, messageId);
    const record = ctx.state.sentMessages.find((m) => m.chatId === chatId && m.messageId === messageId);
    if (!message || !record) throw badRequest('message to edit not found');
    if (field === 'reply_markup') {
      const markup = ctx.params.json<TgObject>('reply_markup');
      if (markup) message.reply_markup = markup;
      else delete message.reply_markup;
      record.replyMarkup = markup;
    } else {
      const { shown, raw } = readable(ctx.params, field);
      if (shown === undefined && field === 'text') throw badRequest('message text is empty');
      if (message[field] === shown && !ctx.params.has('reply_markup')) {
        throw badRequest(
          'message is not modified: specified new message content and reply markup are exactly the same',
        );
      }
      record.edits.push(String(record[field] ?? ''));
      message[field] = shown;
      record[field] = shown;
      record.rawText = raw;
      const markup = ctx.params.json<TgObject>('reply_markup');
      if (markup) record.replyMarkup = message.reply_markup = markup;
    }
    message.edit_date = unixNow();
    ctx.state.events.emit('change');
    return message;
  };
}
