import type { Api } from 'grammy';
import type { Sql } from '../db';

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
  'forwardMessage',
]);

/**
 * A bot's send rate, shared by every worker and bot process through Postgres: each message reserves the bot's next
 * free slot (one row per bot) and waits for it, so adding processes never raises the rate. A token bucket: after a
 * quiet second up to `perSecond` messages go at once, then `perSecond` a second; so in any window of T seconds at
 * most perSecond × (T + 1) leave, under Telegram's ~30 × (T + 1). A reservation is one short UPDATE; how far ahead
 * slots go is bounded by the processes' concurrency.
 */
export function createSendPacer(sql: Sql, perSecond: number) {
  if (!(perSecond > 0)) throw new RangeError(`perSecond must be positive, got ${perSecond}`);
  const spacingMs = 1000 / perSecond;
  const burstMs = 1000; // a second's worth of slots may be used at once
  /** Resolves at this bot's next free slot, which it takes. */
  const slot = async (botId: number): Promise<void> => {
    const [row] = await sql<{ waitMs: number }[]>`
        with now as (select (extract(epoch from clock_timestamp()) * 1000)::float8 as ms)
        insert into send_pacing as p (bot_id, next_slot_ms)
        select ${botId}, (select ms from now) - ${burstMs}::float8 + ${spacingMs}::float8
        on conflict (bot_id) do update
          set next_slot_ms = greatest(p.next_slot_ms, (select ms from now) - ${burstMs}::float8) + ${spacingMs}::float8
        returning p.next_slot_ms - ${spacingMs}::float8 - (select ms from now) as wait_ms`;
    const waitMs = row?.waitMs ?? 0;
    if (waitMs > 1) await new Promise((resolve) => setTimeout(resolve, waitMs));
  };
  return {
    perSecond,
    slot,
    /** Makes every message `api` sends wait for its slot. */
    install(api: Api): void {
      const botId = Number(api.token.split(':')[0]);
      api.config.use(async (prev, method, payload, signal) => {
        if (PACED_METHODS.has(method)) await slot(botId);
        return prev(method, payload, signal);
      });
    },
  };
}

export type SendPacer = ReturnType<typeof createSendPacer>;
