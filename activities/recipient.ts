import type { Api } from 'grammy';
import type { InputMediaPhoto } from 'grammy/types';
import type { Sql } from '../db';
import type { MessagePart } from '../lib/enrollment-definitions';
import { escapeHtml, messagesFor } from '../locales';
import { NotFoundError } from './errors';
import type { AlbumItem, OutgoingPart } from './lesson-render';
import { sendOnce } from './send-once';
import { TelegramBadRequestError } from './errors';
import { fileIdOf } from './media-cache';
import type { MediaCache } from './media-cache';
import { callTelegram } from './telegram';

export interface Recipient {
  chatId: number;
  firstName: string;
  languageCode: string | null;
  courseId: number;
  courseSlug: string;
  courseTitle: string;
  defaultLanguage: string;
  protectContent: boolean;
  t: ReturnType<typeof messagesFor>;
}

/** Who an enrollment's messages go to, and in which language. */
export async function recipientOf(sql: Sql, enrollmentId: number): Promise<Recipient> {
  const [row]: [Omit<Recipient, 't'>?] = await sql`
    select u.telegram_id as chat_id, u.first_name, u.language_code, c.id as course_id, c.slug as course_slug,
           c.title as course_title, c.default_language, c.protect_content
    from enrollments e join users u on u.id = e.user_id join courses c on c.id = e.course_id
    where e.id = ${enrollmentId}`;
  if (!row) throw new NotFoundError(`Enrollment ${enrollmentId} does not exist`);
  return { ...row, t: messagesFor(row.languageCode, row.defaultLanguage) };
}

/** One HTML text message, sent at most once per key. */
export function sendTextOnce(
  sql: Sql,
  api: Api,
  input: {
    key: string;
    chatId: number;
    html: string;
    protect?: boolean;
    replyMarkup?: { inline_keyboard: { text: string; callback_data: string }[][] };
  },
): Promise<number[]> {
  return sendOnce(sql, input.key, input.chatId, async () => {
    const m = await callTelegram(() =>
      api.sendMessage(input.chatId, input.html, {
        parse_mode: 'HTML',
        protect_content: input.protect ?? false,
        ...(input.replyMarkup ? { reply_markup: input.replyMarkup } : {}),
      }),
    );
    return [m.message_id];
  });
}

export function fromMessagePart(part: MessagePart): OutgoingPart {
  if (part.type === 'text') return { kind: 'text', text: escapeHtml(part.text) };
  if (part.type === 'message') return { kind: 'copy', fromChatId: part.chatId, messageId: part.messageId };
  return { kind: part.type, media: part.fileId, ...(part.caption ? { caption: part.caption } : {}) };
}

export interface SendOptions {
  protect?: boolean;
  /** Reuse lesson media by file_id (per bot) instead of making Telegram fetch the URL again. */
  media?: MediaCache;
}

/** Sends one part; media from a URL goes by its cached file_id when this bot has sent it before. */
export async function sendPart(
  api: Api,
  chatId: number,
  part: OutgoingPart,
  options: SendOptions = {},
): Promise<number[]> {
  const common = { protect_content: options.protect ?? false };
  if (part.kind === 'text') {
    const message = await callTelegram(() =>
      api.sendMessage(chatId, part.text, {
        ...common,
        parse_mode: 'HTML',
        ...(part.replyMarkup ? { reply_markup: part.replyMarkup } : {}),
      }),
    );
    return [message.message_id];
  }
  if (part.kind === 'copy') {
    const message = await callTelegram(() => api.copyMessage(chatId, part.fromChatId, part.messageId, common));
    return [message.message_id];
  }
  const botId = Number(api.token.split(':')[0]);
  if (part.kind === 'album') return sendAlbum(api, chatId, part.items, botId, common, options.media);
  const reusable = options.media && /^https?:\/\//.test(part.media) ? options.media : undefined;
  const cached = await reusable?.lookup(botId, part.media);
  const send = (media: string) =>
    callTelegram<{ message_id: number }>(() => {
      const extra = { ...common, ...(part.caption ? { caption: part.caption } : {}) };
      switch (part.kind) {
        case 'photo':
          return api.sendPhoto(chatId, media, extra);
        case 'video':
          return api.sendVideo(chatId, media, extra);
        case 'document':
          return api.sendDocument(chatId, media, extra);
        case 'voice':
          return api.sendVoice(chatId, media, extra);
        case 'audio':
          return api.sendAudio(chatId, media, extra);
      }
    });
  let message: { message_id: number };
  try {
    message = await send(cached ?? part.media);
  } catch (err) {
    // A file id Telegram no longer knows: fetch from the source again (and cache the new id below).
    if (!cached || !(err instanceof TelegramBadRequestError)) throw err;
    await reusable!.forget(botId, part.media);
    message = await send(part.media);
  }
  const fileId = fileIdOf(message as unknown as Record<string, unknown>, part.kind);
  if (reusable && fileId && fileId !== cached) await reusable.remember(botId, part.media, part.kind, fileId);
  return [message.message_id];
}

/** An album in one sendMediaGroup; each item by its cached file_id when this bot has one. */
async function sendAlbum(
  api: Api,
  chatId: number,
  items: AlbumItem[],
  botId: number,
  common: { protect_content: boolean },
  cache: MediaCache | undefined,
): Promise<number[]> {
  const cached = await Promise.all(
    items.map((item) => (cache && /^https?:\/\//.test(item.media) ? cache.lookup(botId, item.media) : undefined)),
  );
  const group = (useCache: boolean) =>
    items.map((item, i) => ({
      type: item.kind,
      media: (useCache ? cached[i] : undefined) ?? item.media,
      ...(item.caption ? { caption: item.caption } : {}),
    })) as InputMediaPhoto[];
  let messages: { message_id: number }[];
  try {
    messages = await callTelegram(() => api.sendMediaGroup(chatId, group(true), common));
  } catch (err) {
    if (!cached.some(Boolean) || !(err instanceof TelegramBadRequestError)) throw err;
    for (const item of items) await cache!.forget(botId, item.media);
    messages = await callTelegram(() => api.sendMediaGroup(chatId, group(false), common));
  }
  for (const [i, message] of messages.entries()) {
    const item = items[i]!;
    const fileId = fileIdOf(message as unknown as Record<string, unknown>, item.kind);
    if (cache && fileId && /^https?:\/\//.test(item.media) && fileId !== cached[i])
      await cache.remember(botId, item.media, item.kind, fileId);
  }
  return messages.map((m) => m.message_id);
}
