import { courseEn } from './en';
import type { CourseMessages } from './en';
import { courseRu } from './ru';

export type { CourseMessages };

/** The course bot's texts in the user's Telegram language when we speak it, else English. */
export function courseMessagesFor(languageCode: string | null | undefined): CourseMessages {
  return languageCode?.slice(0, 2).toLowerCase() === 'ru' ? courseRu : courseEn;
}
