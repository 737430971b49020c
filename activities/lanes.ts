import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A message's lane in its bot's send rate (issue #15): `interactive` answers what a user just did, `scheduled` is the
 * journeys' own sends (lessons, feedback, reminders, completion), `bulk` mass sends. A free slot goes to the highest
 * lane that waits.
 */
export type Lane = 'interactive' | 'scheduled' | 'bulk';

/** How the lanes below `interactive` share the rate (TELEGRAM_SCHEDULED_AHEAD_MS, TELEGRAM_BULK_SHARE). */
export interface LaneSettings {
  /**
   * Scheduled and bulk messages book a slot only this close to now: an answer never waits longer than this (and one
   * spacing) behind them. Their steady rate does not depend on it: the bucket's burst lets a late booking catch up.
   */
  scheduledAheadMs: number;
  /** The most of the slots bulk messages take while scheduled ones wait (0 < share <= 1). */
  bulkShare: number;
}

export const DEFAULT_LANE_SETTINGS: LaneSettings = { scheduledAheadMs: 100, bulkShare: 0.1 };

const currentLaneStore = new AsyncLocalStorage<Lane>();

/** Runs `fn` with every message it sends (through a paced Api) in `lane`. */
export function withLane<T>(lane: Lane, fn: () => T): T {
  return currentLaneStore.run(lane, fn);
}

/** The lane set by the closest `withLane`; a bot's handler answering an update is `interactive`. */
export function currentLane(): Lane {
  return currentLaneStore.getStore() ?? 'interactive';
}
