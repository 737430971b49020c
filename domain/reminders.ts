/**
 * The homework reminders a student sets (/reminders, #17): how many a day, inside which local hours. Pure functions
 * over domain/schedule.ts, so the workflow, the bot and the content loader agree on every instant. Settings travel as
 * numbers only (minutes of the day), so a journey's history holds no text a student typed.
 */
import { addDays, localDateOf, parseLessonTime, zonedTimeToInstant } from './schedule';

export const MAX_REMINDERS_PER_DAY = 5;
/** A reminder never comes sooner than this after its lesson, even if a reminder time falls right after it. */
export const REMINDER_QUIET_MS = 60 * 60 * 1000;

export interface ReminderSettings {
  /** 0 (none) to MAX_REMINDERS_PER_DAY. */
  perDay: number;
  /** The window's first and last minute of the local day (0–1439); start before end: no window crosses midnight. */
  startMinute: number;
  endMinute: number;
}

/** What applies when neither the course nor the student said anything else about the window. */
export const DEFAULT_REMINDER_WINDOW = { startMinute: 9 * 60, endMinute: 21 * 60 };

/** Why these settings cannot be used, or null when they can. */
export function reminderSettingsProblem(s: ReminderSettings): string | null {
  if (!Number.isInteger(s.perDay) || s.perDay < 0 || s.perDay > MAX_REMINDERS_PER_DAY) {
    return `reminders a day must be a whole number from 0 to ${MAX_REMINDERS_PER_DAY}`;
  }
  const minute = (m: number) => Number.isInteger(m) && m >= 0 && m < 24 * 60;
  if (!minute(s.startMinute) || !minute(s.endMinute)) return 'the window must be two times of day';
  if (s.startMinute >= s.endMinute) return 'the window must start before it ends, on the same day';
  return null;
}

/** Parses '09:00-21:00' (24-hour clock, start before end); RangeError on anything else. */
export function parseReminderWindow(text: string): { startMinute: number; endMinute: number } {
  const match = /^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$/.exec(text);
  if (!match) throw new RangeError(`A reminder window must look like 09:00-21:00, got ${JSON.stringify(text)}`);
  const [startMinute, endMinute] = [match[1]!, match[2]!].map((time) => {
    const { hour, minute } = parseLessonTime(time);
    return hour * 60 + minute;
  }) as [number, number];
  if (startMinute >= endMinute) {
    throw new RangeError(`A reminder window must start before it ends on the same day, got ${JSON.stringify(text)}`);
  }
  return { startMinute, endMinute };
}

/** 'HH:MM' of a minute of the day. */
export function formatMinute(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** '09:00-21:00'. */
export function formatReminderWindow(s: { startMinute: number; endMinute: number }): string {
  return `${formatMinute(s.startMinute)}-${formatMinute(s.endMinute)}`;
}

/**
 * The local times (minutes of the day) of a day's reminders: one at the window's start, or `perDay` spread evenly
 * from its start to its end (3 in 09:00–21:00: 09:00, 15:00, 21:00).
 */
export function reminderMinutes(s: ReminderSettings): number[] {
  const problem = reminderSettingsProblem(s);
  if (problem) throw new RangeError(problem);
  if (s.perDay <= 1) return s.perDay === 1 ? [s.startMinute] : [];
  const step = (s.endMinute - s.startMinute) / (s.perDay - 1);
  return Array.from({ length: s.perDay }, (_, i) => s.startMinute + Math.round(i * step));
}

/**
 * The first reminder instant strictly after `after`, on the student's local calendar in `timeZone` (a time that a DST
 * change skips comes after the gap, as lessons do); null when the settings ask for none.
 */
export function nextReminderAt(after: number, s: ReminderSettings, timeZone: string): number | null {
  const minutes = reminderMinutes(s);
  if (minutes.length === 0) return null;
  const today = localDateOf(after, timeZone);
  for (let days = -1; days <= 2; days++) {
    const date = addDays(today, days);
    for (const minute of minutes) {
      const at = zonedTimeToInstant(date, formatMinute(minute), timeZone);
      if (at > after) return at;
    }
  }
  // Unreachable: tomorrow's first reminder is always after `after`.
  throw new Error('No reminder time found within two days');
}
