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

/**
 * How many times the journey ran a step of `activityType`, as an activity or as a local activity (a marker, which
 * records the step's type and result but not its input). Every step in the history has run and been acted on except
 * activities still open.
 */
export async function stepsRun(handle: WorkflowHandle, activityType: string): Promise<number> {
  const events = await eventsOf(handle);
  const remote = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activityType);
  return remote.length + localActivityTypes(events).filter((type) => type === activityType).length;
}

/** The type of each local activity recorded in `events`, oldest first (workflows/activity-steps.ts runs them). */
export function localActivityTypes(events: HistoryEvent[]): string[] {
  return events.flatMap(({ markerRecordedEventAttributes: marker }) => {
    const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0] : undefined;
    if (!data) return [];
    const { activity_type: type } = defaultPayloadConverter.fromPayload<{ activity_type?: string }>(data);
    return type ? [type] : [];
  });
}

/**
 * True when the journey has nothing in flight and nothing due for `forMs`: no activity open, nothing has happened
 * since its last workflow task but that task's own commands, and no timer shorter than `forMs` is pending. It is
 * waiting for a signal or a distant timer.
 */
export async function isQuiet(handle: WorkflowHandle, forMs: number): Promise<boolean> {
  const events = await eventsOf(handle);
  const open = new Set<string>();
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes) open.add(String(e.eventId));
    const closed =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    if (closed) open.delete(String(closed.scheduledEventId));
  }
  const lastTaskDone = events.findLastIndex((e) => e.workflowTaskCompletedEventAttributes);
  const sinceThen = events.slice(lastTaskDone + 1);
  const commandOnly = (e: HistoryEvent) =>
    e.timerStartedEventAttributes ??
    e.upsertWorkflowSearchAttributesEventAttributes ??
    e.workflowPropertiesModifiedEventAttributes ??
    e.markerRecordedEventAttributes;
  const soon = timersOf(events).some((t) => t.outcome === 'pending' && t.ms < forMs);
  return lastTaskDone >= 0 && open.size === 0 && sinceThen.every(commandOnly) && !soon;
}

export interface TimerRecord {
  /** Timer duration as scheduled, in ms. */
  ms: number;
  outcome: 'pending' | 'fired' | 'canceled';
}

/** Every durable timer the journey started (sleeps and condition timeouts), with how it ended so far. */
export async function timers(handle: WorkflowHandle): Promise<TimerRecord[]> {
  return timersOf(await eventsOf(handle));
}

function timersOf(events: HistoryEvent[]): TimerRecord[] {
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
