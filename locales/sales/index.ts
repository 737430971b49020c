import { salesEn } from './en';
import type { SalesMessages } from './en';
import { salesRu } from './ru';

export type { SalesMessages };

/** The sales bot's texts in the user's Telegram language when we speak it, else the course's default. */
export function salesMessagesFor(languageCode: string | null | undefined, courseDefault = 'en'): SalesMessages {
  const spoken = [languageCode, courseDefault]
    .map((code) => code?.slice(0, 2).toLowerCase())
    .find((c) => c === 'en' || c === 'ru');
  return spoken === 'ru' ? salesRu : salesEn;
}

/** A time zone to suggest from the Telegram language (the student confirms or changes it). */
export function suggestedTimeZone(languageCode: string | null | undefined): string {
  const zones: Record<string, string> = {
    ru: 'Europe/Moscow',
    uk: 'Europe/Kyiv',
    be: 'Europe/Minsk',
    kk: 'Asia/Almaty',
    uz: 'Asia/Tashkent',
    de: 'Europe/Berlin',
    fr: 'Europe/Paris',
    es: 'Europe/Madrid',
    it: 'Europe/Rome',
    pl: 'Europe/Warsaw',
    tr: 'Europe/Istanbul',
    pt: 'America/Sao_Paulo',
    'pt-br': 'America/Sao_Paulo',
    'en-gb': 'Europe/London',
    en: 'Europe/London',
  };
  const code = languageCode?.toLowerCase() ?? '';
  return zones[code] ?? zones[code.slice(0, 2)] ?? 'UTC';
}
