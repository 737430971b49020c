import { defaultPayloadConverter } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * What a journey's event history says it did: the server's own record, so a test can tell "the journey decided not
 * to act" from "the journey has not got there yet" without sleeping.
 */
async function eventsOf(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  return (await handle.fetchHistory()).events ?? [];
}

/** The first argument of every activity of `activityType` the journey scheduled, oldest first. */
export async function scheduledActivityInputs<T = unknown>(handle: WorkflowHandle, activityType: string): Promise<T[]> {
  return (await eventsOf(handle))
    .map((e) => e.activityTaskScheduledEventAttributes)
    .filter((a) => a?.activityType?.name === activityType)
    .map((a) => defaultPayloadConverter.fromPayload<T>(a!.input!.payloads![0]!));
}

export interface TimerRecord {
  /** Timer duration as scheduled, in ms. */
  ms: number;
  outcome: 'pending' | 'fired' | 'canceled';
}

/** Every durable timer the journey started (sleeps and condition timeouts), with how it ended so far. */
export async function timers(handle: WorkflowHandle): Promise<TimerRecord[]> {
  const events = await eventsOf(handle);
  const ended = new Map<string, TimerRecord['outcome']>();
  for (const e of events) {
    if (e.timerFiredEventAttributes) ended.set(e.timerFiredEventAttributes.timerId!, 'fired');
    if (e.timerCanceledEventAttributes) ended.set(e.timerCanceledEventAttributes.timerId!, 'canceled');
  }
  return events.flatMap((e) => {
    const started = e.timerStartedEventAttributes;
    if (!started) return [];
    const timeout = started.startToFireTimeout;
    const ms = Number(timeout?.seconds ?? 0) * 1000 + Math.round((timeout?.nanos ?? 0) / 1e6);
    return [{ ms, outcome: ended.get(started.timerId!) ?? 'pending' }];
  });
}
