/**
 * Schedule math: when lesson N is due for one student. Pure functions over Intl only, so the workflow sandbox,
 * activities and the content loader share the same answer.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;

/** What a student chose: their IANA time zone and, optionally, the local time lessons should arrive at. */
export interface StudentSchedule {
  timeZone: string;
  /** 'HH:MM' in the student's zone, or null to keep the exact rhythm of the start time. */
  preferredLessonTime: string | null;
}

export interface LessonDueInput {
  /** When the journey started (access granted), epoch ms. Lesson 1 is due at this instant. */
  startedAt: number;
  /** 1-based course day. */
  day: number;
  /** The course's lesson interval (24h by default; seconds in tests and the demo). */
  intervalMs: number;
  student: StudentSchedule;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/**
 * When lesson `day` is due. Day 1 is due at the start. With a preferred time and an interval of whole days, day N is
 * due at that local time on the student's calendar date of the start plus (N-1) intervals, in their own zone, so DST
 * changes move neither the hour nor the date. Otherwise (no preferred time, or a sub-day demo interval) it is exactly
 * start + (N-1)·interval.
 */
export function lessonDueAt({ startedAt, day, intervalMs, student }: LessonDueInput): number {
  if (!Number.isInteger(day) || day < 1) throw new RangeError(`Lesson day must be an integer from 1, got ${day}`);
  if (!Number.isFinite(intervalMs) || intervalMs <= 0)
    throw new RangeError(`Lesson interval must be positive, got ${intervalMs}`);
  if (!Number.isFinite(startedAt)) throw new RangeError(`Start must be an epoch time, got ${startedAt}`);
  if (day === 1) return startedAt;
  if (student.preferredLessonTime === null || intervalMs % DAY_MS !== 0) return startedAt + (day - 1) * intervalMs;
  const start = localDateOf(startedAt, student.timeZone);
  const target = addDays(start, (day - 1) * (intervalMs / DAY_MS));
  return zonedTimeToInstant(target, student.preferredLessonTime, student.timeZone);
}

/**
 * The instant a wall-clock time on a date has in a zone. A time skipped by a DST gap moves forward by the gap (02:30
 * on a spring-forward night becomes 03:30); a time that happens twice in an overlap takes the earlier instant.
 */
export function zonedTimeToInstant(date: LocalDate, time: string, timeZone: string): number {
  const { hour, minute } = parseLessonTime(time);
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const offsets = new Set([wall - DAY_MS, wall, wall + DAY_MS].map((probe) => offsetAt(probe, timeZone)));
  const matches = [...offsets]
    .map((offset) => wall - offset)
    .filter((instant) => wallTimeOf(instant, timeZone) === wall);
  if (matches.length > 0) return Math.min(...matches);
  // In a gap: read the wall time with the offset in force before the change, which lands after the gap.
  return wall - offsetAt(wall - DAY_MS, timeZone);
}

/** The calendar date an instant falls on in a zone. */
export function localDateOf(instant: number, timeZone: string): LocalDate {
  const local = new Date(wallTimeOf(instant, timeZone));
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

export function isValidTimeZone(timeZone: string): boolean {
  return canonicalTimeZone(timeZone) !== undefined;
}

/**
 * The IANA spelling of a zone the way Intl resolves it ('europe/MOSCOW' → 'Europe/Moscow'), or undefined for an
 * unknown zone. Zone names are case-insensitive, so this is what gets stored and cached: a student cannot grow the
 * formatter cache by typing one zone in many spellings.
 */
export function canonicalTimeZone(timeZone: string): string | undefined {
  const cached = formatters.get(timeZone);
  if (cached) return timeZone;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Parses 'HH:MM' (24-hour clock); RangeError on anything else. */
export function parseLessonTime(time: string): { hour: number; minute: number } {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(time.trim());
  if (!match) throw new RangeError(`Lesson time must look like 09:30 (24-hour clock), got ${JSON.stringify(time)}`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS };

/** Milliseconds in '24h', '10s', '3d', '1h30m', '500ms' (or a number of ms); RangeError on anything else. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
    throw new RangeError(`A duration in ms must be a finite number of 0 or more, got ${value}`);
  }
  const text = value.trim().toLowerCase();
  const parts = /^(?:\s*\d+(?:\.\d+)?\s*(?:ms|d|h|m|s))+$/.test(text)
    ? text.matchAll(/(\d+(?:\.\d+)?)\s*(ms|d|h|m|s)/g)
    : null;
  if (!parts) throw new RangeError(`A duration must look like 24h, 30m, 1h30m or 500ms, got ${JSON.stringify(value)}`);
  let total = 0;
  for (const [, amount, unit] of parts) total += Number(amount) * UNIT_MS[unit!]!;
  return Math.round(total);
}

/** The calendar date `days` after `date` (no time zone involved: dates, not instants). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** The zone's wall-clock reading of an instant, expressed as if it were UTC (whole seconds). */
function wallTimeOf(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The zone's UTC offset at an instant, in ms (positive east of Greenwich). */
function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallTimeOf(whole, timeZone) - whole;
}

/** More than the IANA database's ~600 zones, so a real deployment never evicts; a bound all the same. */
export const FORMATTER_CACHE_LIMIT = 1_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** How many zone formatters are cached (tests hold the bound). */
export function cachedFormatterCount(): number {
  return formatters.size;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  // Throws RangeError for an unknown zone.
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  // Only the canonical spelling is kept; another spelling still works, it just builds its formatter each time.
  const canonical = formatter.resolvedOptions().timeZone;
  if (canonical !== timeZone) return formatters.get(canonical) ?? formatter;
  if (formatters.size >= FORMATTER_CACHE_LIMIT) {
    const oldest = formatters.keys().next().value;
    if (oldest !== undefined) formatters.delete(oldest);
  }
  formatters.set(canonical, formatter);
  return formatter;
}

/** How long the "preferred hours" last each day, from the student's lesson time on. */
export const PREFERRED_HOURS_MS = 12 * 60 * 60 * 1000;

/**
 * The first moment at or after `target` that falls inside the student's preferred hours: the 12 hours that start at
 * their lesson time (`anchor`, 'HH:MM' in their zone). A reminder due at night waits for the next lesson time.
 */
export function withinPreferredHours(target: number, anchor: string, timeZone: string): number {
  const { hour, minute } = parseLessonTime(anchor);
  const local = wallTimeOf(target, timeZone);
  const sinceAnchor = (((local - Date.UTC(1970, 0, 1, hour, minute)) % DAY_MS) + DAY_MS) % DAY_MS;
  return sinceAnchor < PREFERRED_HOURS_MS ? target : nextAnchorAfter(target, anchor, timeZone);
}

function nextAnchorAfter(target: number, anchor: string, timeZone: string): number {
  const today = zonedTimeToInstant(localDateOf(target, timeZone), anchor, timeZone);
  return today > target ? today : zonedTimeToInstant(addDays(localDateOf(target, timeZone), 1), anchor, timeZone);
}

/** 'HH:MM' of an instant in a zone. */
export function localTimeOf(instant: number, timeZone: string): string {
  const local = new Date(wallTimeOf(instant, timeZone));
  return `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
}

/**
 * How many intervals lesson `day` moves so it is due at or after `notBefore`: a lesson held back past its time comes
 * at the student's next lesson time (never at once in the middle of their night), and the lessons after it keep their
 * rhythm from there.
 */
export function intervalsToCatchUp(lesson: LessonDueInput, notBefore: number): number {
  const late = notBefore - lessonDueAt(lesson);
  if (late <= 0) return 0;
  const dueAfter = (shift: number) => lessonDueAt({ ...lesson, day: lesson.day + shift });
  let shift = Math.max(1, Math.floor(late / lesson.intervalMs));
  // Local days are 23 or 25 hours long around DST changes: the estimate is off by one at most, either way.
  while (shift > 1 && dueAfter(shift - 1) >= notBefore) shift--;
  while (dueAfter(shift) < notBefore) shift++;
  return shift;
}
