import type { Api } from 'grammy';
import type { Sql } from '../db';
import { messagesFor } from '../locales';
import { callTelegram } from '../telegram/call';
import type { InlineKeyboard } from '../telegram/lesson-render';
import { NotFoundError } from './errors';
import { sendOnce } from './send-once';

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
    replyMarkup?: InlineKeyboard;
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
