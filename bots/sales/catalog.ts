import { Composer, InlineKeyboard } from 'grammy';
import { TARIFFS } from '../../domain/tariffs';
import type { Tariff } from '../../domain/tariffs';
import { escapeHtml, formatMoney } from '../../locales';
import { encodeButton } from '../../telegram/callback-data';
import { onButton } from '../buttons';
import type { SalesContext } from './context';
import { funnelStep } from './funnel';
import { recordReferral, upsertUser } from './users';

interface CourseCard {
  slug: string;
  title: string;
  description: string;
  tariffs: { tariff: Tariff; title: string; priceMinor: number; currency: string; includes: string[] }[];
}

/** The course the bot sells, with its tariffs; undefined when no course is imported (or the slug is unknown). */
export async function loadCourse(
  ctx: SalesContext,
  slug = ctx.deps.settings.courseSlug,
): Promise<CourseCard | undefined> {
  const { sql } = ctx.deps;
  const [course]: [{ id: number; slug: string; title: string; description: string }?] = slug
    ? await sql`select id, slug, title, description from courses where slug = ${slug}`
    : await sql`select id, slug, title, description from courses order by id limit 1`;
  if (!course) return undefined;
  const tariffs = await sql<CourseCard['tariffs']>`
    select tariff, title, price_minor, currency, includes from course_tariffs where course_id = ${course.id}`;
  tariffs.sort((a, b) => TARIFFS.indexOf(a.tariff) - TARIFFS.indexOf(b.tariff));
  return { ...course, tariffs };
}

export async function showCourse(ctx: SalesContext, edit = false): Promise<void> {
  const course = await loadCourse(ctx);
  if (!course) return void (await ctx.reply(ctx.t.checkoutProblem['unknown-course']));
  await funnelStep(ctx, course.slug, { step: 'course-card' });
  const keyboard = new InlineKeyboard();
  for (const t of course.tariffs) {
    keyboard
      .text(
        ctx.t.tariffButton({ title: t.title, price: formatMoney(t.priceMinor, t.currency) }),
        encodeButton({ kind: 'tariff', slug: course.slug, tariff: t.tariff }),
      )
      .row();
  }
  keyboard.text(ctx.t.talkToHuman(), encodeButton({ kind: 'support' }));
  const text = ctx.t.courseCard({ title: escapeHtml(course.title), description: escapeHtml(course.description) });
  if (edit) await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: keyboard });
  else await ctx.reply(text, { parse_mode: 'HTML', reply_markup: keyboard });
}

/** /start, /start <partner_id>, and browsing the tariffs. */
export const catalog = new Composer<SalesContext>();

catalog.chatType('private').command('start', async (ctx) => {
  const user = await upsertUser(ctx.deps.sql, ctx.from);
  const partner = ctx.match.trim();
  if (partner && (await recordReferral(ctx.deps.sql, user, partner)))
    ctx.deps.log?.(`referral: user ${user.id} via ${partner}`);
  ctx.session.awaiting = undefined;
  const sold = await loadCourse(ctx);
  if (sold) await funnelStep(ctx, sold.slug, { step: 'start' });
  await showCourse(ctx);
});

onButton(catalog, 'course', async (ctx) => {
  await ctx.answerCallbackQuery();
  await showCourse(ctx, true);
});

onButton(catalog, 'tariff', async (ctx, { slug, tariff }) => {
  const course = await loadCourse(ctx);
  const t = course && course.slug === slug ? course.tariffs.find((x) => x.tariff === tariff) : undefined;
  if (!course || !t) return staleButton(ctx);
  await ctx.answerCallbackQuery();
  await funnelStep(ctx, slug, { step: 'tariff', tariff });
  await ctx.editMessageText(
    ctx.t.tariffCard({
      title: escapeHtml(t.title),
      price: formatMoney(t.priceMinor, t.currency),
      includes: t.includes.map(escapeHtml),
    }),
    {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard()
        .text(ctx.t.buy(), encodeButton({ kind: 'buy', slug, tariff }))
        .row()
        .text(ctx.t.back(), encodeButton({ kind: 'course', slug })),
    },
  );
});

/** Tampered, forged or outdated button data: say so politely, show the current menu, change nothing. */
export async function staleButton(ctx: SalesContext): Promise<void> {
  await ctx.answerCallbackQuery({ text: ctx.t.stale() });
  await showCourse(ctx);
}
