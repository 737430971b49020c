import { log, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { searchAttributes } from '../journey/definitions';
import { db } from './activity-steps';
import type { JourneyState } from './journey-state';

/**
 * Mirrors the journey's state where people look: the Temporal UI's details and search attributes at once, and a
 * changed stage into Postgres for bots and reports. Handlers and the journey's steps both write, and their writes
 * may land out of order, so each carries the next number of a sequence and Postgres keeps only the newest.
 * `planned` waits for openEnrollment's plan (openEnrollment itself writes the first stage, 'awaiting-payment').
 */
export function createStageSync(
  state: JourneyState,
  planned: () => Promise<{ enrollmentId: number }>,
): () => Promise<void> {
  let synced = state.stage;
  let upserted = '';
  let shownGate: string | null = null;
  let seq = 0;
  return async function syncStage(): Promise<void> {
    setCurrentDetails(state.details());
    const stage = state.stage;
    const gate = state.atGate?.gate ?? null;
    const attributes = `${stage}|${state.currentDay}|${state.paidTariff}|${gate}`;
    if (attributes !== upserted) {
      upserted = attributes;
      // The gate only when it changed (null removes it): a journey that never meets one upserts what it did before.
      const gateChanged = gate !== shownGate;
      shownGate = gate;
      upsertSearchAttributes([
        { key: searchAttributes.stage, value: stage },
        { key: searchAttributes.day, value: state.currentDay },
        ...(state.paidTariff ? [{ key: searchAttributes.tariff, value: state.paidTariff }] : []),
        ...(gateChanged ? [{ key: searchAttributes.gate, value: gate }] : []),
      ]);
    }
    if (stage === synced) return;
    synced = stage;
    const write = ++seq;
    const { enrollmentId } = await planned();
    log.info('Journey stage changed', { enrollmentId, stage, day: state.currentDay, tariff: state.paidTariff });
    await db.recordStage({
      enrollmentId,
      stage,
      currentDay: state.currentDay,
      reason: state.unreachableReason,
      seq: write,
    });
  };
}
