import { proxyActivities } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { TASK_PRIORITY } from '../journey/definitions';

/**
 * Postgres-only steps: short and idempotent. No attempt cap on purpose: a journey must outlive a database outage,
 * so it retries (every 10 s at most, so a journey resumes within seconds of Postgres' return) until Postgres
 * answers. Missing rows are final (NotFoundError). Every activity heartbeats while it runs (activities/heartbeats.ts):
 * a dead worker's step is retried after `heartbeatTimeout`, not after its whole start-to-close timeout.
 */
export const DATABASE_STEP: ActivityOptions = {
  startToCloseTimeout: '15s',
  heartbeatTimeout: '5s',
  retry: {
    initialInterval: '500ms',
    backoffCoefficient: 2,
    maximumInterval: '10s',
    nonRetryableErrorTypes: ['NotFoundError'],
  },
};

/** Telegram steps: 429 waits Telegram's retry_after (set by the activity), 5xx/network back off, 403 stops at once. */
export const TELEGRAM_STEP: ActivityOptions = {
  startToCloseTimeout: '60s',
  heartbeatTimeout: '5s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    maximumAttempts: 12,
    nonRetryableErrorTypes: ['BotBlockedError', 'TelegramBadRequestError', 'NotFoundError'],
  },
};

/** The journey's Postgres-only activities; each proxy offers only its own, so none runs under the other's policy. */
export type DatabaseActivities = Pick<
  Activities,
  'openEnrollment' | 'recordPayment' | 'recordRefund' | 'recordStage' | 'recordAssignment'
>;

/** The journey's answers to what a student or reviewer just did: the welcome, receipts, feedback, access changes. */
export type ReplyActivities = Pick<
  Activities,
  'grantAccess' | 'grantUpgrade' | 'notifyUnderpaid' | 'revokeAccess' | 'acknowledgeAssignment' | 'deliverFeedback'
>;

/** What the journey sends on its own schedule: lessons, reminders, completion, and a submission to the reviewers. */
export type ScheduledActivities = Pick<
  Activities,
  'deliverLesson' | 'sendReminder' | 'sendCompletion' | 'routeAssignment'
>;

export const db = proxyActivities<DatabaseActivities>(DATABASE_STEP);
/** Telegram steps that answer someone: first in a backlog (TASK_PRIORITY.interactive). */
export const replies = proxyActivities<ReplyActivities>({
  ...TELEGRAM_STEP,
  priority: { priorityKey: TASK_PRIORITY.interactive },
});
/** Telegram steps on the journey's schedule: after the answers and the journeys' own steps in a backlog. */
export const telegram = proxyActivities<ScheduledActivities>({
  ...TELEGRAM_STEP,
  priority: { priorityKey: TASK_PRIORITY.scheduled },
});
