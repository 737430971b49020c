import { patched, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
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
  'openEnrollment' | 'recordPayment' | 'recordRefund' | 'recordStage' | 'recordAssignment' | 'joinCohort'
>;

/** The journey's answers to what a student just did: the welcome, an upgrade, receipts, access changes. */
export type ReplyActivities = Pick<
  Activities,
  'grantAccess' | 'grantUpgrade' | 'notifyUnderpaid' | 'revokeAccess' | 'acknowledgeAssignment'
>;

/**
 * What the journey sends on its own schedule or passes on: lessons, reminders, completion, a submission to the
 * reviewers and their feedback to the student (the review desk itself answers the reviewer at once).
 */
export type ScheduledActivities = Pick<
  Activities,
  | 'deliverLesson'
  | 'sendReminder'
  | 'sendCompletion'
  | 'routeAssignment'
  | 'deliverFeedback'
  | 'issueCertificate'
  | 'sendStudentReminder'
  | 'sendQuiz'
>;

/**
 * The same steps as local activities: run by the worker that runs the journey's workflow task, inside that task, so a
 * step costs no round trip through the server (no activity task to queue and match, no workflow task after it).
 * Before this, a paid journey needed three workflow tasks and three activity tasks before its welcome; now one
 * workflow task runs openEnrollment and recordPayment and the welcome itself (LOCAL_TELEGRAM_STEP below). The retry
 * policy is DATABASE_STEP's; a backoff over `localRetryThreshold` becomes a timer, so an outage does not hold the
 * task open.
 */
export const LOCAL_DATABASE_STEP: LocalActivityOptions = {
  startToCloseTimeout: DATABASE_STEP.startToCloseTimeout,
  retry: DATABASE_STEP.retry,
  localRetryThreshold: '10s',
};

/** Journeys that ran their Postgres steps as (remote) activities keep doing so on replay. */
export const LOCAL_DATABASE_STEPS_PATCH = 'database-steps-local';

const remoteDatabaseSteps = proxyActivities<DatabaseActivities>(DATABASE_STEP);
const localDatabaseSteps = proxyLocalActivities<DatabaseActivities>(LOCAL_DATABASE_STEP);
const databaseSteps = () => (patched(LOCAL_DATABASE_STEPS_PATCH) ? localDatabaseSteps : remoteDatabaseSteps);

/** The journey's Postgres steps; each call picks the local or the remote form (see LOCAL_DATABASE_STEPS_PATCH). */
export const db: DatabaseActivities = {
  openEnrollment: (input) => databaseSteps().openEnrollment(input),
  recordPayment: (input) => databaseSteps().recordPayment(input),
  recordRefund: (input) => databaseSteps().recordRefund(input),
  recordStage: (input) => databaseSteps().recordStage(input),
  recordAssignment: (input) => databaseSteps().recordAssignment(input),
  joinCohort: (input) => databaseSteps().joinCohort(input),
};

/**
 * A step's priority key, when its journey has one: a journey started with PRIORITIES=off (journey/client.ts) has
 * none, and its steps then take the server's default, so everything runs in arrival order for comparison.
 */
function prioritised(priorityKey: number): Pick<ActivityOptions, 'priority'> {
  return workflowInfo().priority?.priorityKey ? { priority: { priorityKey } } : {};
}

const replySteps = () =>
  proxyActivities<ReplyActivities>({ ...TELEGRAM_STEP, ...prioritised(TASK_PRIORITY.interactive) });
const scheduledSteps = () =>
  proxyActivities<ScheduledActivities>({ ...TELEGRAM_STEP, ...prioritised(TASK_PRIORITY.scheduled) });

/**
 * The answers as local activities (issue #15): the welcome, an upgrade, an underpayment and a submission's receipt
 * go out from the workflow task that decides them, so a payment reaches its welcome in one round trip through the
 * server, and an answer never waits for a free activity slot behind lessons queued in the send pacer (local
 * activities have their own slots on the worker). TELEGRAM_STEP's retry policy; a backoff over `localRetryThreshold`
 * (a 429's retry_after, a network outage) becomes a timer, so a long wait does not hold the task open. Sends stay
 * once-only by their business keys when the task is retried on another worker. A refund's revocation (a ban and an
 * unban per group) stays a remote activity: nobody waits on it in the moment.
 */
export const LOCAL_TELEGRAM_STEP: LocalActivityOptions = {
  startToCloseTimeout: TELEGRAM_STEP.startToCloseTimeout,
  retry: TELEGRAM_STEP.retry,
  localRetryThreshold: '10s',
};

/** Journeys that sent their answers as (remote) activities keep doing so on replay. */
export const LOCAL_REPLIES_PATCH = 'replies-local';

type LocalReplyActivities = Omit<ReplyActivities, 'revokeAccess'>;
const localReplySteps = proxyLocalActivities<LocalReplyActivities>(LOCAL_TELEGRAM_STEP);
const answerSteps = (): LocalReplyActivities => (patched(LOCAL_REPLIES_PATCH) ? localReplySteps : replySteps());

/**
 * The key the answer lowers the journey to once it has gone out (activities/journey-priority.ts): a remote answer
 * reads it from its own task's key; a local one has none, so the journey says it has priorities on.
 */
const settling = () => (workflowInfo().priority?.priorityKey ? { journeyPriority: TASK_PRIORITY.interactive } : {});

/** Telegram steps that answer someone: at once, from the deciding workflow task, or first in a backlog. */
export const replies: ReplyActivities = {
  grantAccess: (input) => answerSteps().grantAccess({ ...input, ...settling() }),
  grantUpgrade: (input) => answerSteps().grantUpgrade(input),
  notifyUnderpaid: (input) => answerSteps().notifyUnderpaid(input),
  revokeAccess: (input) => replySteps().revokeAccess(input),
  acknowledgeAssignment: (input) => answerSteps().acknowledgeAssignment({ ...input, ...settling() }),
};

/** Telegram steps on the journey's schedule: after the answers and the journeys' own steps in a backlog. */
export const telegram: ScheduledActivities = {
  deliverLesson: (input) => scheduledSteps().deliverLesson(input),
  sendReminder: (input) => scheduledSteps().sendReminder(input),
  sendCompletion: (input) => scheduledSteps().sendCompletion(input),
  routeAssignment: (input) => scheduledSteps().routeAssignment(input),
  deliverFeedback: (input) => scheduledSteps().deliverFeedback(input),
  sendQuiz: (input) => scheduledSteps().sendQuiz(input),
  issueCertificate: (input) => scheduledSteps().issueCertificate(input),
  sendStudentReminder: (input) => scheduledSteps().sendStudentReminder(input),
};
