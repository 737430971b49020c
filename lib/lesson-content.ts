/** Lesson content as authored (content/ files) and stored (lessons.parts / lessons.tasks). */
export type MediaKind = 'photo' | 'video' | 'document' | 'voice' | 'audio';

export type LessonPart =
  | { type: 'text'; text: string }
  /** source: an https URL or a Telegram file_id of the course bot. */
  | { type: MediaKind; source: string; caption?: string };

export type LessonTasks = Partial<Record<'BASIC' | 'FEEDBACK' | 'PREMIUM', string>>;
