import type { Sql } from '../db';
import { DEFAULT_REMINDER_WINDOW, formatMinute, reminderSettingsProblem } from '../domain/reminders';
import type { ReminderSettings } from '../domain/reminders';
import { remindersChosenSignal } from './definitions';
import type { EnrollmentClient } from './client';

interface SettingsRow {
  remindersPerDay: number | null;
  reminderWindowStart: string | null;
  reminderWindowEnd: string | null;
}

const minuteOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

function settingsOf(row: SettingsRow | undefined): ReminderSettings | null {
  if (!row || row.remindersPerDay === null || !row.reminderWindowStart || !row.reminderWindowEnd) return null;
  return {
    perDay: row.remindersPerDay,
    startMinute: minuteOf(row.reminderWindowStart),
    endMinute: minuteOf(row.reminderWindowEnd),
  };
}

/**
 * The reminder settings in force for a student (/reminders, #17): their own, else their current course's, else (the
 * course's one reminder after a lesson applies then) one a day in DEFAULT_REMINDER_WINDOW as a starting point;
 * `source` says which.
 */
export async function reminderSettingsFor(
  sql: Sql,
  telegramId: number,
  courseId?: number,
): Promise<{ settings: ReminderSettings; source: 'student' | 'course' | 'none'; timeZone: string }> {
  const [user]: [(SettingsRow & { timeZone: string })?] = await sql`
    select reminders_per_day, reminder_window_start::text, reminder_window_end::text, time_zone from users
    where telegram_id = ${telegramId}`;
  const timeZone = user?.timeZone ?? 'UTC';
  const own = settingsOf(user);
  if (own) return { settings: own, source: 'student', timeZone };
  const [course]: [SettingsRow?] =
    courseId === undefined
      ? []
      : await sql`select reminders_per_day, reminder_window_start::text, reminder_window_end::text from courses
                  where id = ${courseId}`;
  const ofCourse = settingsOf(course);
  if (ofCourse) return { settings: ofCourse, source: 'course', timeZone };
  return { settings: { perDay: 1, ...DEFAULT_REMINDER_WINDOW }, source: 'none', timeZone };
}

/**
 * Saves a student's reminder settings and tells every running journey of theirs (numbers only), so pending homework
 * is reminded on the new rhythm at once. RangeError for settings that do not validate: nothing is saved then.
 * Returns how many journeys heard it.
 */
export async function saveReminders(
  deps: { sql: Sql; enrollments: EnrollmentClient; log?: (line: string) => void },
  telegramId: number,
  settings: ReminderSettings,
): Promise<{ journeys: number }> {
  const problem = reminderSettingsProblem(settings);
  if (problem) throw new RangeError(problem);
  const { sql } = deps;
  const [user]: [{ id: number }?] = await sql`
    update users set reminders_per_day = ${settings.perDay},
                     reminder_window_start = ${formatMinute(settings.startMinute)}::time,
                     reminder_window_end = ${formatMinute(settings.endMinute)}::time, updated_at = now()
    where telegram_id = ${telegramId}
    returning id`;
  if (!user) return { journeys: 0 };
  const courses = await sql<{ slug: string }[]>`
    select c.slug from enrollments e join courses c on c.id = e.course_id
    where e.user_id = ${user.id} and e.access_granted_at is not null
      and e.stage not in ('completed', 'expired', 'refunded')`;
  let journeys = 0;
  for (const { slug } of courses) {
    try {
      await deps.enrollments.handle({ userId: user.id, courseSlug: slug }).signal(remindersChosenSignal, settings);
      journeys++;
    } catch (err) {
      deps.log?.(`reminders for user ${user.id} in ${slug} not delivered: ${String(err)}`);
    }
  }
  return { journeys };
}
