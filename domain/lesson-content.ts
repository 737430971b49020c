import type { Tariff } from './tariffs';

/** Lesson content as authored (content/ files) and stored (lessons.parts / lessons.tasks). */
export type MediaKind = 'photo' | 'video' | 'document' | 'voice' | 'audio';

export type LessonPart =
  | { type: 'text'; text: string }
  /** source: an https URL or a Telegram file_id of the course bot. */
  /** `album`: consecutive album items are sent together as one Telegram album (2-10 photos/videos, or documents). */
  | { type: MediaKind; source: string; caption?: string; album?: true };

export type LessonTasks = Partial<Record<Tariff, string>>;
