import { TARIFFS } from '../domain/tariffs';
import type { Tariff } from '../domain/tariffs';
import { AdminOpError } from '../journey/admin-ops';

/**
 * The words of `/partner …` (review chat) and `npm run admin -- partner …` (CLI), parsed without a database: the same
 * syntax in both, and every mistake is a PartnerInputError with a clear reason before anything is written.
 */
export const PARTNER_USAGE =
  'Usage: /partner add CODE <telegram id> N% --course slug [--tariff T], /partner list, /partner report, ' +
  '/partner paid CODE';

export class PartnerInputError extends AdminOpError {
  override name = 'PartnerInputError';
}

export interface PartnerDraft {
  code: string;
  telegramId: number;
  percent: number;
  courseSlug: string;
  /** Null: every tariff of the course (a tariff's own rate beats it). */
  tariff: Tariff | null;
}

export type PartnerCommand =
  { action: 'add'; draft: PartnerDraft } | { action: 'list' } | { action: 'report' } | { action: 'paid'; code: string };

export function parsePartnerCommand(words: readonly string[]): PartnerCommand {
  const [action, ...rest] = words;
  if ((action === 'list' || action === 'report') && rest.length === 0) return { action };
  if (action === 'paid' && rest.length === 1) return { action: 'paid', code: partnerCode(rest[0]!) };
  if (action === 'add') return { action: 'add', draft: parseAdd(rest) };
  throw new PartnerInputError(PARTNER_USAGE);
}

/** A partner code: the charset of /start referral codes (1–64 letters, digits, `_`, `-`), stored in upper case. */
export function partnerCode(word: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(word)) {
    throw new PartnerInputError(`A partner code is 1 to 64 letters, digits, "_" or "-", not "${word}".`);
  }
  return word.toUpperCase();
}

function parseAdd(words: readonly string[]): PartnerDraft {
  const positional: string[] = [];
  const flags = new Map<'course' | 'tariff', string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('--')) {
      positional.push(word);
      continue;
    }
    const flag = word === '--course' ? 'course' : word === '--tariff' ? 'tariff' : undefined;
    if (!flag) throw new PartnerInputError(`Unknown option ${word}; the options are --course, --tariff.`);
    if (flags.has(flag)) throw new PartnerInputError(`${word} is given twice.`);
    const value = words[++i];
    if (value === undefined || value.startsWith('--')) throw new PartnerInputError(`${word} needs a value.`);
    flags.set(flag, value);
  }
  const [codeWord, idWord, percentWord, ...extra] = positional;
  if (!codeWord || !idWord || !percentWord || extra.length > 0) throw new PartnerInputError(PARTNER_USAGE);
  const code = partnerCode(codeWord);
  if (!/^[1-9]\d{0,14}$/.test(idWord)) {
    throw new PartnerInputError(`The partner's Telegram id is a positive whole number, not "${idWord}".`);
  }
  const percent = /^\d{1,3}%$/.test(percentWord) ? Number(percentWord.slice(0, -1)) : NaN;
  if (!(percent >= 1 && percent <= 100)) {
    throw new PartnerInputError(`A commission is a whole percentage from 1% to 100%, not "${percentWord}".`);
  }
  const courseSlug = flags.get('course');
  if (courseSlug === undefined) throw new PartnerInputError('A commission is per course: add --course <slug>.');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(courseSlug)) throw new PartnerInputError(`Not a course slug: "${courseSlug}".`);
  const tariffWord = flags.get('tariff');
  const tariff = tariffWord === undefined ? null : TARIFFS.find((t) => t === tariffWord.toUpperCase());
  if (tariff === undefined)
    throw new PartnerInputError(`Unknown tariff "${tariffWord}"; one of: ${TARIFFS.join(', ')}.`);
  return { code, telegramId: Number(idWord), percent, courseSlug, tariff };
}
