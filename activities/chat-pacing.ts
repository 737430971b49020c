import type { Sql } from '../db';
import { pause } from '../lib/pause';
import type { AbortSignalLike } from '../lib/pause';

/** Telegram's per-chat flood limits as the pacer keeps them (TELEGRAM_CHAT_* and TELEGRAM_GROUP_* in config). */
export interface ChatLimits {
  /** Messages a private chat may get back to back before `chatPerSecond` applies. */
  chatBurst: number;
  chatPerSecond: number;
  /** The same for a group, supergroup or channel (a negative chat id). */
  groupBurst: number;
  groupPerMinute: number;
}

/** About 1 a second per private chat after a short burst, 20 a minute per group (the stand-in's model of Telegram). */
export const TELEGRAM_CHAT_LIMITS: ChatLimits = { chatBurst: 3, chatPerSecond: 1, groupBurst: 20, groupPerMinute: 20 };

/** A message's place in its chat's bucket (`burst` at once, then one every `spacingMs`). */
export interface ChatSlot {
  botId: number;
  chatId: number;
  burst: number;
  spacingMs: number;
  /** When the bucket is full again after this message, and the chat's shift then (epoch ms in Postgres' clock). */
  fullAtMs: number;
  shiftMs: number;
}

/**
 * Per-chat flood limits shared by every process through Postgres (`chat_pacing`, one row per chat messaged in the
 * last seconds): a generic cell rate algorithm per chat. A slot is computed from when earlier messages were cleared
 * to go, but they may reach Telegram later (a wait for the bot's rate, a slow network, a burst queued in the HTTP
 * client): each message reports when it really went (`delayed`, `sent`), and if that is later than its slot, the
 * chat's schedule, with every message already placed after it, moves back by the difference (its shift, kept as a
 * maximum, not a sum). Messages still waiting for their slot wait that much longer.
 */
export function createChatPacer(sql: Sql, limits: ChatLimits) {
  for (const [name, value] of Object.entries(limits)) {
    if (!(value > 0)) throw new RangeError(`${name} must be positive, got ${value}`);
  }
  if (limits.chatBurst < 1 || limits.groupBurst < 1) throw new RangeError('a burst must allow at least 1 message');

  /** Takes the chat's next slot; an idle chat (bucket full) starts afresh, its shift forgotten. */
  const reserve = async (botId: number, chatId: number): Promise<ChatSlot & { waitMs: number }> => {
    const [burst, spacingMs] =
      chatId < 0
        ? [limits.groupBurst, 60_000 / limits.groupPerMinute]
        : [limits.chatBurst, 1000 / limits.chatPerSecond];
    const aheadMs = burst * spacingMs; // a message may go with (burst - 1) spacings booked ahead, plus its own
    const [row] = await sql<{ waitMs: number; fullAtMs: number; shiftMs: number }[]>`
      with now as (select (extract(epoch from clock_timestamp()) * 1000)::float8 as ms)
      insert into chat_pacing as c (bot_id, chat_id, full_at_ms, shift_ms)
      select ${botId}, ${chatId}, (select ms from now) + ${spacingMs}::float8, 0
      on conflict (bot_id, chat_id) do update
        set full_at_ms = greatest(c.full_at_ms, (select ms from now)) + ${spacingMs}::float8,
            shift_ms = case when c.full_at_ms < (select ms from now) then 0 else c.shift_ms end
      returning c.full_at_ms - ${aheadMs}::float8 - (select ms from now) as wait_ms, c.full_at_ms, c.shift_ms`;
    return { botId, chatId, burst, spacingMs, ...row! };
  };

  /** The message of `slot` reaches Telegram `inMs` from now at the latest: move the schedule back if it must. */
  const went = async (slot: ChatSlot, inMs: number): Promise<void> => {
    await sql`
      with now as (select (extract(epoch from clock_timestamp()) * 1000)::float8 as ms),
      needed as (
        select (select ms from now) + ${inMs + slot.spacingMs}::float8 as full_at_ms,
          (select ms from now) + ${slot.shiftMs + inMs + slot.spacingMs - slot.fullAtMs}::float8 as shift_ms
      )
      insert into chat_pacing as c (bot_id, chat_id, full_at_ms, shift_ms)
      select ${slot.botId}, ${slot.chatId}, full_at_ms, 0 from needed
      on conflict (bot_id, chat_id) do update
        set full_at_ms = c.full_at_ms + (select shift_ms from needed) - c.shift_ms,
            shift_ms = (select shift_ms from needed)
        where c.shift_ms < (select shift_ms from needed)`;
  };

  return {
    /** Resolves at the message's slot in its chat, later if messages before it turn out to have gone late. */
    async take(botId: number, chatId: number, signal?: AbortSignalLike): Promise<ChatSlot> {
      const { waitMs: firstWaitMs, ...slot } = await reserve(botId, chatId);
      let [waitMs, knownShiftMs] = [firstWaitMs, slot.shiftMs];
      for (let round = 0; waitMs > 1 && round < 10; round++) {
        await pause(waitMs, signal);
        const [row]: [{ shiftMs: number }?] = await sql`
          select shift_ms from chat_pacing where bot_id = ${botId} and chat_id = ${chatId}`;
        [waitMs, knownShiftMs] = [(row?.shiftMs ?? 0) - knownShiftMs, Math.max(row?.shiftMs ?? 0, knownShiftMs)];
      }
      return slot;
    },
    /** The message will go `inMs` after its slot: the bot's rate holds it back. */
    delayed: (slot: ChatSlot, inMs: number) => went(slot, inMs),
    /** Telegram has answered the message, so it arrived by now. */
    sent: (slot: ChatSlot) => went(slot, 0),
    /** Deletes the rows of chats whose bucket is full again: an absent row means the same, so nothing is lost. */
    async sweep(): Promise<number> {
      const deleted = await sql`
        delete from chat_pacing where full_at_ms < (extract(epoch from clock_timestamp()) * 1000)::float8`;
      return deleted.count;
    },
  };
}

export type ChatPacer = ReturnType<typeof createChatPacer>;
