import type { Api } from 'grammy';
import type { Sql } from '../db';
import type { MessagePart } from '../lib/enrollment-definitions';
import { escapeHtml, messagesFor } from '../locales';
import { NotFoundError } from './errors';
import type { OutgoingPart } from './lesson-render';
import { sendOnce } from './send-once';
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

export async function sendPart(api: Api, chatId: number, part: OutgoingPart, protect = false): Promise<number[]> {
  const common = { protect_content: protect };
  const caption = part.kind !== 'text' && part.kind !== 'copy' && part.caption ? { caption: part.caption } : {};
  const message = await callTelegram<{ message_id: number }>(() => {
    switch (part.kind) {
      case 'text':
        return api.sendMessage(chatId, part.text, {
          ...common,
          parse_mode: 'HTML',
          ...(part.replyMarkup ? { reply_markup: part.replyMarkup } : {}),
        });
      case 'copy':
        return api.copyMessage(chatId, part.fromChatId, part.messageId, common);
      case 'photo':
        return api.sendPhoto(chatId, part.media, { ...common, ...caption });
      case 'video':
        return api.sendVideo(chatId, part.media, { ...common, ...caption });
      case 'document':
        return api.sendDocument(chatId, part.media, { ...common, ...caption });
      case 'voice':
        return api.sendVoice(chatId, part.media, { ...common, ...caption });
      case 'audio':
        return api.sendAudio(chatId, part.media, { ...common, ...caption });
    }
  });
  return [message.message_id];
}
