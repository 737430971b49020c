import { TARIFFS, tariffRank } from '../domain/tariffs';
import type { Tariff } from '../domain/tariffs';
import type { LessonPart, LessonTasks, MediaKind } from '../domain/lesson-content';
import type { Messages } from '../locales';
import { inlineButton } from './callback-data';

/** Telegram's limit for one text message (and 1024 for a caption). */
export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

export type AlbumItem = { kind: Exclude<MediaKind, 'voice'>; media: string; caption?: string };

export type InlineKeyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

export type OutgoingPart =
  /** `task`: the lesson's assignment, which carries the "Submit assignment" button. */
  | { kind: 'text'; text: string; task?: true; replyMarkup?: InlineKeyboard }
  | { kind: MediaKind; media: string; caption?: string; album?: true }
  /** One Telegram album (sendMediaGroup). */
  | { kind: 'album'; items: AlbumItem[] }
  /** A message already in a chat the bot is in, copied (copyMessage): any kind, no file ids needed. */
  | { kind: 'copy'; fromChatId: number; messageId: number };

/** Richer tariffs inherit the task of the tariff below when they have none of their own. */
export function taskFor(tasks: LessonTasks, tariff: Tariff): string | undefined {
  const order = TARIFFS.slice(0, tariffRank(tariff)).reverse();
  return order.map((t) => tasks[t]).find((task) => task !== undefined && task.trim() !== '');
}

/** A lesson as the messages the student receives, in order: header with the text, media, then the task. */
export function renderLesson(
  lesson: { day: number; title: string; parts: LessonPart[]; tasks: LessonTasks },
  tariff: Tariff,
  t: Messages,
  /** With a course, the task's last message carries "Submit assignment" and "Ask a curator" for the course bot. */
  buttons?: { courseSlug: string },
): OutgoingPart[] {
  const out: OutgoingPart[] = [];
  let header: string | undefined = t.lessonHeader({ day: lesson.day, title: lesson.title });
  for (const part of lesson.parts) {
    if (part.type === 'text') {
      const text = header ? `${header}\n\n${part.text}` : part.text;
      header = undefined;
      for (const chunk of splitText(text, TEXT_LIMIT)) out.push({ kind: 'text', text: chunk });
    } else {
      if (header) out.push({ kind: 'text', text: header });
      header = undefined;
      const caption = part.caption?.slice(0, CAPTION_LIMIT);
      out.push({
        kind: part.type,
        media: part.source,
        ...(caption ? { caption } : {}),
        ...(part.album ? { album: true as const } : {}),
      });
    }
  }
  if (header) out.push({ kind: 'text', text: header });
  groupAlbums(out);
  const task = taskFor(lesson.tasks, tariff);
  if (task) {
    for (const chunk of splitText(t.task({ task }), TEXT_LIMIT)) out.push({ kind: 'text', text: chunk, task: true });
  }
  const last = out.at(-1);
  if (buttons && last?.kind === 'text' && last.task) {
    const day = { slug: buttons.courseSlug, day: lesson.day };
    last.replyMarkup = {
      inline_keyboard: [
        [inlineButton(t.submitAssignment(), { kind: 'submit', ...day })],
        [inlineButton(t.askCurator(), { kind: 'ask', ...day })],
      ],
    };
  }
  return out;
}

/** Consecutive album items become one album part (the loader checked Telegram's album rules). */
function groupAlbums(parts: OutgoingPart[]): void {
  for (let i = 0; i < parts.length; i++) {
    const first = parts[i]!;
    if (first.kind === 'text' || first.kind === 'copy' || first.kind === 'album' || !first.album) continue;
    let end = i;
    const items: AlbumItem[] = [];
    for (
      let part = parts[end];
      part && part.kind !== 'text' && part.kind !== 'copy' && part.kind !== 'album' && part.album;
      part = parts[++end]
    ) {
      if (part.kind !== 'voice')
        items.push({ kind: part.kind, media: part.media, ...(part.caption ? { caption: part.caption } : {}) });
    }
    parts.splice(i, end - i, { kind: 'album', items });
  }
}

/**
 * Splits text into chunks of at most `limit` characters, preferring paragraph breaks, then line breaks, then
 * spaces; only a single word longer than the limit is cut mid-word.
 */
export function splitText(text: string, limit = TEXT_LIMIT): string[] {
  if (text.length <= limit) return [text];
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    const cut =
      [window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' ')].find((i) => i > 0) ?? limit;
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest) chunks.push(rest);
  return chunks;
}
