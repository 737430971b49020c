import type { Update, WebhookInfo } from 'grammy/types';
import type { Method, MethodContext } from './context';
import { badRequest, conflict } from './errors';
import type { BotState } from './bot-state';

/** Update types Telegram leaves out unless a bot asks for them in allowed_updates. */
const OPT_IN = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const MAX_TIMEOUT_S = 50;
const WEBHOOK_ACTIVE =
  "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

/** Whether the bot's allowed_updates setting lets this update through. */
export function isAllowed(bot: BotState, update: Update): boolean {
  const type = Object.keys(update).find((k) => k !== 'update_id') ?? '';
  return bot.allowedUpdates ? bot.allowedUpdates.includes(type) : !OPT_IN.has(type);
}

/** Drops queued updates the current allowed_updates setting excludes (Telegram never delivers them). */
export function dropUnwanted(bot: BotState): void {
  const wanted = bot.updates.filter((u) => isAllowed(bot, u));
  bot.updates.splice(0, bot.updates.length, ...wanted);
}

function setAllowedUpdates(ctx: MethodContext): void {
  const allowed = ctx.params.json<string[]>('allowed_updates');
  if (allowed === undefined) return; // Telegram keeps the previous setting.
  if (!Array.isArray(allowed)) throw badRequest("can't parse allowed_updates JSON array");
  ctx.bot.allowedUpdates = allowed.length > 0 ? allowed : undefined;
}

/**
 * Long polling as Telegram does it: `offset` confirms (forgets) earlier updates, a negative offset keeps only the
 * last updates, and with nothing to deliver the request is held up to `timeout` seconds (at most 50) and answered
 * as soon as an update arrives. A second getUpdates while one is pending ends the first with 409, as two bot
 * instances polling one token do in Telegram; so does a webhook being set.
 */
export async function getUpdates(ctx: MethodContext): Promise<Update[]> {
  const { bot, params, state } = ctx;
  if (bot.webhook) throw conflict(WEBHOOK_ACTIVE);
  bot.endPoll?.('conflict');
  setAllowedUpdates(ctx);
  const offset = params.optionalInt('offset');
  if (offset !== undefined && offset < 0) bot.updates.splice(0, Math.max(0, bot.updates.length + offset));
  else if (offset !== undefined) bot.updates.splice(0, bot.updates.filter((u) => u.update_id < offset).length);
  dropUnwanted(bot);
  const limit = Math.min(100, Math.max(1, params.optionalInt('limit') ?? 100));
  const timeoutMs = Math.min(MAX_TIMEOUT_S, Math.max(0, params.optionalInt('timeout') ?? 0)) * 1000;
  if (bot.updates.length === 0 && timeoutMs > 0 && !state.closed && !ctx.signal.aborted) {
    const ended = await new Promise<string>((resolve) => {
      const end = (reason: string) => {
        clearTimeout(timer);
        state.events.off('update', onUpdate);
        ctx.signal.removeEventListener('abort', onAbort);
        if (bot.endPoll === end) bot.endPoll = undefined;
        resolve(reason);
      };
      const onUpdate = (target: BotState) => {
        if (target === bot && bot.updates.some((u) => isAllowed(bot, u))) end('update');
      };
      const onAbort = () => end('aborted');
      const timer = setTimeout(() => end('timeout'), timeoutMs);
      state.events.on('update', onUpdate);
      ctx.signal.addEventListener('abort', onAbort);
      bot.endPoll = end;
    });
    if (ended === 'conflict') {
      throw conflict('terminated by other getUpdates request; make sure that only one bot instance is running');
    }
    if (ended === 'webhook') throw conflict(WEBHOOK_ACTIVE);
    dropUnwanted(bot);
  }
  return bot.updates.slice(0, limit);
}

/**
 * setWebhook: from now on updates are POSTed to `url` (with `X-Telegram-Bot-Api-Secret-Token` when secret_token is
 * set) instead of waiting for getUpdates. Unlike Telegram, plain http URLs on any port are accepted (local test
 * servers) and no certificate is needed. An empty url removes the webhook, as in Telegram.
 */
const setWebhook: Method = (ctx) => {
  const { bot, params, state } = ctx;
  const url = params.optionalString('url');
  if (url === undefined) return deleteWebhook(ctx);
  if (!/^https?:\/\/[^/\s]+/.test(url)) throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
  const secretToken = params.optionalString('secret_token');
  if (secretToken !== undefined && !/^[\w-]{1,256}$/.test(secretToken)) {
    throw badRequest('secret token contains unallowed characters');
  }
  setAllowedUpdates(ctx);
  if (params.bool('drop_pending_updates')) bot.updates.length = 0;
  bot.webhook = { url, ...(secretToken ? { secretToken } : {}) };
  bot.endPoll?.('webhook');
  state.events.emit('update', bot);
  return true;
};

const deleteWebhook: Method = ({ bot, params }) => {
  bot.webhook = undefined;
  if (params.bool('drop_pending_updates')) bot.updates.length = 0;
  return true;
};

const getWebhookInfo: Method = ({ bot }): WebhookInfo => ({
  url: bot.webhook?.url ?? '',
  has_custom_certificate: false,
  pending_update_count: bot.updates.length,
  ...(bot.webhook ? { max_connections: 40 } : {}),
  ...(bot.webhook?.lastErrorDate
    ? { last_error_date: bot.webhook.lastErrorDate, last_error_message: bot.webhook.lastErrorMessage ?? '' }
    : {}),
  ...(bot.allowedUpdates ? { allowed_updates: bot.allowedUpdates as WebhookInfo['allowed_updates'] } : {}),
});

export const UPDATE_METHODS: Record<string, Method> = { getUpdates, setWebhook, deleteWebhook, getWebhookInfo };
