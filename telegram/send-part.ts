import type { Api } from 'grammy';
import type { Message } from 'grammy/types';
import type { MessagePart } from '../journey/definitions';
import { escapeHtml } from '../locales';
import { callTelegram } from './call';
import { TelegramBadRequestError } from './errors';
import type { AlbumItem, OutgoingPart } from './lesson-render';
import { fileIdOf } from './media-cache';
import type { MediaCache } from './media-cache';

/** A student's or reviewer's message part as what a bot sends on: text (escaped), a copy, or media by file id. */
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

const isUrl = (media: string) => /^https?:\/\//.test(media);

/**
 * Sends one part (both the journey's activities and the course bot's "lesson again" send lessons this way); media
 * from a URL goes by its cached file_id when this bot has sent it before.
 */
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
  const reusable = options.media && isUrl(part.media) ? options.media : undefined;
  const cached = await reusable?.lookup(botId, part.media);
  const send = (media: string) =>
    callTelegram<Message>(() => {
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
  let message: Message;
  try {
    message = await send(cached ?? part.media);
  } catch (err) {
    // A file id Telegram no longer knows: fetch from the source again (and cache the new id below).
    if (!cached || !reusable || !(err instanceof TelegramBadRequestError)) throw err;
    await reusable.forget(botId, part.media);
    message = await send(part.media);
  }
  const fileId = fileIdOf(message, part.kind);
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
    items.map((item) => (cache && isUrl(item.media) ? cache.lookup(botId, item.media) : undefined)),
  );
  const group = (useCache: boolean) =>
    albumMedia(items.map((item, i) => ({ ...item, media: (useCache ? cached[i] : undefined) ?? item.media })));
  const first = group(true);
  let messages: Message[];
  try {
    messages = await callTelegram(() => api.sendMediaGroup(chatId, first, common));
  } catch (err) {
    if (!cache || !cached.some(Boolean) || !(err instanceof TelegramBadRequestError)) throw err;
    for (const item of items) await cache.forget(botId, item.media);
    messages = await callTelegram(() => api.sendMediaGroup(chatId, group(false), common));
  }
  for (const [i, item] of items.entries()) {
    const message = messages[i];
    const fileId = message && fileIdOf(message, item.kind);
    if (cache && fileId && isUrl(item.media) && fileId !== cached[i])
      await cache.remember(botId, item.media, item.kind, fileId);
  }
  return messages.map((m) => m.message_id);
}

/**
 * An album as one of the lists sendMediaGroup takes: only audio, only documents, or photos and videos. The loader
 * keeps other mixes out of lessons; one that gets here anyway fails as Telegram would fail it, before it is sent.
 */
function albumMedia(items: AlbumItem[]): Parameters<Api['sendMediaGroup']>[1] {
  const audio = items.filter((item): item is AlbumItem & { kind: 'audio' } => item.kind === 'audio');
  if (audio.length === items.length) return audio.map(inputMedia);
  const documents = items.filter((item): item is AlbumItem & { kind: 'document' } => item.kind === 'document');
  if (documents.length === items.length) return documents.map(inputMedia);
  const visual = items.filter(
    (item): item is AlbumItem & { kind: 'photo' | 'video' } => item.kind === 'photo' || item.kind === 'video',
  );
  if (visual.length === items.length) return visual.map(inputMedia);
  const kinds = [...new Set(items.map((item) => item.kind))].join(', ');
  throw new TelegramBadRequestError(
    `An album of ${kinds} is refused: only audio, only documents, or photos and videos`,
  );
}

/** One album item as sendMediaGroup takes it. */
function inputMedia<K extends AlbumItem['kind']>(item: AlbumItem & { kind: K }) {
  return { type: item.kind, media: item.media, ...(item.caption ? { caption: item.caption } : {}) };
}
