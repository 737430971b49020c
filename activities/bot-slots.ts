import type { Sql } from '../db';
import { pause, throwIfAborted } from '../lib/pause';
import type { AbortSignalLike } from '../lib/pause';
import type { Lane, LaneSettings } from './lanes';

// Half a second's worth of slots may be used at once, not a whole second's: a busy process can send a burst a few
// hundred ms late, right next to the slots that follow it, and Telegram counts arrivals, not reservations.
const BURST_MS = 500;
/**
 * How long a scheduled message that found no slot keeps bulk to its share past the moment it will try again: long
 * enough for a timer that fires late on a busy machine, short enough that bulk has the whole rate back soon after the
 * last scheduled message has gone.
 */
const SCHEDULED_CLAIM_MS = 250;
/** The shortest pause between two tries of a lane's head: no busy loop when its slot is a fraction of a ms away. */
const MIN_RETRY_MS = 2;

/**
 * One bot's rate, per lane, on its row of `send_pacing` (a token bucket shared by every process). An interactive
 * message books the next free slot, however far off. A scheduled or bulk one books only a slot at most
 * `scheduledAheadMs` from now, so an answer is never booked behind more than that; otherwise it leaves the row as it
 * is and tries again when such a slot could be free. While a scheduled message waits, a bulk one also needs its
 * share's turn (`bulk_next_ms`). In each process a lane's messages wait in line and only the first asks Postgres.
 * `lanes: false` (PRIORITIES=off): every message books the next free slot, in the order they ask.
 */
export function createBotSlots(sql: Sql, perSecond: number, lanes: LaneSettings | false) {
  if (lanes && !(lanes.scheduledAheadMs >= 0)) throw new RangeError('scheduledAheadMs must not be negative');
  if (lanes && !(lanes.bulkShare > 0 && lanes.bulkShare <= 1)) throw new RangeError('bulkShare must be in (0, 1]');
  const spacingMs = 1000 / perSecond;

  /** Books the next free slot and resolves with the ms until it. */
  const book = async (botId: number): Promise<number> => {
    const [row] = await sql<{ waitMs: number }[]>`
      with now as (select (extract(epoch from clock_timestamp()) * 1000)::float8 as ms)
      insert into send_pacing as p (bot_id, next_slot_ms)
      select ${botId}, (select ms from now) - ${BURST_MS}::float8 + ${spacingMs}::float8
      on conflict (bot_id) do update
        set next_slot_ms = greatest(p.next_slot_ms, (select ms from now) - ${BURST_MS}::float8) + ${spacingMs}::float8
      returning p.next_slot_ms - ${spacingMs}::float8 - (select ms from now) as wait_ms`;
    return row?.waitMs ?? 0;
  };

  /** Books a near slot if the lane may take it, or says in how many ms to try again; undefined: the bot has no row. */
  const tryBook = async (botId: number, lane: 'scheduled' | 'bulk', settings: LaneSettings) => {
    const [aheadMs, bulk, bulkSpacingMs] = [settings.scheduledAheadMs, lane === 'bulk', spacingMs / settings.bulkShare];
    const [row]: [{ booked: boolean; waitMs: number }?] = await sql`
      with now as (select (extract(epoch from clock_timestamp()) * 1000)::float8 as ms),
      bucket as (
        select bot_id, greatest(next_slot_ms, (select ms from now) - ${BURST_MS}::float8) as free_ms,
               scheduled_waiting_until_ms, scheduled_waiting_until_ms > (select ms from now) as scheduled_waits,
               bulk_next_ms, (select ms from now) as now_ms
        from send_pacing where bot_id = ${botId} for update
      ),
      verdict as (
        select *, free_ms <= now_ms + ${aheadMs}::float8
                  and (not ${bulk}::boolean or not scheduled_waits or bulk_next_ms <= now_ms) as books
        from bucket
      )
      update send_pacing p set
        next_slot_ms = case when v.books then v.free_ms + ${spacingMs}::float8 else p.next_slot_ms end,
        scheduled_waiting_until_ms = case when ${!bulk}::boolean and not v.books
          then greatest(v.scheduled_waiting_until_ms, v.free_ms - ${aheadMs}::float8 + ${SCHEDULED_CLAIM_MS}::float8)
          else v.scheduled_waiting_until_ms end,
        bulk_next_ms = case when ${bulk}::boolean and v.books
          then v.now_ms + ${bulkSpacingMs}::float8 else v.bulk_next_ms end
      from verdict v where p.bot_id = v.bot_id
      returning v.books as booked, case
        when v.books then v.free_ms - v.now_ms
        when ${bulk}::boolean and v.scheduled_waits
          then greatest(v.free_ms - ${aheadMs}::float8, least(v.bulk_next_ms, v.scheduled_waiting_until_ms)) - v.now_ms
        else v.free_ms - ${aheadMs}::float8 - v.now_ms end as wait_ms`;
    return row;
  };

  /** Tries until the lane may book, sleeping until the row says a slot could be there. */
  const bookInLane = async (
    botId: number,
    lane: 'scheduled' | 'bulk',
    settings: LaneSettings,
    signal?: AbortSignalLike,
  ) => {
    for (;;) {
      throwIfAborted(signal);
      const attempt = await tryBook(botId, lane, settings);
      if (!attempt) return book(botId); // no row: an idle bucket, whose slots any lane may take
      if (attempt.booked) return attempt.waitMs;
      await pause(Math.max(attempt.waitMs, MIN_RETRY_MS), signal);
    }
  };

  const lines = new Map<string, Promise<unknown>>();
  /** Runs `task` after every task queued before it under `key` has settled. */
  const inLine = <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const turn = (lines.get(key) ?? Promise.resolve()).then(task);
    lines.set(
      key,
      turn.catch(() => undefined),
    );
    return turn;
  };

  return {
    /** Takes a slot of `botId`'s rate for a message in `lane` and resolves with the ms until it. */
    take(botId: number, lane: Lane, signal?: AbortSignalLike): Promise<number> {
      if (!lanes || lane === 'interactive') return book(botId);
      return inLine(`${botId}:${lane}`, () => bookInLane(botId, lane, lanes, signal));
    },
  };
}
