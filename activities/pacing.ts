import type { Api } from 'grammy';
import type { Sql } from '../db';
import { pause } from '../lib/pause';
import type { AbortSignalLike } from '../lib/pause';
import { TELEGRAM_CHAT_LIMITS, createChatPacer } from './chat-pacing';
import type { ChatLimits } from './chat-pacing';
import { createBotSlots } from './bot-slots';
import { DEFAULT_LANE_SETTINGS, currentLane } from './lanes';
import type { LaneSettings } from './lanes';

export { withLane } from './lanes';
export type { Lane, LaneSettings } from './lanes';

/** Bot API methods that put a message in a chat: what Telegram's ~30 messages/s per bot counts. */
const PACED_METHODS = new Set([
  'sendMessage',
  'sendPhoto',
  'sendVideo',
  'sendDocument',
  'sendVoice',
  'sendAudio',
  'sendAnimation',
  'sendMediaGroup',
  'sendVideoNote',
  'sendSticker',
  'sendLocation',
  'sendContact',
  'sendPoll',
  'sendDice',
  'sendInvoice',
  'copyMessage',
  'copyMessages',
  'forwardMessage',
]);

/**
 * A bot's send rate and each chat's, shared by every worker and bot process through Postgres, so adding processes
 * never raises either. Per bot, a token bucket on one row: after a quiet spell up to `perSecond / 2` messages go at
 * once, then `perSecond` a second; in any window of T seconds at most perSecond × (T + 0.5) leave, under Telegram's
 * ~30 × (T + 1). Per chat, a bucket of its own (`chatLimits`, see chat-pacing.ts): a short burst, then ~1/s to a
 * private chat, 20 a minute to a group. A message takes its chat's slot and waits for it before it takes the bot's,
 * so a message held back by its chat never holds a slot of the bot's rate that another chat could use. Each step is
 * one short statement: a message to a chat costs three (chat slot, bot slot, sent), four or five when it waits.
 * The bot's slots are shared by lanes (`withLane`, see bot-slots.ts): an answer to a user goes within about
 * `lanes.scheduledAheadMs` however many lessons wait; `lanes: false` (PRIORITIES=off) keeps one queue for all.
 */
export function createSendPacer(
  sql: Sql,
  perSecond: number,
  chatLimits: ChatLimits = TELEGRAM_CHAT_LIMITS,
  lanes: LaneSettings | false = DEFAULT_LANE_SETTINGS,
) {
  if (!(perSecond > 0)) throw new RangeError(`perSecond must be positive, got ${perSecond}`);
  const chats = createChatPacer(sql, chatLimits);
  const botSlots = createBotSlots(sql, perSecond, lanes);
  let lastSweepAt = Date.now();
  /** Runs `call`, one message to `chatId` (none: the bot's rate only), once its chat's slot and then its bot's come. */
  const pace = async <T>(
    botId: number,
    chatId: number | undefined,
    call: () => Promise<T>,
    signal?: AbortSignalLike,
  ) => {
    if (Date.now() - lastSweepAt >= SWEEP_EVERY_MS) {
      lastSweepAt = Date.now();
      await chats.sweep();
    }
    const chatSlot = chatId === undefined ? undefined : await chats.take(botId, chatId, signal);
    const botWaitMs = await botSlots.take(botId, currentLane(), signal);
    if (chatSlot && botWaitMs > 1) await chats.delayed(chatSlot, botWaitMs);
    await pause(botWaitMs, signal);
    try {
      return await call();
    } finally {
      // Best effort and not awaited: the message has gone, a failure here must not fail (and so repeat) the send, and
      // the caller's record of the send (send-once.ts) should not wait behind this statement: until that record is
      // written, a killed worker sends the message again.
      if (chatSlot) void chats.sent(chatSlot).catch(() => undefined);
    }
  };
  return {
    perSecond,
    chatLimits,
    pace,
    /** Forgets chats whose bucket is full again (also done every minute as messages are sent). */
    sweepIdle: () => chats.sweep(),
    /** Makes every message `api` sends wait for its chat's slot and its bot's. */
    install(api: Api): void {
      const botId = Number(api.token.split(':')[0]);
      api.config.use((prev, method, payload, signal) =>
        PACED_METHODS.has(method)
          ? pace(botId, chatIdOf(payload), () => prev(method, payload, signal), signal)
          : prev(method, payload, signal),
      );
    },
  };
}

/** How often a pacer deletes idle chat rows: they are harmless, only the table's size is at stake. */
const SWEEP_EVERY_MS = 60_000;

/** A numeric chat id; a channel's `@username` is paced by the bot's rate only. */
function chatIdOf(payload: unknown): number | undefined {
  const chatId = typeof payload === 'object' && payload !== null && 'chat_id' in payload ? payload.chat_id : undefined;
  if (typeof chatId === 'number') return chatId;
  return typeof chatId === 'string' && /^-?\d+$/.test(chatId) ? Number(chatId) : undefined;
}

export type SendPacer = ReturnType<typeof createSendPacer>;
