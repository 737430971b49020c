import { AdminOpError } from '../journey/admin-ops';
import { FUNNEL_BREAKDOWNS } from './funnel-steps';
import type { FunnelBreakdown } from './funnel-steps';

/** A mistake in `/funnel …` or `admin funnel …`: answered as it is (as every AdminOpError), nothing is read. */
export class FunnelInputError extends AdminOpError {
  override name = 'FunnelInputError';
}

export const FUNNEL_USAGE =
  'Usage: /funnel [course] [7d | 30d | 2026-11-01..2026-11-30] [by tariff|partner|promo|cohort|language]';

export interface FunnelPeriod {
  since: Date;
  /** Exclusive. */
  until: Date;
  /** As shown: `2026-11-01..2026-11-30` (both days included, UTC). */
  label: string;
}

export interface FunnelCommand {
  courseSlug?: string;
  period: FunnelPeriod;
  by?: FunnelBreakdown;
}

const DAY_MS = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * A period: `Nd` (the last N days, today included, UTC) or `YYYY-MM-DD..YYYY-MM-DD` (both days included). Anything
 * else is a FunnelInputError that says what is expected.
 */
export function parsePeriod(text: string, now: Date): FunnelPeriod {
  const bad = () => new FunnelInputError(`Bad period "${text}": use 7d, 30d or 2026-11-01..2026-11-30.`);
  const days = /^(\d{1,4})d$/.exec(text);
  if (days) {
    const n = Number(days[1]);
    if (n < 1 || n > 3660) throw bad();
    const until = new Date(Date.parse(`${day(now)}T00:00:00Z`) + DAY_MS);
    const since = new Date(until.getTime() - n * DAY_MS);
    return { since, until, label: `${day(since)}..${day(new Date(until.getTime() - DAY_MS))}` };
  }
  const range = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(text);
  if (!range) throw bad();
  const [from, to] = [range[1]!, range[2]!];
  const since = new Date(`${from}T00:00:00Z`);
  const last = new Date(`${to}T00:00:00Z`);
  if (Number.isNaN(since.getTime()) || Number.isNaN(last.getTime()) || day(since) !== from || day(last) !== to)
    throw bad();
  if (last < since) throw new FunnelInputError(`The period ${text} ends before it begins.`);
  return { since, until: new Date(last.getTime() + DAY_MS), label: `${from}..${to}` };
}

/** The words after `/funnel` (or `admin funnel` without options): course, period and `by X`, in any order. */
export function parseFunnelCommand(words: string[], now: Date): FunnelCommand {
  let courseSlug: string | undefined;
  let period: FunnelPeriod | undefined;
  let by: FunnelBreakdown | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.toLowerCase() === 'by') {
      if (by) throw new FunnelInputError('One breakdown at a time.');
      by = parseBreakdown(words[++i]);
    } else if (/^\d/.test(word) || word.includes('..')) {
      if (period) throw new FunnelInputError(`Two periods: "${period.label}" and "${word}".`);
      period = parsePeriod(word, now);
    } else if (/^[a-z0-9][a-z0-9-]{0,62}$/.test(word)) {
      if (courseSlug) throw new FunnelInputError(`Two courses: "${courseSlug}" and "${word}". ${FUNNEL_USAGE}`);
      courseSlug = word;
    } else {
      throw new FunnelInputError(`"${word}" is neither a course, a period nor "by …". ${FUNNEL_USAGE}`);
    }
  }
  return { courseSlug, period: period ?? parsePeriod('30d', now), by };
}

export function parseBreakdown(word: string | undefined): FunnelBreakdown {
  const found = FUNNEL_BREAKDOWNS.find((b) => b === word?.toLowerCase());
  if (!found) throw new FunnelInputError(`Unknown breakdown "${word ?? ''}"; one of: ${FUNNEL_BREAKDOWNS.join(', ')}.`);
  return found;
}
