import { Composer } from 'grammy';
import { hasConsented } from './consent';
import type { SalesContext } from './context';

/**
 * Telegram Stars: the pre-checkout query is answered at once from Postgres (Telegram allows 10 s): the buyer's own
 * pending order, within its lifetime, at the exact amount, with consent to the current documents. Access comes only
 * with successful_payment, whose charge id is the payment's unique key.
 */
export const stars = new Composer<SalesContext>();

stars.on('pre_checkout_query', async (ctx) => {
  const query = ctx.preCheckoutQuery;
  const order = await ctx.deps.orders.find(query.invoice_payload);
  const acceptable =
    order?.provider === 'stars' &&
    order.status === 'pending' &&
    !order.expired &&
    order.telegramId === query.from.id &&
    order.currency === query.currency &&
    order.amountMinor === query.total_amount &&
    (await hasConsented(ctx.deps, order.userId));
  if (acceptable) await ctx.answerPreCheckoutQuery(true);
  else
    await ctx.answerPreCheckoutQuery(false, {
      error_message: order ? ctx.t.paymentNotAccepted() : ctx.t.orderNotFound(),
    });
});

stars.on('message:successful_payment', async (ctx) => {
  const paid = ctx.message.successful_payment;
  const outcome = await ctx.deps.completion.succeeded('stars', {
    type: 'succeeded',
    providerPaymentId: paid.telegram_payment_charge_id,
    orderPublicId: paid.invoice_payload,
    amountMinor: paid.total_amount,
    currency: paid.currency,
    raw: paid,
  });
  ctx.deps.log?.(`stars payment ${paid.telegram_payment_charge_id}: ${outcome}`);
});
