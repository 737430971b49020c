import { temporal } from '@temporalio/proto';
import { enrollmentWorkflowId } from '../../journey/definitions';
import { inParallel, summary } from '../stats';
import type { Cluster } from './cluster';
import { CHAOS_COURSE } from './cluster';
import type { Journey } from './journeys';

const { TimeoutType } = temporal.api.enums.v1;
const timeoutName = (type: number | null | undefined) =>
  type === TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START
    ? 'scheduleToStart'
    : type === TimeoutType.TIMEOUT_TYPE_HEARTBEAT
      ? 'heartbeat'
      : type === TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE
        ? 'startToClose'
        : 'other';

/**
 * Where the journeys' time went, from their histories: workflow tasks that timed out (schedule-to-start: queued on
 * the sticky queue of a worker that died; start-to-close: a worker that took one and died), how many attempts the
 * activities took (a history records only an activity's last attempt, with its number), and how long tasks waited.
 */
export async function historyProfile(cluster: Cluster, journeys: Journey[]) {
  const workflowTaskTimeouts: Record<string, number> = {};
  const attempts: number[] = [];
  const taskQueuedMs: number[] = [];
  const activityQueuedMs: number[] = [];
  await inParallel(journeys, 8, async (j) => {
    const id = enrollmentWorkflowId({ userId: j.userId, courseSlug: CHAOS_COURSE });
    const history = await cluster.client.workflow.getHandle(id).fetchHistory();
    const at = new Map<number, number>();
    for (const e of history.events ?? []) {
      const time = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
      at.set(Number(e.eventId), time);
      const wfTimeout = e.workflowTaskTimedOutEventAttributes;
      if (wfTimeout) bump(workflowTaskTimeouts, timeoutName(wfTimeout.timeoutType));
      const wfStarted = e.workflowTaskStartedEventAttributes;
      if (wfStarted) taskQueuedMs.push(time - at.get(Number(wfStarted.scheduledEventId))!);
      const aStarted = e.activityTaskStartedEventAttributes;
      if (aStarted) {
        activityQueuedMs.push(time - at.get(Number(aStarted.scheduledEventId))!);
        attempts.push(aStarted.attempt ?? 1);
      }
    }
  });
  return {
    workflowTaskTimeouts,
    activities: { total: attempts.length, retried: attempts.filter((n) => n > 1).length, attempts: summary(attempts) },
    workflowTaskQueuedMs: summary(taskQueuedMs),
    activityQueuedMs: summary(activityQueuedMs),
  };
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export type HistoryProfile = Awaited<ReturnType<typeof historyProfile>>;
