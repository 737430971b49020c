import { Composer } from 'grammy';
import type { CommandContext, Filter } from 'grammy';
import { TARIFFS } from '../../domain/tariffs';
import { formatMoney } from '../../locales';
import { AdminOpError, createAdminOps } from '../../journey/admin-ops';
import type { AdminActor } from '../../journey/admin-ops';
import type { CourseContext } from './context';
import { quizStatsLines } from './quizzes';

/**
 * Admin actions in the review chat, each written to admin_actions: /stats, /block and /unblock <telegram id>,
 * /grant <telegram id> <TARIFF> [course], /revoke <telegram id> [course], /move <telegram id> <day> [course],
 * /opengate <telegram id> [course]. The
 * course defaults to the student's newest enrollment. Mounted behind the allow-list (adminChat in ../admin-chat), so
 * only REVIEWER_IDS get here.
 */
export const admin = new Composer<CourseContext>();

/** The commands below: in the admin chat the course bot claims them (see ownCommandsInGroups). */
export const ADMIN_COMMANDS = ['stats', 'block', 'unblock', 'grant', 'revoke', 'move', 'opengate'];

/** A command a reviewer wrote in the admin chat (a message, so it has a sender). */
type DeskContext = CommandContext<Filter<CourseContext, 'message'>>;
const deskMessages = admin.on('message');

/** An admin command whose AdminOpError ("no such student") is the answer, not a failure. */
const desk = {
  command(name: string, handler: (ctx: DeskContext) => Promise<unknown>) {
    deskMessages.command(name, async (ctx) => {
      try {
        await handler(ctx);
      } catch (err) {
        if (err instanceof AdminOpError) return void (await ctx.reply(err.message));
        throw err;
      }
    });
  },
};

const opsOf = (ctx: CourseContext) => createAdminOps(ctx.deps);
const actorOf = (ctx: DeskContext): AdminActor => ({ telegramId: ctx.from.id, via: 'review-chat' });

const args = (ctx: CourseContext) =>
  typeof ctx.match === 'string' ? ctx.match.trim().split(/\s+/).filter(Boolean) : [];
const telegramIdArg = (value: string | undefined) => (value && /^\d{1,15}$/.test(value) ? Number(value) : undefined);

desk.command('stats', async (ctx) => {
  const { sql } = ctx.deps;
  const stages = await sql<{ stage: string; tariff: string | null; n: number }[]>`
    select stage, tariff, count(*)::int as n from enrollments group by 1, 2 order by 1, 2`;
  const revenue = await sql<{ currency: string; n: number; total: number }[]>`
    select currency, count(*)::int as n, sum(amount_minor)::bigint as total from payments where status = 'accepted' group by 1 order by 1`;
  const [waiting] = await sql<{ n: number }[]>`
    select count(*)::int as n from assignments a join enrollments e on e.id = a.enrollment_id
    where a.status in ('submitted', 'awaiting-review') and e.tariff in ('FEEDBACK', 'PREMIUM')`;
  // Courses in cohorts (#17): how each cohort is doing, the funnel's cohort breakdown.
  const cohorts = await sql<{ course: string; cohort: string; n: number; active: number; completed: number }[]>`
    select c.slug as course, h.name as cohort, count(*)::int as n,
           count(*) filter (where e.stage not in ('completed', 'refunded', 'expired'))::int as active,
           count(*) filter (where e.stage = 'completed')::int as completed
    from enrollments e join cohorts h on h.id = e.cohort_id join courses c on c.id = e.course_id
    group by 1, 2, h.starts_on order by 1, h.starts_on, 2`;
  const lines = [
    '📊 Students by stage and tariff:',
    ...stages.map((s) => `• ${s.stage} · ${s.tariff ?? '—'}: ${s.n}`),
    ...(cohorts.length > 0 ? ['👥 By cohort:'] : []),
    ...cohorts.map((c) => `• ${c.course} · ${c.cohort}: ${c.n} (${c.active} on the way, ${c.completed} completed)`),
    '💰 Payments:',
    ...revenue.map((r) => `• ${r.n} paid, ${formatMoney(r.total, r.currency)}`),
    `📥 Assignments waiting for review: ${waiting?.n ?? 0}`,
    ...(await quizStatsLines(sql)),
  ];
  await ctx.reply(lines.join('\n'));
});

for (const blocked of [true, false]) {
  desk.command(blocked ? 'block' : 'unblock', async (ctx) => {
    const telegramId = telegramIdArg(args(ctx)[0]);
    if (!telegramId) return void (await ctx.reply(`Usage: /${blocked ? 'block' : 'unblock'} <telegram id>`));
    const { courseSlug } = await opsOf(ctx).block(actorOf(ctx), { telegramId, blocked });
    await ctx.reply(
      `${blocked ? '⛔ Blocked' : '✅ Unblocked'} ${telegramId}${courseSlug ? ` (${courseSlug} ${blocked ? 'paused' : 'resumed'})` : ''}.`,
    );
  });
}

desk.command('grant', async (ctx) => {
  const [id, tariffArg, slug] = args(ctx);
  const telegramId = telegramIdArg(id);
  const tariff = TARIFFS.find((t) => t === tariffArg?.toUpperCase());
  if (!telegramId || !tariff)
    return void (await ctx.reply('Usage: /grant <telegram id> <BASIC|FEEDBACK|PREMIUM> [course]'));
  const requestId = `${ctx.from.id}:${ctx.message.message_id}`;
  const { courseSlug } = await opsOf(ctx).grant(actorOf(ctx), { telegramId, tariff, slug, requestId });
  await ctx.reply(`🎁 ${telegramId} has ${tariff} access to ${courseSlug}.`);
});

desk.command('revoke', async (ctx) => {
  const [id, slug] = args(ctx);
  const telegramId = telegramIdArg(id);
  if (!telegramId) return void (await ctx.reply('Usage: /revoke <telegram id> [course]'));
  const { courseSlug } = await opsOf(ctx).revoke(actorOf(ctx), { telegramId, slug });
  await ctx.reply(
    `🚫 Access of ${telegramId} to ${courseSlug} revoked (money is refunded in the provider's dashboard).`,
  );
});

desk.command('move', async (ctx) => {
  const [id, dayArg, slug] = args(ctx);
  const telegramId = telegramIdArg(id);
  const day = Number(dayArg);
  if (!telegramId || !Number.isInteger(day) || day < 1)
    return void (await ctx.reply('Usage: /move <telegram id> <day> [course]'));
  const { courseSlug } = await opsOf(ctx).move(actorOf(ctx), { telegramId, day, slug });
  await ctx.reply(`➡️ ${telegramId} moves to day ${day} of ${courseSlug}.`);
});

desk.command('opengate', async (ctx) => {
  const [id, slug] = args(ctx);
  const telegramId = telegramIdArg(id);
  if (!telegramId) return void (await ctx.reply('Usage: /opengate <telegram id> [course]'));
  const { courseSlug, day } = await opsOf(ctx).openGate(actorOf(ctx), { telegramId, slug });
  await ctx.reply(
    `🔓 ${telegramId} passes the gate of day ${day} in ${courseSlug}; the next lesson comes at their lesson time.`,
  );
});
