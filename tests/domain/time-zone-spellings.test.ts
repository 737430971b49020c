import { describe, expect, it } from 'vitest';
import {
  FORMATTER_CACHE_LIMIT,
  cachedFormatterCount,
  canonicalTimeZone,
  isValidTimeZone,
  lessonDueAt,
  localTimeOf,
} from '../../domain/schedule';

/** Every spelling of one zone, by letter case: 2^letters of them. */
function* spellings(zone: string, count: number): Generator<string> {
  const letters = [...zone].map((ch, i) => (/[a-z]/i.test(ch) ? i : -1)).filter((i) => i >= 0);
  for (let n = 0; n < count; n++) {
    const chars = [...zone.toLowerCase()];
    letters.forEach((at, bit) => {
      if ((n >> bit) & 1) chars[at] = chars[at]!.toUpperCase();
    });
    yield chars.join('');
  }
}

describe('time-zone spellings', () => {
  it('resolves any letter case to the IANA spelling, and nothing for an unknown zone', () => {
    expect(canonicalTimeZone('europe/MOSCOW')).toBe('Europe/Moscow');
    // Aliases resolve to ICU's canonical name.
    expect(canonicalTimeZone('AMERICA/argentina/buenos_aires')).toBe('America/Buenos_Aires');
    expect(canonicalTimeZone('Mars/Olympus')).toBeUndefined();
    expect(canonicalTimeZone('')).toBeUndefined();
    expect(isValidTimeZone('asia/tokyo')).toBe(true);
  });

  it('keeps one formatter per zone however many spellings are used (20,000 spellings of one zone)', () => {
    const before = cachedFormatterCount();
    let checked = 0;
    for (const spelling of spellings('America/Argentina/Buenos_Aires', 20_000)) {
      // Same answers as the canonical spelling: the schedule math works whatever the case.
      if (checked++ % 2_000 === 0) {
        expect(localTimeOf(0, spelling)).toBe(localTimeOf(0, 'America/Buenos_Aires'));
        const student = (timeZone: string) => ({ timeZone, preferredLessonTime: '09:00' });
        expect(lessonDueAt({ startedAt: 0, day: 3, intervalMs: 86_400_000, student: student(spelling) })).toBe(
          lessonDueAt({ startedAt: 0, day: 3, intervalMs: 86_400_000, student: student('America/Buenos_Aires') }),
        );
      }
      expect(canonicalTimeZone(spelling)).toBe('America/Buenos_Aires');
      localTimeOf(0, spelling);
    }
    expect(cachedFormatterCount() - before).toBeLessThanOrEqual(2);
    expect(cachedFormatterCount()).toBeLessThanOrEqual(FORMATTER_CACHE_LIMIT);
  });
});
