import { condition, log, patched, setHandler } from '@temporalio/workflow';
import type { EnrollmentPlan } from '../activities';
import { remindersChosenSignal } from '../journey/definitions';
import { nextReminderAt, REMINDER_QUIET_MS, reminderSettingsProblem } from '../domain/reminders';
import type { ReminderSettings } from '../domain/reminders';
import type { JourneyState } from './journey-state';
import type { Reminders } from './reminders';
import { blockedByStudent } from './student-line';

/** Student-set reminders run from here on; a journey whose student never chose and whose course declares none never asks. */
export const STUDENT_REMINDERS_PATCH = 'student-reminders';

/** The student's latest /reminders choice, as remindersChosenSignal brought it. */
export interface ReminderChoice {
  settings: ReminderSettings | null;
  version: number;
}

/** Listens for /reminders choices from the journey's start, so one that comes with the start is not lost. */
export function listenForReminderChoices(): ReminderChoice {
  const choice: ReminderChoice = { settings: null, version: 0 };
  setHandler(remindersChosenSignal, ({ perDay, startMinute, endMinute }) => {
    const settings = { perDay, startMinute, endMinute };
    if (reminderSettingsProblem(settings)) return log.warn('Reminder settings ignored', settings);
    choice.settings = settings;
    choice.version++;
  });
  return choice;
}

/**
 * The reminders a student sets (#17), in place of the course's one reminder per lesson (`legacy`) once the student
 * has chosen or the course declares settings. While a delivered lesson's homework is pending, the oldest pending
 * lesson is reminded at each reminder time of the student's window in their time zone (domain/reminders.ts), as a
 * durable timer that any change (a submission, a new choice or time zone, a block, the end) cancels and works out
 * again. Never after the day's submission, never while the student is unreachable or paused, nor after a 403 until they
 * come back; completion and refund (cancelAll) end it for good.
 */
export function createStudentReminders(options: {
  state: JourneyState;
  plan: EnrollmentPlan;
  choice: ReminderChoice;
  legacy: Reminders;
  send: (input: { day: number; at: number }) => Promise<unknown>;
}): Reminders {
  const { state, plan, choice, legacy } = options;
  /** Delivered lessons whose homework is pending, with when each was delivered (workflow time). */
  const pending = new Map<number, number>();
  let changes = 0;
  let ended = false;
  let active = false;
  const settings = () => choice.settings ?? plan.studentReminders ?? plan.reminders ?? null;
  const snapshot = () =>
    [changes, choice.version, state.scheduleVersion, state.unreachable > 0, state.returns, state.pausedAt, ended].join(
      ':',
    );

  async function run(): Promise<void> {
    await condition(() => ended || settings() !== null);
    if (ended || !patched(STUDENT_REMINDERS_PATCH)) return;
    active = true;
    legacy.cancelAll();
    let lastAt = 0;
    let refusedAtReturns: number | null = null;
    while (!ended) {
      const seen = snapshot();
      const day = Math.min(...pending.keys());
      const current = settings();
      const refused = refusedAtReturns !== null && refusedAtReturns === state.returns;
      const { timeZone } = state.schedule ?? plan.student;
      const notBefore = Math.max(Date.now(), (pending.get(day) ?? 0) + REMINDER_QUIET_MS, lastAt);
      const at =
        current && pending.has(day) && !refused && state.unreachable === 0 && state.pausedAt === null
          ? nextReminderAt(notBefore, current, timeZone)
          : null;
      if (at === null) {
        await condition(() => snapshot() !== seen);
        continue;
      }
      if (await condition(() => snapshot() !== seen, at - Date.now())) continue;
      lastAt = at;
      try {
        await options.send({ day, at });
      } catch (err) {
        if (!blockedByStudent(err)) log.warn('Reminder not sent', { day, error: String(err) });
        else refusedAtReturns = state.returns;
      }
    }
  }
  void run();

  return {
    schedule(day, startedAt) {
      pending.set(day, Date.now());
      changes++;
      if (!active) legacy.schedule(day, startedAt);
    },
    cancel(day) {
      pending.delete(day);
      changes++;
      legacy.cancel(day);
    },
    cancelAll() {
      ended = true;
      legacy.cancelAll();
    },
  };
}
