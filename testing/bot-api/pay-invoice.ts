import type { Message } from 'grammy/types';
import { chatKey, messageKey } from './ids';
import { PRE_CHECKOUT_TTL_MS, serviceMessage } from './payments';
import type { StandInState } from './state';
import type { InvoiceRecord, TgUser } from './types';

export interface PayInvoiceInput {
  botToken: string;
  from: TgUser;
  /** The invoice message in the user's chat with the bot; by default the latest invoice the bot sent there. */
  messageId?: number;
  /** Or the latest invoice in that chat with this payload. */
  payload?: string;
  /** Or an invoice described by the test (one opened from an invoice link, say). */
  invoice?: { currency: string; totalAmount: number; payload: string };
  /** How long the bot has to answer the pre-checkout query (Telegram: 10 s). */
  timeoutMs?: number;
}

export type PaymentOutcome = { ok: true; chargeId: string; message: Message } | { ok: false; error: string };

function findInvoice(state: StandInState, botId: number, input: PayInvoiceInput): InvoiceRecord {
  if (input.invoice) return { title: '', description: '', ...input.invoice };
  if (input.messageId !== undefined) {
    const invoice = state.invoices.get(messageKey(botId, input.from.id, input.messageId));
    if (!invoice) throw new Error(`payInvoice: message ${input.messageId} in chat ${input.from.id} is not an invoice`);
    return invoice;
  }
  const prefix = `${chatKey(botId, input.from.id)}#`;
  const invoice = [...state.invoices.entries()]
    .filter(([key, i]) => key.startsWith(prefix) && (input.payload === undefined || i.payload === input.payload))
    .at(-1)?.[1];
  if (!invoice) throw new Error(`payInvoice: bot ${botId} sent no matching invoice to ${input.from.id}`);
  return invoice;
}

/**
 * The user pays an invoice the way a Telegram client does: the bot receives a pre_checkout_query and must answer
 * within 10 s; if it said ok, it then receives a successful_payment message with a new, unique
 * telegram_payment_charge_id. Resolves with the outcome (a refusal carries the bot's error_message).
 */
export async function payInvoice(state: StandInState, input: PayInvoiceInput): Promise<PaymentOutcome> {
  const bot = state.bot(input.botToken);
  const invoice = findInvoice(state, bot.id, input);
  const from = state.rememberUser(input.from);
  const queryId = `${bot.id}${Date.now()}${state.preCheckouts.size}`;
  const query: { botId: number; createdAt: number; ok?: boolean; error?: string } = {
    botId: bot.id,
    createdAt: Date.now(),
  };
  state.preCheckouts.set(queryId, query);
  state.enqueue(bot, {
    pre_checkout_query: {
      id: queryId,
      from,
      currency: invoice.currency,
      total_amount: invoice.totalAmount,
      invoice_payload: invoice.payload,
    },
  });
  const timeoutMs = input.timeoutMs ?? PRE_CHECKOUT_TTL_MS;
  const answered = await state.waitFor(() => query.ok !== undefined, timeoutMs);
  if (!answered) {
    return {
      ok: false,
      error: state.closed
        ? 'the stand-in stopped'
        : `the bot did not answer the pre-checkout query within ${timeoutMs} ms`,
    };
  }
  if (!query.ok) return { ok: false, error: query.error ?? 'declined' };
  const chargeId = state.uniqueId('stxch', 24);
  state.charges.set(chargeId, {
    chargeId,
    botId: bot.id,
    userId: from.id,
    currency: invoice.currency,
    totalAmount: invoice.totalAmount,
    payload: invoice.payload,
    refunded: false,
  });
  const message: Message = {
    ...serviceMessage(state, bot.id, input.from),
    successful_payment: {
      currency: invoice.currency,
      total_amount: invoice.totalAmount,
      invoice_payload: invoice.payload,
      telegram_payment_charge_id: chargeId,
      provider_payment_charge_id: invoice.currency === 'XTR' ? '' : `prov_${chargeId}`,
    },
  };
  state.storeMessage(bot.id, message);
  state.enqueueMessage(bot, message);
  return { ok: true, chargeId, message };
}
