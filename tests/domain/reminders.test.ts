import { describe, expect, it } from 'vitest';
import {
  formatReminderWindow,
  nextReminderAt,
  parseReminderWindow,
  reminderMinutes,
  reminderSettingsProblem,
} from '../../domain/reminders';
import type { ReminderSettings } from '../../domain/reminders';

const iso = (instant: number | null) => (instant === null ? null : new Date(instant).toISOString());
const at = (text: string) => Date.parse(text);
const nineToNine = { startMinute: 9 * 60, endMinute: 21 * 60 };
const settings = (perDay: number, window = nineToNine): ReminderSettings => ({ perDay, ...window });

/** Every reminder from `from` on, `count` of them, each strictly after the one before. */
function reminders(from: number, s: ReminderSettings, timeZone: string, count: number): string[] {
  const out: string[] = [];
  let after = from;
  for (let i = 0; i < count; i++) {
    const next = nextReminderAt(after, s, timeZone);
    if (next === null) break;
    out.push(iso(next)!);
    after = next;
  }
  return out;
}

describe('reminderMinutes', () => {
  it('spreads N a day evenly over the window, first at its start and last at its end', () => {
    expect(reminderMinutes(settings(0))).toEqual([]);
    expect(reminderMinutes(settings(1))).toEqual([540]);
    expect(reminderMinutes(settings(2))).toEqual([540, 1260]);
    expect(reminderMinutes(settings(3))).toEqual([540, 900, 1260]);
    expect(reminderMinutes(settings(5))).toEqual([540, 720, 900, 1080, 1260]);
    // Uneven steps round to whole minutes and stay inside the window.
    expect(reminderMinutes(settings(4, { startMinute: 600, endMinute: 601 }))).toEqual([600, 600, 601, 601]);
  });

  it('refuses more than 5 a day, fractions, and windows that cross midnight or are empty', () => {
    expect(() => reminderMinutes(settings(6))).toThrow(RangeError);
    expect(() => reminderMinutes(settings(1.5))).toThrow(RangeError);
    expect(() => reminderMinutes(settings(-1))).toThrow(RangeError);
    expect(() => reminderMinutes(settings(2, { startMinute: 22 * 60, endMinute: 6 * 60 }))).toThrow(/same day/);
    expect(() => reminderMinutes(settings(2, { startMinute: 600, endMinute: 600 }))).toThrow(RangeError);
    expect(reminderSettingsProblem(settings(2, { startMinute: 0, endMinute: 24 * 60 }))).toMatch(/times of day/);
    expect(reminderSettingsProblem(settings(5))).toBeNull();
  });
});

describe('parseReminderWindow', () => {
  it('reads HH:MM-HH:MM and writes it back', () => {
    expect(parseReminderWindow('09:00-21:00')).toEqual(nineToNine);
    expect(parseReminderWindow(' 7:30 – 8:45 ')).toEqual({ startMinute: 450, endMinute: 525 });
    expect(formatReminderWindow({ startMinute: 450, endMinute: 525 })).toBe('07:30-08:45');
  });

  it('rejects impossible times and windows crossing midnight', () => {
    for (const bad of ['25:00-21:00', '09:00-24:00', '21:00-09:00', '09:00-09:00', '9-21', '09:00', 'soon']) {
      expect(() => parseReminderWindow(bad), bad).toThrow(RangeError);
    }
  });
});

describe('nextReminderAt', () => {
  it('gives 3 a day at 09:00, 15:00 and 21:00 local time, day after day (Moscow, UTC+3)', () => {
    const from = at('2026-06-01T10:00:00Z'); // 13:00 in Moscow
    expect(reminders(from, settings(3), 'Europe/Moscow', 5)).toEqual([
      '2026-06-01T12:00:00.000Z',
      '2026-06-01T18:00:00.000Z',
      '2026-06-02T06:00:00.000Z',
      '2026-06-02T12:00:00.000Z',
      '2026-06-02T18:00:00.000Z',
    ]);
  });

  it('follows the student’s zone west of Greenwich across the UTC date line', () => {
    // 20:30 in Los Angeles on June 1 is 03:30 UTC on June 2: the next reminder is 21:00 on June 1, local.
    const from = at('2026-06-02T03:30:00Z');
    expect(reminders(from, settings(2), 'America/Los_Angeles', 3)).toEqual([
      '2026-06-02T04:00:00.000Z',
      '2026-06-02T16:00:00.000Z',
      '2026-06-03T04:00:00.000Z',
    ]);
  });

  it('keeps the local hours over a DST change (Berlin, last Sunday of March)', () => {
    const from = at('2026-03-28T12:00:00Z'); // Saturday 13:00 CET
    expect(reminders(from, settings(2), 'Europe/Berlin', 3)).toEqual([
      '2026-03-28T20:00:00.000Z', // 21:00 CET (UTC+1)
      '2026-03-29T07:00:00.000Z', // 09:00 CEST (UTC+2), the morning after the clocks moved
      '2026-03-29T19:00:00.000Z',
    ]);
  });

  it('moves a reminder time skipped by the spring-forward gap past the gap', () => {
    // New York skips 02:00–03:00 on 2026-03-08: 02:30 becomes 03:30 EDT (07:30 UTC).
    const early = settings(1, { startMinute: 150, endMinute: 600 });
    expect(iso(nextReminderAt(at('2026-03-08T05:00:00Z'), early, 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
  });

  it('gives none for 0 a day', () => {
    expect(nextReminderAt(at('2026-06-01T10:00:00Z'), settings(0), 'UTC')).toBeNull();
  });

  it('is strictly after the given instant, so a reminder just sent is never sent again', () => {
    const nine = at('2026-06-01T09:00:00Z');
    expect(iso(nextReminderAt(nine, settings(3), 'UTC'))).toBe('2026-06-01T15:00:00.000Z');
    expect(iso(nextReminderAt(nine - 1, settings(3), 'UTC'))).toBe('2026-06-01T09:00:00.000Z');
  });
});
