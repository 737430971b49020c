import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { BroadcastActivities } from '../activities';
import {
  TASK_PRIORITY,
  cancelBroadcastSignal,
  pauseBroadcastSignal,
  resumeBroadcastSignal,
} from '../journey/definitions';
import type { BroadcastInput, BroadcastResult, BroadcastWorkflow } from '../journey/definitions';

/** Retried through outages of Postgres and Telegram, without an attempt cap; a missing row is final. */
const BROADCAST_RETRY = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  nonRetryableErrorTypes: ['NotFoundError'],
};

/** The review chat's status message and report: short Telegram steps, retried through outages; a missing row is final. */
const status = proxyActivities<Pick<BroadcastActivities, 'openBroadcast' | 'showBroadcast'>>({
  startToCloseTimeout: '60s',
  heartbeatTimeout: '10s',
  retry: BROADCAST_RETRY,
  priority: { priorityKey: TASK_PRIORITY.bulk },
});
/**
 * A batch: bounded by its own maxMs plus the bulk lane's waits, heartbeating all along, so a dead worker's batch is
 * retried within seconds (the retry skips recipients that have an outcome). No attempt cap: a broadcast outlives an
 * outage of Postgres or Telegram.
 */
const batches = proxyActivities<Pick<BroadcastActivities, 'sendBroadcastBatch'>>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '10s',
  retry: BROADCAST_RETRY,
  priority: { priorityKey: TASK_PRIORITY.bulk },
});

/** Batches one run takes before it continues as new: every run's history stays a few hundred events. */
const BATCHES_PER_RUN = 40;
const DEFAULT_BATCH: NonNullable<BroadcastInput['batch']> = { size: 500, maxMs: 2_000 };

/**
 * A broadcast (#18): the reviewer's message copied to every recipient of its audience once, batch by batch in users.id
 * order (the cursor is the only thing carried between batches and runs), in the bulk lane. Pause and Cancel take
 * effect after the batch in flight; the status message in the review chat follows every batch.
 */
export const broadcastWorkflow: BroadcastWorkflow = async (input: BroadcastInput): Promise<BroadcastResult> => {
  const { broadcastId } = input;
  const batch = input.batch ?? DEFAULT_BATCH;
  let paused = input.paused ?? false;
  let cancelled = false;
  setHandler(pauseBroadcastSignal, () => void (paused = true));
  setHandler(resumeBroadcastSignal, () => void (paused = false));
  setHandler(cancelBroadcastSignal, () => void (cancelled = true));

  if (input.afterUserId === undefined) await status.openBroadcast({ broadcastId });
  let cursor: number = input.afterUserId ?? 0;
  for (let taken = 0; ; taken++) {
    if (paused && !cancelled) {
      await status.showBroadcast({ broadcastId, state: 'paused' });
      await condition(() => !paused || cancelled);
      if (!cancelled) await status.showBroadcast({ broadcastId, state: 'running' });
    }
    if (cancelled) {
      await status.showBroadcast({ broadcastId, state: 'cancelled' });
      return { outcome: 'cancelled' };
    }
    if (taken >= (batch.perRun ?? BATCHES_PER_RUN) || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<BroadcastWorkflow>({ broadcastId, afterUserId: cursor, paused, batch });
    }
    const result: { lastUserId: number; done: boolean } = await batches.sendBroadcastBatch({
      broadcastId,
      afterUserId: cursor,
      ...batch,
    });
    cursor = result.lastUserId;
    if (result.done) {
      await status.showBroadcast({ broadcastId, state: 'finished' });
      return { outcome: 'finished' };
    }
    if (!paused && !cancelled) await status.showBroadcast({ broadcastId, state: 'running' });
  }
};
