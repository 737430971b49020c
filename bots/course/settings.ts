import { Composer } from 'grammy';
import { pauseSignal, progressQuery, resumeSignal } from '../../journey/definitions';
import { canonicalTimeZone, parseLessonTime } from '../../domain/schedule';
import { saveSchedule } from '../../journey/student-schedule';
import type { CourseContext } from './context';
import { currentEnrollment } from './enrollment';

/**
 * Settings: /time HH:MM and /timezone Area/City (from the next lesson on), /pause and /resume (the rest of the schedule
 * moves with the pause, no lesson is lost).
 */
export const settings = new Composer<CourseContext>();
const student = settings.chatType('private');

student.command('time', async (ctx) => {
  const text = ctx.match.trim();
  let time: string | null = null;
  if (text !== 'off') {
    try {
      const { hour, minute } = parseLessonTime(text);
      time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
    } catch {
      return void (await ctx.reply(ctx.t.badTime()));
    }
  }
  const saved = await saveSchedule(ctx.deps, ctx.from.id, { preferredLessonTime: time });
  await ctx.reply(
    ctx.t.scheduleSaved({ time: saved.preferredLessonTime ?? ctx.t.noFixedTime(), timeZone: saved.timeZone }),
  );
});

student.command('timezone', async (ctx) => {
  const timeZone = canonicalTimeZone(ctx.match.trim());
  if (!timeZone?.includes('/')) return void (await ctx.reply(ctx.t.badTimeZone()));
  const saved = await saveSchedule(ctx.deps, ctx.from.id, { timeZone });
  await ctx.reply(
    ctx.t.scheduleSaved({ time: saved.preferredLessonTime ?? ctx.t.noFixedTime(), timeZone: saved.timeZone }),
  );
});

for (const [command, signal] of [
  ['pause', pauseSignal],
  ['resume', resumeSignal],
] as const) {
  student.command(command, async (ctx) => {
    const enrollment = await currentEnrollment(ctx.deps.sql, ctx.from.id);
    if (!enrollment) return void (await ctx.reply(ctx.t.notEnrolled({ salesBot: ctx.deps.settings.salesBot })));
    const handle = ctx.deps.enrollments.handle({ userId: enrollment.userId, courseSlug: enrollment.courseSlug });
    await handle.signal(signal);
    const progress = await handle.query(progressQuery);
    await ctx.reply(command === 'pause' ? ctx.t.paused() : ctx.t.resumed({ day: progress.currentDay + 1 }));
  });
}
