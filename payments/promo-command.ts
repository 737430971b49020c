import { parseCohortDate } from '../domain/cohorts';
import { TARIFFS } from '../domain/tariffs';
import type { Tariff } from '../domain/tariffs';
import { AdminOpError } from '../journey/admin-ops';

/**
 * The words of `/promo …` (review chat) and `npm run admin -- promo …` (CLI), parsed without a database: the same
 * syntax in both, and every mistake is a PromoInputError with a clear reason before anything is written.
 */
export const PROMO_USAGE =
  'Usage: /promo add CODE <N% | AMOUNT CUR> [--max N] [--until YYYY-MM-DD] [--tariff T] [--course slug] ' +
  '[--partner CODE], ' +
  '/promo list, /promo off CODE';

export class PromoInputError extends AdminOpError {
  override name = 'PromoInputError';
}

export interface PromoDraft {
  code: string;
  percentOff: number | null;
  amountOffMinor: number | null;
  currency: string | null;
  maxUses: number | null;
  /** Valid through this day (UTC); the code expires at the start of the next. */
  until: string | null;
  tariff: Tariff | null;
  courseSlug: string | null;
  /** The partner whose sale a checkout with this code is (#18); absent: nobody's. */
  partnerCode?: string;
}

export type PromoCommand = { action: 'add'; draft: PromoDraft } | { action: 'list' } | { action: 'off'; code: string };

const FLAGS = ['max', 'until', 'tariff', 'course', 'partner'] as const;
type Flag = (typeof FLAGS)[number];

/** `today` is YYYY-MM-DD (UTC): an --until before it is refused. */
export function parsePromoCommand(words: readonly string[], today: string): PromoCommand {
  const [action, ...rest] = words;
  if (action === 'list' && rest.length === 0) return { action: 'list' };
  if (action === 'off' && rest.length === 1) return { action: 'off', code: promoCode(rest[0]!) };
  if (action === 'add') return { action: 'add', draft: parseAdd(rest, today) };
  throw new PromoInputError(PROMO_USAGE);
}

/** A code as students type it: any case, stored in upper case; 3–32 letters, digits, `_` and `-`. */
export function promoCode(word: string): string {
  const code = word.toUpperCase();
  if (!/^[A-Z0-9_-]{3,32}$/.test(code)) {
    throw new PromoInputError(`A promo code is 3 to 32 letters, digits, "_" or "-", not "${word}".`);
  }
  return code;
}

function parseAdd(words: readonly string[], today: string): PromoDraft {
  const positional: string[] = [];
  const flags = new Map<Flag, string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('--')) {
      positional.push(word);
      continue;
    }
    const flag = FLAGS.find((f) => `--${f}` === word);
    if (!flag)
      throw new PromoInputError(`Unknown option ${word}; the options are ${FLAGS.map((f) => `--${f}`).join(', ')}.`);
    if (flags.has(flag)) throw new PromoInputError(`${word} is given twice.`);
    const value = words[++i];
    if (value === undefined || value.startsWith('--')) throw new PromoInputError(`${word} needs a value.`);
    flags.set(flag, value);
  }
  const [codeWord, discount, currencyWord, ...extra] = positional;
  if (!codeWord || !discount || extra.length > 0) throw new PromoInputError(PROMO_USAGE);
  const code = promoCode(codeWord);
  const off = discountOf(discount, currencyWord);
  return { code, ...off, ...limits(flags, today) };
}

function discountOf(discount: string, currencyWord: string | undefined) {
  if (discount.endsWith('%')) {
    if (currencyWord !== undefined) throw new PromoInputError(PROMO_USAGE);
    const percent = /^\d{1,3}%$/.test(discount) ? Number(discount.slice(0, -1)) : NaN;
    if (!(percent >= 1 && percent <= 100)) {
      throw new PromoInputError(`A percentage is a whole number from 1% to 100%, not "${discount}".`);
    }
    return { percentOff: percent, amountOffMinor: null, currency: null };
  }
  if (!currencyWord || !/^[A-Za-z]{3}$/.test(currencyWord)) {
    throw new PromoInputError(
      `A fixed amount names its currency, like "10.00 USD"; got "${discount} ${currencyWord ?? ''}".`,
    );
  }
  const currency = currencyWord.toUpperCase();
  const digits = minorDigits(currency);
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(discount);
  if (!match || (match[2] ?? '').length > digits) {
    throw new PromoInputError(`"${discount}" is not an amount in ${currency} (like ${(10).toFixed(digits)}).`);
  }
  const minor = Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
  if (minor <= 0) throw new PromoInputError(`A fixed amount is more than zero, not "${discount}".`);
  return { percentOff: null, amountOffMinor: minor, currency };
}

function limits(flags: Map<Flag, string>, today: string) {
  const max = flags.get('max');
  if (max !== undefined && !/^[1-9]\d{0,6}$/.test(max)) {
    throw new PromoInputError(`--max is a whole number of uses from 1, not "${max}".`);
  }
  const until = flags.get('until');
  if (until !== undefined) {
    if (!parseCohortDate(until)) throw new PromoInputError(`--until "${until}" is not a date like 2027-03-01.`);
    if (until < today) throw new PromoInputError(`--until ${until} has passed; a code runs until today or later.`);
  }
  const tariffWord = flags.get('tariff');
  const tariff = tariffWord === undefined ? null : TARIFFS.find((t) => t === tariffWord.toUpperCase());
  if (tariff === undefined) {
    throw new PromoInputError(`Unknown tariff "${tariffWord}"; one of: ${TARIFFS.join(', ')}.`);
  }
  const courseSlug = flags.get('course') ?? null;
  if (courseSlug !== null && !/^[a-z0-9][a-z0-9-]*$/.test(courseSlug)) {
    throw new PromoInputError(`Not a course slug: "${courseSlug}".`);
  }
  const partner = flags.get('partner');
  if (partner !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(partner)) {
    throw new PromoInputError(`--partner "${partner}" is not a partner code.`);
  }
  return {
    maxUses: max === undefined ? null : Number(max),
    until: until ?? null,
    tariff,
    courseSlug,
    ...(partner !== undefined ? { partnerCode: partner.toUpperCase() } : {}),
  };
}

/** Minor units of a currency (2 for USD, 0 for JPY), as locales/ formats them. */
function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    throw new PromoInputError(`"${currency}" is not a currency code.`);
  }
}
