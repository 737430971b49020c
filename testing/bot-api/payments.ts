import type { LabeledPrice, Message } from 'grammy/types';
import type { Method } from './context';
import { badRequest } from './errors';
import { messageKey, unixNow } from './ids';
import { deliver } from './messages';
import type { StandInState } from './state';
import type { InvoiceRecord, TgUser } from './types';

export const PRE_CHECKOUT_TTL_MS = 10_000;

/**
 * sendInvoice: an invoice message whose payload the stand-in keeps (Telegram hides it from the chat) for payInvoice.
 * Telegram Stars (XTR) take exactly one price and no provider token; other currencies need a provider token.
 */
const sendInvoice: Method = (ctx) => {
  const { params } = ctx;
  const chatId = params.chatId();
  const title = params.string('title');
  const description = params.string('description');
  const payload = params.string('payload');
  const currency = params.string('currency');
  const prices = params.json<LabeledPrice[]>('prices');
  // Telegram's documented limits; the wording of these two errors is the stand-in's.
  if (title.length > 32) throw badRequest('invoice title must be 1-32 characters');
  if (description.length > 255) throw badRequest('invoice description must be 1-255 characters');
  if (Buffer.byteLength(payload) > 128) throw badRequest('INVOICE_PAYLOAD_INVALID');
  if (!Array.isArray(prices) || prices.length === 0) throw badRequest('prices must be non-empty');
  if (!prices.every((p) => Number.isSafeInteger(p.amount) && p.amount > 0))
    throw badRequest('CURRENCY_TOTAL_AMOUNT_INVALID');
  if (currency === 'XTR' && prices.length !== 1) {
    throw badRequest('exactly one price must be specified for payments in Telegram Stars');
  }
  if (currency === 'XTR' && params.has('provider_token')) throw badRequest('PAYMENT_PROVIDER_INVALID');
  if (currency !== 'XTR' && !params.has('provider_token')) throw badRequest('PAYMENT_PROVIDER_INVALID');
  const invoice: InvoiceRecord = {
    title,
    description,
    payload,
    currency,
    totalAmount: prices.reduce((sum, p) => sum + p.amount, 0),
  };
  const message = deliver(
    ctx,
    chatId,
    'invoice',
    {
      invoice: {
        title,
        description,
        start_parameter: params.optionalString('start_parameter') ?? '',
        currency,
        total_amount: invoice.totalAmount,
      },
    },
    { invoice },
  );
  ctx.state.invoices.set(messageKey(ctx.bot.id, chatId, message.message_id), invoice);
  return message;
};

/** answerPreCheckoutQuery: once, within 10 s, by the bot that received the query; a refusal needs error_message. */
const answerPreCheckoutQuery: Method = ({ bot, params, state }) => {
  const query = state.preCheckouts.get(params.optionalString('pre_checkout_query_id') ?? '');
  if (
    !query ||
    query.botId !== bot.id ||
    query.ok !== undefined ||
    Date.now() - query.createdAt > PRE_CHECKOUT_TTL_MS
  ) {
    throw badRequest('query is too old and response timeout expired or query ID is invalid');
  }
  const ok = params.bool('ok');
  if (!ok && !params.has('error_message')) throw badRequest('ERROR_MESSAGE_EMPTY');
  query.ok = ok;
  if (!ok) query.error = params.string('error_message');
  state.changed();
  return true;
};

/** refundStarPayment: a Stars charge of this bot and user, once; the bot then sees a refunded_payment message. */
const refundStarPayment: Method = ({ bot, params, state }) => {
  const charge = state.charges.get(params.string('telegram_payment_charge_id'));
  if (!charge || charge.botId !== bot.id || charge.userId !== params.int('user_id') || charge.currency !== 'XTR') {
    throw badRequest('CHARGE_NOT_FOUND');
  }
  if (charge.refunded) throw badRequest('CHARGE_ALREADY_REFUNDED');
  charge.refunded = true;
  const user = { id: charge.userId, first_name: state.users.get(charge.userId)?.first_name ?? `User ${charge.userId}` };
  const message: Message = {
    ...serviceMessage(state, bot.id, user),
    refunded_payment: {
      currency: 'XTR',
      total_amount: charge.totalAmount,
      invoice_payload: charge.payload,
      telegram_payment_charge_id: charge.chargeId,
    },
  };
  state.storeMessage(bot.id, message);
  state.enqueueMessage(bot, message);
  return true;
};

export const PAYMENT_METHODS: Record<string, Method> = { sendInvoice, answerPreCheckoutQuery, refundStarPayment };

/** A message from the user in their private chat with the bot (payments' service messages). */
export function serviceMessage(state: StandInState, botId: number, user: TgUser): Message {
  return {
    message_id: state.nextMessageId(botId, user.id),
    from: state.rememberUser(user),
    chat: state.chat(user.id),
    date: unixNow(),
  };
}
