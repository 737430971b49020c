import type { Sql } from '../db';
import { reminderSettingsProblem } from '../domain/reminders';
import type { ReminderSettings } from '../domain/reminders';
import { escapeHtml } from '../locales';
import { inlineButton } from '../telegram/callback-data';
import { sendKey } from '../telegram/send-keys';
import { recipientOf, sendTextOnce } from './recipient';
import type { TelegramBots } from './telegram';

/** Reminder settings as a users or courses row holds them (times as 'HH:MM:SS' text), or null when none are set. */
export function reminderSettingsOf(row: {
  remindersPerDay: number | null;
  reminderWindowStart: string | null;
  reminderWindowEnd: string | null;
}): ReminderSettings | null {
  const { remindersPerDay: perDay, reminderWindowStart: start, reminderWindowEnd: end } = row;
  if (perDay === null || start === null || end === null) return null;
  const minuteOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
  const settings = { perDay, startMinute: minuteOf(start), endMinute: minuteOf(end) };
  return reminderSettingsProblem(settings) ? null : settings;
}

/** The reminders a student sets (#17): one message per reminder time, unless the homework was handed in meanwhile. */
export function createStudentReminders({ sql, telegram }: { sql: Sql; telegram: TelegramBots }) {
  return {
    /**
     * Reminds the student of lesson `day`'s homework, once per reminder time `at` (send-once key), and only while it is
     * pending: nothing once a submission for the day is stored, the course has ended or an admin blocked the student. A 403 is BotBlockedError.
     */
    async sendStudentReminder(input: { enrollmentId: number; day: number; at: number }): Promise<{ sent: boolean }> {
      const { enrollmentId, day } = input;
      const [pending]: [{ title: string }?] = await sql`
        select l.title from enrollments e join lessons l on l.course_id = e.course_id and l.day = ${day}
          join users u on u.id = e.user_id
        where e.id = ${enrollmentId} and e.stage not in ('completed', 'refunded', 'expired') and u.blocked_at is null
          and not exists (select 1 from assignments a where a.enrollment_id = e.id and a.day = ${day})
          and not exists (select 1 from submissions s where s.enrollment_id = e.id and s.day = ${day})`;
      if (!pending) return { sent: false };
      const r = await recipientOf(sql, enrollmentId);
      await sendTextOnce(sql, telegram.course, {
        key: sendKey.studentReminder(enrollmentId, day, input.at),
        chatId: r.chatId,
        html: r.t.studentReminder({ day, title: escapeHtml(pending.title) }),
        replyMarkup: {
          inline_keyboard: [[inlineButton(r.t.submitAssignment(), { kind: 'submit', slug: r.courseSlug, day })]],
        },
      });
      return { sent: true };
    },
  };
}
