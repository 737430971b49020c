import { Composer } from 'grammy';
import { isStarsProvider } from '../../payments/stars';
import type { SalesContext } from './context';
import { deliverSupportAnswer } from './support';

/** Commands the sales bot serves in the admin chat. */
export const SALES_ADMIN_COMMANDS = ['refund'];

/**
 * The admin chat: answers to support questions, and /refund <charge id> for Telegram Stars payments. Mounted behind
 * the allow-list (adminChat in ../admin-chat), so only REVIEWER_IDS get here.
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

admin.on('message', async (ctx, next) => {
  if (!(await deliverSupportAnswer(ctx))) await next();
});
