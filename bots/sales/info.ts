import { Composer } from 'grammy';
import { scheduleChosenSignal } from '../../lib/enrollment-definitions';
import { isValidTimeZone } from '../../lib/schedule';
import { suggestedTimeZone } from '../../locales/sales';
import type { SalesContext } from './context';
import { upsertUser } from './users';

/** /help, /terms, /paysupport (Telegram expects them from bots that take payments), lesson time and time zone. */
export const info = new Composer<SalesContext>();

info.command('help', (ctx) => ctx.reply(ctx.t.help()));
info.command('terms', (ctx) =>
  ctx.reply(ctx.t.terms({ offerUrl: ctx.deps.settings.offerUrl, privacyUrl: ctx.deps.settings.privacyUrl }), {
    parse_mode: 'HTML',
  }),
);
info.command('paysupport', (ctx) => ctx.reply(ctx.t.paySupport({ contact: ctx.deps.settings.supportContact })));

info.command('timezone', async (ctx) => {
  ctx.session.awaiting = { kind: 'time-zone' };
  await ctx.reply(ctx.t.askTimeZone({ suggestion: suggestedTimeZone(ctx.from?.language_code) }));
});

/** The lesson-time buttons under the welcome message: `sched:<course>:<HH:MM>|now`. */
info.callbackQuery(/^sched:([a-z0-9-]{1,63}):(now|(?:[01]\d|2[0-3]):[0-5]\d)$/, async (ctx) => {
  const [, slug, choice] = ctx.match;
  const user = await upsertUser(ctx.deps.sql, ctx.from);
  // A student who never set a zone gets the one their Telegram language suggests (/timezone changes it).
  const timeZone = user.timeZone === 'UTC' ? suggestedTimeZone(ctx.from.language_code) : user.timeZone;
  const preferredLessonTime = choice === 'now' ? null : choice!;
  await ctx.deps
    .sql`update users set time_zone = ${timeZone}, preferred_lesson_time = ${preferredLessonTime} where id = ${user.id}`;
  if (!(await signalSchedule(ctx, user.id, slug!, { timeZone, preferredLessonTime }))) {
    return void (await ctx.answerCallbackQuery({ text: ctx.t.stale() }));
  }
  await ctx.answerCallbackQuery({ text: ctx.t.alreadyScheduled() });
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => {});
});

info.on('message:text', async (ctx, next) => {
  if (ctx.session.awaiting?.kind !== 'time-zone') return next();
  const timeZone = ctx.message.text.trim();
  if (!isValidTimeZone(timeZone) || !timeZone.includes('/')) return void (await ctx.reply(ctx.t.badTimeZone()));
  ctx.session.awaiting = undefined;
  const user = await upsertUser(ctx.deps.sql, ctx.from);
  const [row] = await ctx.deps.sql<{ preferredLessonTime: string | null }[]>`
    update users set time_zone = ${timeZone} where id = ${user.id} returning preferred_lesson_time::text`;
  const enrollments = await ctx.deps.sql<{ slug: string }[]>`
    select c.slug from enrollments e join courses c on c.id = e.course_id
    where e.user_id = ${user.id} and e.access_granted_at is not null and e.stage not in ('completed', 'expired', 'refunded')`;
  const preferredLessonTime = row?.preferredLessonTime?.slice(0, 5) ?? null;
  for (const { slug } of enrollments) await signalSchedule(ctx, user.id, slug, { timeZone, preferredLessonTime });
  await ctx.reply(ctx.t.timeZoneSet({ timeZone }));
});

async function signalSchedule(
  ctx: SalesContext,
  userId: number,
  courseSlug: string,
  choice: { timeZone: string; preferredLessonTime: string | null },
): Promise<boolean> {
  try {
    await ctx.deps.enrollments.handle({ userId, courseSlug }).signal(scheduleChosenSignal, choice);
    return true;
  } catch (err) {
    ctx.deps.log?.(`schedule for user ${userId} in ${courseSlug} not delivered: ${String(err)}`);
    return false;
  }
}

/** Anything that looks like a command and nobody handled: say so and show what exists. */
info.on('message:entities:bot_command', (ctx) => ctx.reply(`${ctx.t.unknownCommand()}\n\n${ctx.t.help()}`));
