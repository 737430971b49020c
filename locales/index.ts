import { en } from './en';
import type { Messages } from './en';
import { ru } from './ru';

export type { Messages };
export const LOCALES = { en, ru } as const;
export type Locale = keyof typeof LOCALES;

/** The user's Telegram language when we speak it, else the course's default, else English. */
export function messagesFor(languageCode: string | null | undefined, courseDefault = 'en'): Messages {
  const spoken = [languageCode, courseDefault]
    .map((code) => code?.slice(0, 2).toLowerCase())
    .find((code): code is Locale => code !== undefined && code in LOCALES);
  return LOCALES[spoken ?? 'en'];
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function formatMoney(amountMinor: number, currency: string): string {
  if (currency === 'XTR') return `${amountMinor} ⭐`;
  const digits = currencyDigits(currency);
  return `${(amountMinor / 10 ** digits).toFixed(digits)} ${currency}`;
}

/** Minor units follow the currency's own exponent (2 for USD, 0 for JPY, 3 for KWD; Telegram Stars have none). */
export function currencyDigits(currency: string): number {
  if (currency === 'XTR') return 0;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // Not an ISO currency code: two decimals.
    return 2;
  }
}
