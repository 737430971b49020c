import { Composer } from 'grammy';
import { canonicalTimeZone } from '../../domain/schedule';
import { suggestedTimeZone } from '../../locales/sales';
import { onButton } from '../buttons';
import { saveSchedule } from '../../journey/student-schedule';
import type { SalesContext } from './context';
import { upsertUser } from './users';
import { ignoreStaleEdit } from '../errors';

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
onButton(info, 'lesson-time', async (ctx, { slug, time: preferredLessonTime }) => {
  const user = await upsertUser(ctx.deps.sql, ctx.from);
  // A student who never set a zone gets the one their Telegram language suggests (/timezone changes it).
  const timeZone = user.timeZone === 'UTC' ? suggestedTimeZone(ctx.from.language_code) : user.timeZone;
  const saved = await saveSchedule(ctx.deps, ctx.from.id, { timeZone, preferredLessonTime }, slug);
  if (saved.journeys === 0) return void (await ctx.answerCallbackQuery({ text: ctx.t.stale() }));
  await ctx.answerCallbackQuery({ text: ctx.t.alreadyScheduled() });
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(ignoreStaleEdit);
});

/** The answer to /timezone (see ./answers.ts): a zone, or the question again. */
export const timeZoneAnswer = new Composer<SalesContext>();
timeZoneAnswer.on('message:text', async (ctx) => {
  const timeZone = canonicalTimeZone(ctx.message.text.trim());
  if (!timeZone?.includes('/')) return void (await ctx.reply(ctx.t.badTimeZone()));
  ctx.session.awaiting = undefined;
  await upsertUser(ctx.deps.sql, ctx.from);
  await saveSchedule(ctx.deps, ctx.from.id, { timeZone });
  await ctx.reply(ctx.t.timeZoneSet({ timeZone }));
});

/** Anything that looks like a command and nobody handled: say so and show what exists. */
info.on('message:entities:bot_command', (ctx) => ctx.reply(`${ctx.t.unknownCommand()}\n\n${ctx.t.help()}`));
