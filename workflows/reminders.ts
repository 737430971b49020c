import { CancellationScope, isCancellation, log, sleep } from '@temporalio/workflow';
import type { ScheduleChoice } from '../journey/definitions';
import { localTimeOf, withinPreferredHours } from '../domain/schedule';
import { isReviewed } from '../domain/tariffs';
import type { JourneyState } from './journey-state';

export interface Reminders {
  /** After lesson `day`, one reminder `afterMs` later (moved into the student's preferred hours). */
  schedule(day: number, startedAt: number): void;
  /** The day's assignment was handed in: its reminder never fires. */
  cancel(day: number): void;
  cancelAll(): void;
}

/**
 * Homework reminders for reviewed tariffs: a durable timer per lesson, each in its own cancellation scope, so a
 * submission (or the end of the journey) cancels it. The preferred hours are the 12 hours from the student's lesson
 * time (or, without one, from the time of day the course started).
 */
export function createReminders(options: {
  state: JourneyState;
  afterMs: number;
  schedule: () => ScheduleChoice;
  send: (day: number) => Promise<void>;
}): Reminders {
  const scopes = new Map<number, CancellationScope>();
  return {
    schedule(day, startedAt) {
      const { paidTariff } = options.state;
      if (options.afterMs <= 0 || (paidTariff !== null && !isReviewed(paidTariff)) || scopes.has(day)) return;
      const { timeZone, preferredLessonTime } = options.schedule();
      const at = withinPreferredHours(
        Date.now() + options.afterMs,
        preferredLessonTime ?? localTimeOf(startedAt, timeZone),
        timeZone,
      );
      const scope = new CancellationScope();
      scopes.set(day, scope);
      void scope
        .run(async () => {
          await sleep(at - Date.now());
          await options.send(day);
        })
        .catch((err: unknown) => {
          if (!isCancellation(err)) log.warn('Reminder not sent', { day, error: String(err) });
        })
        .finally(() => scopes.delete(day));
    },
    cancel(day) {
      scopes.get(day)?.cancel();
    },
    cancelAll() {
      for (const scope of scopes.values()) scope.cancel();
    },
  };
}
