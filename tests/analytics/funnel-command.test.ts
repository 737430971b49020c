import { describe, expect, it } from 'vitest';
import { FunnelInputError, parseFunnelCommand, parsePeriod } from '../../analytics/funnel-command';

const now = new Date('2026-12-02T13:00:00Z');

/** `/funnel [course] [period] [by X]` (#18): the words, and a clear refusal of anything else. */
describe('the /funnel command line', () => {
  it('reads periods: the last N days with today, or a range of whole UTC days', () => {
    expect(parsePeriod('7d', now)).toEqual({
      since: new Date('2026-11-26T00:00:00Z'),
      until: new Date('2026-12-03T00:00:00Z'),
      label: '2026-11-26..2026-12-02',
    });
    expect(parsePeriod('2026-11-01..2026-11-30', now)).toEqual({
      since: new Date('2026-11-01T00:00:00Z'),
      until: new Date('2026-12-01T00:00:00Z'),
      label: '2026-11-01..2026-11-30',
    });
  });

  it('defaults to the first course and 30 days, and takes the words in any order', () => {
    expect(parseFunnelCommand([], now)).toEqual({
      courseSlug: undefined,
      period: parsePeriod('30d', now),
      by: undefined,
    });
    expect(parseFunnelCommand(['by', 'Partner', '7d', 'python-101'], now)).toEqual({
      courseSlug: 'python-101',
      period: parsePeriod('7d', now),
      by: 'partner',
    });
  });

  it.each([
    [['7x'], 'Bad period "7x": use 7d, 30d or 2026-11-01..2026-11-30.'],
    [['0d'], 'Bad period "0d": use 7d, 30d or 2026-11-01..2026-11-30.'],
    [['2026-11-31..2026-12-01'], 'Bad period "2026-11-31..2026-12-01": use 7d, 30d or 2026-11-01..2026-11-30.'],
    [['2026-12-01..2026-11-01'], 'The period 2026-12-01..2026-11-01 ends before it begins.'],
    [['by', 'colour'], 'Unknown breakdown "colour"; one of: tariff, partner, promo, cohort, language.'],
    [['by'], 'Unknown breakdown ""; one of: tariff, partner, promo, cohort, language.'],
    [['7d', '30d'], 'Two periods: "2026-11-26..2026-12-02" and "30d".'],
    [['by', 'tariff', 'by', 'promo'], 'One breakdown at a time.'],
  ])('refuses %j with a reason', (words, message) => {
    expect(() => parseFunnelCommand(words, now)).toThrow(new FunnelInputError(message));
  });

  it('refuses words that are no course, period or breakdown', () => {
    expect(() => parseFunnelCommand(["'; drop table users; --"], now)).toThrow(/is neither a course/);
    expect(() => parseFunnelCommand(['a', 'b'], now)).toThrow(/Two courses: "a" and "b"/);
  });
});
