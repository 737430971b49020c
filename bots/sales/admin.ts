import { Composer, InlineKeyboard } from 'grammy';
import { isStarsProvider } from '../../payments/stars';
import { encodeButton } from '../../telegram/callback-data';
import { onButton } from '../buttons';
import type { SalesContext } from './context';
import { confirmationFresh, groupRemoval, nowSeconds, salesErasure } from './data-rights';
import { deliverSupportAnswer } from './support';

/** Commands the sales bot serves in the admin chat. */
export const SALES_ADMIN_COMMANDS = ['refund', 'forget'];

/**
 * The admin chat: answers to support questions, /refund <charge id> for Telegram Stars payments, and /forget
 * <telegram id> (a student's erasure, done for them, after a confirmation button). Mounted behind the allow-list
 * (adminChat in ../admin-chat), so only REVIEWER_IDS get here.
 */
export const admin = new Composer<SalesContext>();

admin.command('refund', async (ctx) => {
  const chargeId = ctx.match.trim();
  const order = chargeId
    ? await ctx.deps.sql<{ publicId: string }[]>`
    select public_id from orders where provider = 'stars' and provider_payment_id = ${chargeId} and status = 'paid'`
    : [];
  const found = order[0] ? await ctx.deps.orders.find(order[0].publicId) : undefined;
  if (!found) return void (await ctx.reply(`No paid Telegram Stars payment with charge id "${chargeId}".`));
  const provider = ctx.deps.providers.find(isStarsProvider);
  if (!provider) return void (await ctx.reply('Telegram Stars is not enabled.'));
  await provider.refundTo(found.telegramId, chargeId);
  const outcome = await ctx.deps.completion.refunded('stars', { providerPaymentId: chargeId });
  await ctx.reply(`Refunded ${found.amountMinor} ⭐ to user #${found.userId}: ${outcome}.`);
});

admin.command('forget', async (ctx) => {
  const arg = ctx.match.trim();
  const telegramId = /^[1-9]\d{0,14}$/.test(arg) ? Number(arg) : undefined;
  if (!telegramId) return void (await ctx.reply('Usage: /forget <telegram id>'));
  const [held] = await ctx.deps.sql`select id from users where telegram_id = ${telegramId}`;
  if (!held) return void (await ctx.reply(`No personal data is held for ${telegramId}.`));
  const yes = encodeButton({ kind: 'forget-student', telegramId, askedAt: nowSeconds() });
  await ctx.reply(
    `Erase the personal data of ${telegramId} (user #${held.id})? Their journeys end without a refund (refund first ` +
      'if one is due), they leave the groups; payments and consents stay, pseudonymised. The button works for 10 minutes.',
    { reply_markup: new InlineKeyboard().text('🗑 Erase', yes) },
  );
});

onButton(admin, 'forget-student', async (ctx, { telegramId, askedAt }) => {
  if (!confirmationFresh(askedAt)) {
    return void (await ctx.answerCallbackQuery({ text: 'Out of date: send /forget again.', show_alert: true }));
  }
  await ctx.answerCallbackQuery();
  const actor = { telegramId: ctx.from.id, via: 'review-chat' } as const;
  const outcome = await salesErasure(ctx.deps).forget(actor, telegramId, groupRemoval(ctx.api, ctx.deps.log));
  await ctx.reply(
    outcome.erased
      ? `🗑 Personal data of ${telegramId} erased (now user #${outcome.userId}); ${outcome.journeysEnded} journey(s) ended.`
      : `Nothing to erase for ${telegramId}: erased already, or never seen.`,
  );
});

admin.on('message', async (ctx, next) => {
  if (!(await deliverSupportAnswer(ctx))) await next();
});
