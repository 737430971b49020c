import type { Activities } from '.';
import { aroundEach } from './around-each';
import { withLane } from './lanes';
import type { Lane } from './lanes';

/**
 * The send lane of each activity that messages someone (issue #15): the answers to what a student just did (the
 * welcome after a payment, an upgrade, an underpayment, a submission's receipt, a refund) are interactive; what the
 * journey sends on its own schedule (lessons, feedback, reminders, completion, a submission routed to the reviewers)
 * is scheduled, so a fan-out of lessons never delays an answer by more than TELEGRAM_SCHEDULED_AHEAD_MS. An activity
 * not listed sends nothing, or sends as interactive.
 */
export const ACTIVITY_LANES = {
  grantAccess: 'interactive',
  grantUpgrade: 'interactive',
  notifyUnderpaid: 'interactive',
  acknowledgeAssignment: 'interactive',
  revokeAccess: 'interactive',
  deliverLesson: 'scheduled',
  deliverFeedback: 'scheduled',
  sendReminder: 'scheduled',
  sendStudentReminder: 'scheduled',
  sendCompletion: 'scheduled',
  routeAssignment: 'scheduled',
  sendQuiz: 'scheduled',
  issueCertificate: 'scheduled',
  sendBroadcastBatch: 'bulk',
} as const satisfies Partial<Record<keyof Activities, Lane>>;

const laneByActivity = new Map<string, Lane>(Object.entries(ACTIVITY_LANES));

/** The same activities, each sending in its lane of ACTIVITY_LANES. */
export function inSendLanes<T extends object>(activities: T): T {
  return aroundEach(activities, (name, call) => withLane(laneByActivity.get(name) ?? 'interactive', call));
}
