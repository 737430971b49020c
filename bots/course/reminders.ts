import { Composer, InlineKeyboard } from 'grammy';
import {
  formatReminderWindow,
  MAX_REMINDERS_PER_DAY,
  parseReminderWindow,
  reminderSettingsProblem,
} from '../../domain/reminders';
import type { ReminderSettings } from '../../domain/reminders';
import { reminderSettingsFor, saveReminders } from '../../journey/student-reminders';
import { encodeButton } from '../../telegram/callback-data';
import { onButton } from '../buttons';
import type { CourseContext, StudentContext } from './context';
import { currentEnrollment } from './enrollment';

/**
 * /reminders (#17): how many homework reminders a day (0–5) and inside which hours of the student's day. Buttons pick
 * the number and keep the window; `/reminders 3 09:00-21:00` sets both, `/reminders off` none. Bad input and forged
 * buttons get an error and change nothing.
 */
export const reminders = new Composer<CourseContext>();
const student = reminders.chatType('private');

student.command('reminders', async (ctx) => {
  const enrollment = await currentEnrollment(ctx.deps.sql, ctx.from.id);
  if (!enrollment) return void (await ctx.reply(ctx.t.notEnrolled({ salesBot: ctx.deps.settings.salesBot })));
  const current = await reminderSettingsFor(ctx.deps.sql, ctx.from.id, enrollment.courseId);
  const args = ctx.match.trim();
  if (args === '') {
    const keyboard = new InlineKeyboard();
    for (let perDay = 0; perDay <= MAX_REMINDERS_PER_DAY; perDay++) {
      keyboard.text(String(perDay), encodeButton({ ...current.settings, kind: 'reminders', perDay }));
    }
    const now =
      current.source === 'none' ? ctx.t.remindersCourseDefault() : describe(ctx, current.settings, current.timeZone);
    return void (await ctx.reply(now + '\n' + ctx.t.remindersChoose(), {
      reply_markup: keyboard,
    }));
  }
  const chosen = parseArguments(args, current.settings);
  if (!chosen) return void (await ctx.reply(ctx.t.badReminders()));
  await save(ctx, chosen, current.timeZone);
});

onButton(student, 'reminders', async (ctx, { perDay, startMinute, endMinute }) => {
  const enrollment = await currentEnrollment(ctx.deps.sql, ctx.from.id);
  if (!enrollment) {
    await ctx.answerCallbackQuery({ text: ctx.t.notEnrolled({ salesBot: ctx.deps.settings.salesBot }) });
    return;
  }
  const { timeZone } = await reminderSettingsFor(ctx.deps.sql, ctx.from.id, enrollment.courseId);
  await ctx.answerCallbackQuery();
  await save(ctx, { perDay, startMinute, endMinute }, timeZone);
});

// A reminders button that does not decode (forged, or altered on its way) is refused here, before the catch-all.
student.callbackQuery(/^rem:/, async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.t.badReminderButton(), show_alert: true });
});

async function save(ctx: StudentContext, settings: ReminderSettings, timeZone: string): Promise<void> {
  await saveReminders(ctx.deps, ctx.from.id, settings);
  await ctx.reply(ctx.t.remindersSaved() + ' ' + describe(ctx, settings, timeZone));
}

function describe(ctx: StudentContext, s: ReminderSettings, timeZone: string): string {
  return s.perDay === 0
    ? ctx.t.remindersOff()
    : ctx.t.remindersNow({ perDay: s.perDay, window: formatReminderWindow(s), timeZone });
}

/** `off`, `N` (the window stays) or `N HH:MM-HH:MM`; undefined for anything else. */
function parseArguments(args: string, current: ReminderSettings): ReminderSettings | undefined {
  if (args.toLowerCase() === 'off') return { ...current, perDay: 0 };
  const match = /^(\d+)(?:\s+(\S+))?$/.exec(args);
  if (!match) return undefined;
  let window: { startMinute: number; endMinute: number } = current;
  if (match[2] !== undefined) {
    try {
      window = parseReminderWindow(match[2]);
    } catch {
      return undefined;
    }
  }
  const settings = { perDay: Number(match[1]), startMinute: window.startMinute, endMinute: window.endMinute };
  return reminderSettingsProblem(settings) ? undefined : settings;
}
