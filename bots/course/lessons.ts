import { Composer, InlineKeyboard } from 'grammy';
import { progressQuery } from '../../journey/definitions';
import type { LessonPart, LessonTasks } from '../../domain/lesson-content';
import { escapeHtml, messagesFor } from '../../locales';
import { encodeButton } from '../../telegram/callback-data';
import { renderLesson } from '../../telegram/lesson-render';
import { createMediaCache } from '../../telegram/media-cache';
import { sendPart } from '../../telegram/send-part';
import { onButton } from '../buttons';
import type { CourseContext, StudentContext } from './context';
import { currentEnrollment } from './enrollment';
import type { StudentEnrollment } from './enrollment';
import { quizProgressLines } from './quizzes';

/** /lesson, /lessons and /progress: only what has been delivered, never a lesson that is not due yet. */
export const lessons = new Composer<CourseContext>();
const student = lessons.chatType('private');

async function enrolledOrPointed(ctx: StudentContext): Promise<StudentEnrollment | undefined> {
  const enrollment = await currentEnrollment(ctx.deps.sql, ctx.from.id);
  if (!enrollment) await ctx.reply(ctx.t.notEnrolled({ salesBot: ctx.deps.settings.salesBot }));
  return enrollment;
}

async function deliveredDays(
  ctx: CourseContext,
  enrollment: StudentEnrollment,
): Promise<{ day: number; title: string }[]> {
  return ctx.deps.sql<{ day: number; title: string }[]>`
    select d.day, l.title from lesson_deliveries d join lessons l on l.course_id = ${enrollment.courseId} and l.day = d.day
    where d.enrollment_id = ${enrollment.id} order by d.day`;
}

async function sendLesson(ctx: StudentContext, enrollment: StudentEnrollment, day: number): Promise<void> {
  const [lesson]: [{ title: string; parts: LessonPart[]; tasks: LessonTasks }?] = await ctx.deps.sql`
    select title, parts, tasks from lessons where course_id = ${enrollment.courseId} and day = ${day}`;
  if (!lesson) return void (await ctx.reply(ctx.t.notDelivered()));
  const t = messagesFor(ctx.from.language_code, enrollment.defaultLanguage);
  const parts = renderLesson({ day, ...lesson }, enrollment.tariff, t, { courseSlug: enrollment.courseSlug });
  const media = createMediaCache(ctx.deps.sql);
  for (const part of parts) await sendPart(ctx.api, ctx.chat.id, part, { protect: enrollment.protectContent, media });
}

student.command('lesson', async (ctx) => {
  const enrollment = await enrolledOrPointed(ctx);
  if (!enrollment) return;
  const days = await deliveredDays(ctx, enrollment);
  const latest = days.at(-1);
  if (!latest) return void (await ctx.reply(ctx.t.noLessonYet()));
  await sendLesson(ctx, enrollment, latest.day);
});

student.command('lessons', async (ctx) => {
  const enrollment = await enrolledOrPointed(ctx);
  if (!enrollment) return;
  const days = await deliveredDays(ctx, enrollment);
  if (days.length === 0) return void (await ctx.reply(ctx.t.noLessonYet()));
  const keyboard = new InlineKeyboard();
  for (const { day, title } of days)
    keyboard
      .text(ctx.t.lessonButton({ day, title }), encodeButton({ kind: 'lesson', slug: enrollment.courseSlug, day }))
      .row();
  await ctx.reply(ctx.t.chooseLesson(), { reply_markup: keyboard });
});

onButton(student, 'lesson', async (ctx, { slug, day }) => {
  const enrollment = await currentEnrollment(ctx.deps.sql, ctx.from.id, slug);
  const delivered = enrollment && (await deliveredDays(ctx, enrollment)).some((d) => d.day === day);
  await ctx.answerCallbackQuery(delivered ? {} : { text: ctx.t.notDelivered() });
  if (enrollment && delivered) await sendLesson(ctx, enrollment, day);
});

student.command('progress', async (ctx) => {
  const enrollment = await enrolledOrPointed(ctx);
  if (!enrollment) return;
  const progress = await ctx.deps.enrollments
    .handle({ userId: enrollment.userId, courseSlug: enrollment.courseSlug })
    .query(progressQuery);
  const next =
    progress.nextLessonDueAt && progress.nextLessonDueAt > Date.now()
      ? ctx.t.nextLesson({
          when: new Date(progress.nextLessonDueAt).toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
        })
      : '';
  const quizzes = await quizProgressLines(ctx.deps.sql, ctx.t, enrollment.id, progress.gate);
  const gate = progress.gate
    ? (quizzes.gate ?? ctx.t.waitingAtGate[progress.gate.gate]({ day: progress.gate.day }))
    : '';
  const { cohort } = progress;
  const inCohort = cohort
    ? ctx.t.cohortLine({ name: cohort.name, startsOn: cohort.startsOn, started: progress.lessonsDelivered.length > 0 })
    : '';
  const assignments = progress.assignments
    .map((a) => ctx.t.assignmentLine({ day: a.day, status: ctx.t.status[a.status] ?? a.status }))
    .join('');
  await ctx.reply(
    ctx.t.progress({
      course: escapeHtml(enrollment.courseTitle),
      day: progress.currentDay,
      total: progress.lessonCount,
      tariff: progress.tariff ?? enrollment.tariff,
      stage: progress.stage,
      next: inCohort + next + gate,
    }) +
      assignments +
      quizzes.lines,
    { parse_mode: 'HTML' },
  );
});
