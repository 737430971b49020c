import type { ActivityDeps } from '.';
import { sendBroadcastBatch } from './broadcast-batch';
import type { BroadcastBatchInput } from './broadcast-batch';
import { openBroadcast, showBroadcast } from './broadcast-status';
import type { BroadcastState } from './broadcast-status';

/**
 * The broadcast workflow's activities (#18), through the course bot: each takes the broadcast's row id and looks the
 * rest up. Idempotent: copies, the status message and the report are keyed in sent_messages, outcomes are one row per
 * recipient. The batch sends in the bulk lane (ACTIVITY_LANES).
 */
export function createBroadcasts({ sql, telegram, adminChatId }: ActivityDeps) {
  return {
    openBroadcast: ({ broadcastId }: { broadcastId: number }) =>
      openBroadcast(sql, telegram.course, adminChatId, broadcastId),
    sendBroadcastBatch: (input: BroadcastBatchInput) => sendBroadcastBatch(sql, telegram.course, input),
    showBroadcast: (input: { broadcastId: number; state: BroadcastState }) =>
      showBroadcast(sql, telegram.course, adminChatId, input),
  };
}

export type BroadcastActivities = ReturnType<typeof createBroadcasts>;
