import { Composer } from 'grammy';
import {
  TARIFFS,
  moveToDaySignal,
  pauseSignal,
  paymentRefundedSignal,
  resumeSignal,
} from '../../lib/enrollment-definitions';
import type { Tariff } from '../../lib/enrollment-definitions';
import { formatMoney } from '../../locales';
import type { CourseContext } from './context';

/**
 * Admin actions in the review chat, for configured reviewers only, each written to admin_actions:
 * /stats, /block and /unblock <telegram id>, /grant <telegram id> <TARIFF> [course], /revoke <telegram id> [course],
 * /move <telegram id> <day> [course]. The course defaults to the student's newest enrollment.
 */
export const admin = new Composer<CourseContext>();
const desk = admin.filter(
  (ctx) => ctx.deps.settings.adminChatId !== undefined && ctx.chat?.id === ctx.deps.settings.adminChatId,
);

/** A command only configured reviewers may use; anyone else is told so and nothing happens. */
const onlyAdmins = {
  command(name: string, handler: (ctx: CourseContext) => Promise<unknown>) {
    desk.command(name, async (ctx) => {
      if (!ctx.from || !ctx.deps.settings.reviewerIds.includes(ctx.from.id))
        return void (await ctx.reply(ctx.t.onlyReviewers()));
      await handler(ctx);
    });
  },
};

async function audit(ctx: CourseContext, action: string, target: string, details: object = {}) {
  await ctx.deps.sql`insert into admin_actions (admin_telegram_id, action, target, details)
                     values (${ctx.from!.id}, ${action}, ${target}, ${ctx.deps.sql.json(details as never)})`;
}

/** The student's enrollment (in `slug`, or their newest), with what the journey needs to be addressed. */
async function enrollmentOf(ctx: CourseContext, telegramId: number, slug?: string) {
  const [row]: [{ id: number; userId: number; courseSlug: string; tariff: Tariff | null }?] = await ctx.deps.sql`
    select e.id, e.user_id, c.slug as course_slug, e.tariff from enrollments e
    join users u on u.id = e.user_id join courses c on c.id = e.course_id
    where u.telegram_id = ${telegramId} and (${slug ?? null}::text is null or c.slug = ${slug ?? null})
    order by e.created_at desc limit 1`;
  return row;
}

const args = (ctx: CourseContext) =>
  typeof ctx.match === 'string' ? ctx.match.trim().split(/\s+/).filter(Boolean) : [];
const telegramIdArg = (value: string | undefined) => (value && /^\d{1,15}$/.test(value) ? Number(value) : undefined);

onlyAdmins.command('stats', async (ctx) => {
  const { sql } = ctx.deps;
  const stages = await sql<{ stage: string; tariff: string | null; n: number }[]>`
    select stage, tariff, count(*)::int as n from enrollments group by 1, 2 order by 1, 2`;
  const revenue = await sql<{ currency: string; n: number; total: number }[]>`
    select currency, count(*)::int as n, sum(amount_minor)::bigint as total from payments where status = 'accepted' group by 1 order by 1`;
  const [waiting] = await sql<{ n: number }[]>`
    select count(*)::int as n from assignments a join enrollments e on e.id = a.enrollment_id
    where a.status in ('submitted', 'awaiting-review') and e.tariff in ('FEEDBACK', 'PREMIUM')`;
  const lines = [
    '📊 Students by stage and tariff:',
    ...stages.map((s) => `• ${s.stage} · ${s.tariff ?? '—'}: ${s.n}`),
    '💰 Payments:',
    ...revenue.map((r) => `• ${r.n} paid, ${formatMoney(r.total, r.currency)}`),
    `📥 Assignments waiting for review: ${waiting?.n ?? 0}`,
  ];
  await ctx.reply(lines.join('\n'));
});

for (const blocked of [true, false]) {
  onlyAdmins.command(blocked ? 'block' : 'unblock', async (ctx) => {
    const telegramId = telegramIdArg(args(ctx)[0]);
    if (!telegramId) return void (await ctx.reply(`Usage: /${blocked ? 'block' : 'unblock'} <telegram id>`));
    const updated = await ctx.deps.sql`
      update users set blocked_at = ${blocked ? new Date() : null} where telegram_id = ${telegramId} returning id`;
    if (updated.length === 0) return void (await ctx.reply(`No student with Telegram id ${telegramId}.`));
    const enrollment = await enrollmentOf(ctx, telegramId);
    if (enrollment) await ctx.deps.enrollments.handle(enrollment).signal(blocked ? pauseSignal : resumeSignal);
    await audit(ctx, blocked ? 'block' : 'unblock', `user:${telegramId}`);
    await ctx.reply(
      `${blocked ? '⛔ Blocked' : '✅ Unblocked'} ${telegramId}${enrollment ? ` (${enrollment.courseSlug} ${blocked ? 'paused' : 'resumed'})` : ''}.`,
    );
  });
}

onlyAdmins.command('grant', async (ctx) => {
  const [id, tariffArg, slug] = args(ctx);
  const telegramId = telegramIdArg(id);
  const tariff = TARIFFS.find((t) => t === tariffArg?.toUpperCase());
  if (!telegramId || !tariff)
    return void (await ctx.reply('Usage: /grant <telegram id> <BASIC|FEEDBACK|PREMIUM> [course]'));
  const [target]: [{ userId: number; courseSlug: string; currency: string }?] = await ctx.deps.sql`
    select u.id as user_id, c.slug as course_slug, t.currency from users u
    cross join courses c join course_tariffs t on t.course_id = c.id and t.tariff = ${tariff}
    where u.telegram_id = ${telegramId} and (${slug ?? null}::text is null or c.slug = ${slug ?? null})
    order by c.id limit 1`;
  if (!target)
    return void (await ctx.reply(`No such student or course (the student must have written to the bots once).`));
  const paymentId = `manual:${ctx.from!.id}:${ctx.message!.message_id}`;
  await ctx.deps.enrollments.pay(
    { userId: target.userId, courseSlug: target.courseSlug },
    {
      provider: 'manual',
      providerPaymentId: paymentId,
      amountMinor: 0,
      currency: target.currency,
      tariff,
      order: { publicId: paymentId, amountMinor: 0, currency: target.currency, upgradeFrom: null },
    },
  );
  await audit(ctx, 'grant', `user:${telegramId}`, { course: target.courseSlug, tariff, paymentId });
  await ctx.reply(`🎁 ${telegramId} has ${tariff} access to ${target.courseSlug}.`);
});

onlyAdmins.command('revoke', async (ctx) => {
  const [id, slug] = args(ctx);
  const telegramId = telegramIdArg(id);
  if (!telegramId) return void (await ctx.reply('Usage: /revoke <telegram id> [course]'));
  const enrollment = await enrollmentOf(ctx, telegramId, slug);
  if (!enrollment) return void (await ctx.reply(`No enrollment for ${telegramId}.`));
  const payments = await ctx.deps.sql<{ provider: string; providerPaymentId: string }[]>`
    select provider, provider_payment_id from payments where enrollment_id = ${enrollment.id} and status = 'accepted'`;
  const handle = ctx.deps.enrollments.handle(enrollment);
  for (const payment of payments) await handle.signal(paymentRefundedSignal, payment);
  await audit(ctx, 'revoke', `user:${telegramId}`, { course: enrollment.courseSlug, payments: payments.length });
  await ctx.reply(
    `🚫 Access of ${telegramId} to ${enrollment.courseSlug} revoked (money is refunded in the provider's dashboard).`,
  );
});

onlyAdmins.command('move', async (ctx) => {
  const [id, dayArg, slug] = args(ctx);
  const telegramId = telegramIdArg(id);
  const day = Number(dayArg);
  if (!telegramId || !Number.isInteger(day) || day < 1)
    return void (await ctx.reply('Usage: /move <telegram id> <day> [course]'));
  const enrollment = await enrollmentOf(ctx, telegramId, slug);
  if (!enrollment) return void (await ctx.reply(`No enrollment for ${telegramId}.`));
  await ctx.deps.enrollments.handle(enrollment).signal(moveToDaySignal, { day });
  await audit(ctx, 'move', `user:${telegramId}`, { course: enrollment.courseSlug, day });
  await ctx.reply(`➡️ ${telegramId} moves to day ${day} of ${enrollment.courseSlug}.`);
});
