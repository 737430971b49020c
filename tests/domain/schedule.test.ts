import { describe, expect, it } from 'vitest';
import {
  cachedFormatterCount,
  intervalsToCatchUp,
  DAY_MS,
  isValidTimeZone,
  lessonDueAt,
  localDateOf,
  localTimeOf,
  parseDuration,
  parseLessonTime,
  withinPreferredHours,
  zonedTimeToInstant,
} from '../../domain/schedule';

const iso = (instant: number) => new Date(instant).toISOString();
const at = (text: string) => Date.parse(text);

describe('lessonDueAt', () => {
  it('delivers day 1 at the start, whatever the preferred time', () => {
    const startedAt = at('2026-03-10T22:17:05Z');
    const student = { timeZone: 'Asia/Tokyo', preferredLessonTime: '09:00' };
    expect(lessonDueAt({ startedAt, day: 1, intervalMs: DAY_MS, student })).toBe(startedAt);
  });

  it('keeps the exact rhythm of the start without a preferred time', () => {
    const startedAt = at('2026-03-10T22:17:05Z');
    const student = { timeZone: 'Europe/Berlin', preferredLessonTime: null };
    expect(iso(lessonDueAt({ startedAt, day: 2, intervalMs: DAY_MS, student }))).toBe('2026-03-11T22:17:05.000Z');
    expect(iso(lessonDueAt({ startedAt, day: 7, intervalMs: DAY_MS, student }))).toBe('2026-03-16T22:17:05.000Z');
  });

  it('uses start + (N-1)·interval for sub-day demo intervals even with a preferred time', () => {
    const startedAt = at('2026-01-01T00:00:00Z');
    const student = { timeZone: 'America/New_York', preferredLessonTime: '08:00' };
    expect(lessonDueAt({ startedAt, day: 5, intervalMs: 10_000, student })).toBe(startedAt + 40_000);
  });

  it('delivers at the preferred local time in the student’s own zone', () => {
    // 22:17 UTC on 10 March is already 11 March, 07:17 in Tokyo: day 2 is 12 March, 09:00 Tokyo.
    const startedAt = at('2026-03-10T22:17:05Z');
    const tokyo = { timeZone: 'Asia/Tokyo', preferredLessonTime: '09:00' };
    expect(iso(lessonDueAt({ startedAt, day: 2, intervalMs: DAY_MS, student: tokyo }))).toBe(
      '2026-03-12T00:00:00.000Z',
    );
    // Same instant in Los Angeles is still 10 March, 15:17: day 2 is 11 March, 09:00 PDT (DST began 8 March).
    const la = { timeZone: 'America/Los_Angeles', preferredLessonTime: '09:00' };
    expect(iso(lessonDueAt({ startedAt, day: 2, intervalMs: DAY_MS, student: la }))).toBe('2026-03-11T16:00:00.000Z');
  });

  it('keeps the local hour across a spring-forward change (23 hours apart)', () => {
    // Europe/Berlin moves from +01:00 to +02:00 on 29 March 2026.
    const student = { timeZone: 'Europe/Berlin', preferredLessonTime: '09:00' };
    const startedAt = at('2026-03-28T07:00:00Z'); // 08:00 CET
    const day2 = lessonDueAt({ startedAt, day: 2, intervalMs: DAY_MS, student });
    const day3 = lessonDueAt({ startedAt, day: 3, intervalMs: DAY_MS, student });
    expect(iso(day2)).toBe('2026-03-29T07:00:00.000Z'); // 09:00 CEST
    expect(iso(day3)).toBe('2026-03-30T07:00:00.000Z');
    const day1ToDay2Local = lessonDueAt({ startedAt: at('2026-03-27T08:00:00Z'), day: 3, intervalMs: DAY_MS, student });
    expect(iso(day1ToDay2Local)).toBe('2026-03-29T07:00:00.000Z');
  });

  it('keeps the local hour across a fall-back change (25 hours apart)', () => {
    // America/New_York moves from -04:00 to -05:00 on 1 November 2026.
    const student = { timeZone: 'America/New_York', preferredLessonTime: '07:30' };
    const startedAt = at('2026-10-31T12:00:00Z'); // 08:00 EDT
    const day2 = lessonDueAt({ startedAt, day: 2, intervalMs: DAY_MS, student });
    const day3 = lessonDueAt({ startedAt, day: 3, intervalMs: DAY_MS, student });
    expect(iso(day2)).toBe('2026-11-01T12:30:00.000Z'); // 07:30 EST
    expect(day3 - day2).toBe(DAY_MS);
  });

  it('moves a time skipped by a DST gap forward, and takes the earlier of a repeated time', () => {
    const berlin = 'Europe/Berlin';
    // 02:30 does not exist on 29 March 2026 in Berlin: it becomes 03:30 CEST.
    expect(iso(zonedTimeToInstant({ year: 2026, month: 3, day: 29 }, '02:30', berlin))).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    // 02:30 happens twice on 25 October 2026: the first one is CEST.
    expect(iso(zonedTimeToInstant({ year: 2026, month: 10, day: 25 }, '02:30', berlin))).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    const student = { timeZone: berlin, preferredLessonTime: '02:30' };
    const due = lessonDueAt({ startedAt: at('2026-03-28T12:00:00Z'), day: 2, intervalMs: DAY_MS, student });
    expect(iso(due)).toBe('2026-03-29T01:30:00.000Z');
  });

  it('handles zones with half-hour offsets and no DST', () => {
    const student = { timeZone: 'Asia/Kolkata', preferredLessonTime: '18:45' };
    const due = lessonDueAt({ startedAt: at('2026-06-01T00:00:00Z'), day: 4, intervalMs: DAY_MS, student });
    expect(iso(due)).toBe('2026-06-04T13:15:00.000Z');
  });

  it('spaces lessons by whole calendar days for a multi-day interval', () => {
    const student = { timeZone: 'Europe/London', preferredLessonTime: '10:00' };
    const due = lessonDueAt({ startedAt: at('2026-03-20T09:00:00Z'), day: 3, intervalMs: 7 * DAY_MS, student });
    expect(iso(due)).toBe('2026-04-03T09:00:00.000Z'); // 10:00 BST, two weeks later
  });

  it('rejects bad input with a RangeError', () => {
    const student = { timeZone: 'UTC', preferredLessonTime: null };
    expect(() => lessonDueAt({ startedAt: 0, day: 0, intervalMs: DAY_MS, student })).toThrow(RangeError);
    expect(() => lessonDueAt({ startedAt: 0, day: 1.5, intervalMs: DAY_MS, student })).toThrow(RangeError);
    expect(() => lessonDueAt({ startedAt: 0, day: 2, intervalMs: 0, student })).toThrow(RangeError);
    const bad = { timeZone: 'Mars/Olympus', preferredLessonTime: '09:00' };
    expect(() => lessonDueAt({ startedAt: 0, day: 2, intervalMs: DAY_MS, student: bad })).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('reads the local date of an instant', () => {
    expect(localDateOf(at('2026-12-31T23:30:00Z'), 'Asia/Tokyo')).toEqual({ year: 2027, month: 1, day: 1 });
    expect(localDateOf(at('2027-01-01T03:00:00Z'), 'America/Chicago')).toEqual({ year: 2026, month: 12, day: 31 });
  });

  it('knows valid time zones', () => {
    expect(isValidTimeZone('Europe/Moscow')).toBe(true);
    expect(isValidTimeZone('Nowhere/Special')).toBe(false);
  });

  it('parses lesson times', () => {
    expect(parseLessonTime('09:05')).toEqual({ hour: 9, minute: 5 });
    expect(parseLessonTime('7:30')).toEqual({ hour: 7, minute: 30 });
    for (const bad of ['24:00', '9', '09:60', 'nine', '']) expect(() => parseLessonTime(bad)).toThrow(RangeError);
  });

  it('parses durations', () => {
    expect(parseDuration('24h')).toBe(DAY_MS);
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('3d')).toBe(3 * DAY_MS);
    expect(parseDuration('1h30m')).toBe(90 * 60_000);
    expect(parseDuration('1h 30m')).toBe(90 * 60_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration(2500)).toBe(2500);
    for (const bad of ['', '10', 'soon', '5 weeks', '-1h', 'h']) expect(() => parseDuration(bad)).toThrow(RangeError);
    expect(() => parseDuration(-1)).toThrow(RangeError);
    expect(() => parseDuration(Number.NaN)).toThrow(RangeError);
  });
});

describe('withinPreferredHours', () => {
  it('keeps a reminder inside the 12 hours from the lesson time, else moves it to the next lesson time', () => {
    // Lesson time 09:00 in Berlin (CET, +01:00 in January).
    expect(iso(withinPreferredHours(at('2026-01-10T10:00:00Z'), '09:00', 'Europe/Berlin'))).toBe(
      '2026-01-10T10:00:00.000Z',
    );
    expect(iso(withinPreferredHours(at('2026-01-10T19:59:00Z'), '09:00', 'Europe/Berlin'))).toBe(
      '2026-01-10T19:59:00.000Z',
    );
    // 21:30 local is outside: the next morning at 09:00.
    expect(iso(withinPreferredHours(at('2026-01-10T20:30:00Z'), '09:00', 'Europe/Berlin'))).toBe(
      '2026-01-11T08:00:00.000Z',
    );
    // 03:00 local is outside: the same morning at 09:00.
    expect(iso(withinPreferredHours(at('2026-01-11T02:00:00Z'), '09:00', 'Europe/Berlin'))).toBe(
      '2026-01-11T08:00:00.000Z',
    );
    // A window across midnight: lesson time 20:00 keeps 02:00 and moves 09:00 to 20:00.
    expect(iso(withinPreferredHours(at('2026-01-11T01:00:00Z'), '20:00', 'Europe/Berlin'))).toBe(
      '2026-01-11T01:00:00.000Z',
    );
    expect(iso(withinPreferredHours(at('2026-01-11T08:00:00Z'), '20:00', 'Europe/Berlin'))).toBe(
      '2026-01-11T19:00:00.000Z',
    );
  });

  it('reads the local time of an instant', () => {
    expect(localTimeOf(at('2026-07-01T22:15:00Z'), 'Asia/Tokyo')).toBe('07:15');
  });
});

// Cases found by mutation testing (`npm run mutate`): each fails if one operator, bound or message is changed.
describe('edges', () => {
  it('says what was wrong with the input', () => {
    const student = { timeZone: 'UTC', preferredLessonTime: null };
    expect(() => lessonDueAt({ startedAt: 0, day: 0, intervalMs: DAY_MS, student })).toThrow(
      'Lesson day must be an integer from 1, got 0',
    );
    expect(() => lessonDueAt({ startedAt: 0, day: 2, intervalMs: -5, student })).toThrow(
      'Lesson interval must be positive, got -5',
    );
    // Even day 1, which needs no arithmetic, refuses a start that is not a time.
    expect(() => lessonDueAt({ startedAt: Number.NaN, day: 1, intervalMs: DAY_MS, student })).toThrow(
      'Start must be an epoch time, got NaN',
    );
    expect(() => parseLessonTime('25:00')).toThrow('Lesson time must look like 09:30 (24-hour clock), got "25:00"');
    expect(() => parseDuration(-1)).toThrow('A duration in ms must be a finite number of 0 or more, got -1');
    expect(() => parseDuration('soon')).toThrow('A duration must look like 24h, 30m, 1h30m or 500ms, got "soon"');
  });

  it('finds a wall time that lies after a fall-back change seen from UTC', () => {
    // 05:00 EST on 1 November 2026 is 10:00Z; read as UTC, 05:00Z is still EDT, so only the offset a day later fits.
    expect(iso(zonedTimeToInstant({ year: 2026, month: 11, day: 1 }, '05:00', 'America/New_York'))).toBe(
      '2026-11-01T10:00:00.000Z',
    );
  });

  it('reads lesson times and durations whole, around spaces', () => {
    expect(parseLessonTime(' 09:05 ')).toEqual({ hour: 9, minute: 5 });
    for (const bad of ['09:305', '09:30x', '9:30 pm']) expect(() => parseLessonTime(bad)).toThrow(RangeError);
    expect(parseDuration(' 10s ')).toBe(10_000);
    expect(parseDuration('10 s')).toBe(10_000);
    expect(parseDuration('1 h 30 m')).toBe(90 * 60_000);
    expect(parseDuration('1.25s')).toBe(1250);
    expect(parseDuration('0s')).toBe(0);
    expect(parseDuration(0)).toBe(0);
    for (const bad of ['10s later', '10s 5']) expect(() => parseDuration(bad)).toThrow(RangeError);
  });

  it('pads single-digit minutes', () => {
    expect(localTimeOf(at('2026-07-01T22:05:00Z'), 'Asia/Tokyo')).toBe('07:05');
  });

  it('ends the preferred hours 12 hours after the lesson time, exactly', () => {
    // 21:00 in Berlin (CET) is 12 hours after 09:00: outside, so the next morning.
    expect(iso(withinPreferredHours(at('2026-01-10T20:00:00Z'), '09:00', 'Europe/Berlin'))).toBe(
      '2026-01-11T08:00:00.000Z',
    );
    expect(iso(withinPreferredHours(at('2026-01-10T19:59:59Z'), '09:00', 'Europe/Berlin'))).toBe(
      '2026-01-10T19:59:59.000Z',
    );
  });

  it('caches one formatter per canonical zone, whatever the spelling', () => {
    // Zones no other test in this file uses, so the count is this test's own.
    const before = cachedFormatterCount();
    expect(localTimeOf(0, 'Pacific/Chatham')).toBe('12:45');
    expect(cachedFormatterCount()).toBe(before + 1);
    expect(localTimeOf(0, 'pacific/CHATHAM')).toBe('12:45');
    expect(localTimeOf(0, 'Pacific/Chatham')).toBe('12:45');
    expect(cachedFormatterCount()).toBe(before + 1);
    expect(localTimeOf(0, 'Antarctica/Troll')).toBe('00:00');
    expect(cachedFormatterCount()).toBe(before + 2);
    // Another spelling of a zone not cached yet works, and caches nothing until the IANA spelling is used.
    expect(localTimeOf(0, 'australia/EUCLA')).toBe('08:45');
    expect(cachedFormatterCount()).toBe(before + 2);
    expect(localTimeOf(0, 'Australia/Eucla')).toBe('08:45');
    expect(cachedFormatterCount()).toBe(before + 3);
  });
});

describe('intervalsToCatchUp', () => {
  const student = { timeZone: 'America/New_York', preferredLessonTime: '07:30' };
  const startedAt = at('2026-03-05T15:00:00Z'); // 10:00 in New York; day 2 due 2026-03-06 07:30 local

  it('moves nothing when the lesson is not late', () => {
    const lesson = { startedAt, day: 2, intervalMs: DAY_MS, student };
    expect(intervalsToCatchUp(lesson, at('2026-03-06T12:29:00Z'))).toBe(0);
    expect(intervalsToCatchUp(lesson, at('2026-03-06T12:30:00Z'))).toBe(0);
  });

  it('moves a late lesson to the next lesson time, not to the moment it was freed', () => {
    const lesson = { startedAt, day: 2, intervalMs: DAY_MS, student };
    // Freed at 23:00 New York time on 03-06: the lesson comes at 07:30 on 03-07.
    const shift = intervalsToCatchUp(lesson, at('2026-03-07T04:00:00Z'));
    expect(shift).toBe(1);
    expect(iso(lessonDueAt({ ...lesson, day: 2 + shift }))).toBe('2026-03-07T12:30:00.000Z');
  });

  it('counts local days across a DST change', () => {
    const lesson = { startedAt, day: 2, intervalMs: DAY_MS, student };
    // Clocks go forward on 03-08; freed at 07:00 local on 03-10 (11:00Z): next lesson 07:30 EDT = 11:30Z that day.
    const shift = intervalsToCatchUp(lesson, at('2026-03-10T11:00:00Z'));
    expect(iso(lessonDueAt({ ...lesson, day: 2 + shift }))).toBe('2026-03-10T11:30:00.000Z');
    // Freed a minute after it: the day after.
    const later = intervalsToCatchUp(lesson, at('2026-03-10T11:31:00Z'));
    expect(iso(lessonDueAt({ ...lesson, day: 2 + later }))).toBe('2026-03-11T11:30:00.000Z');
  });

  it('keeps the exact rhythm of a sub-day interval', () => {
    const lesson = { startedAt: 0, day: 2, intervalMs: 3_000, student: { timeZone: 'UTC', preferredLessonTime: null } };
    expect(intervalsToCatchUp(lesson, 3_000)).toBe(0);
    expect(intervalsToCatchUp(lesson, 3_001)).toBe(1);
    expect(intervalsToCatchUp(lesson, 12_000)).toBe(3);
    expect(intervalsToCatchUp(lesson, 12_001)).toBe(4);
  });
});
