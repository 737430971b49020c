import type { Sql } from '../db';
import { createAccess } from './access';
import { createBroadcasts } from './broadcasts';
import { createCertificates } from './certificates';
import { inSendLanes } from './activity-lanes';
import { createCohortStore } from './cohorts';
import { createCommissionSteps } from './commissions';
import { failFastOnBrokenRules } from './database-errors';
import { createDelivery } from './delivery';
import { createEnrollmentStore } from './enrollment-store';
import { createQuizzes } from './quizzes';
import { createReview } from './review';
import { createStudentReminders } from './student-reminders';
import type { TelegramBots } from './telegram';

export interface ActivityDeps {
  sql: Sql;
  telegram: TelegramBots;
  adminChatId?: number;
}

/**
 * All activities of the enrollment workflow, built from their dependencies (worker.ts and tests wire real ones). A
 * broken database rule fails its step at once (DatabaseConstraintError) instead of retrying forever; each activity
 * sends in its lane of the bot's rate (ACTIVITY_LANES).
 */
export function createActivities(deps: ActivityDeps) {
  return failFastOnBrokenRules(
    inSendLanes({
      ...createEnrollmentStore(deps),
      ...createCohortStore(deps),
      ...createAccess(deps),
      ...createDelivery(deps),
      ...createReview(deps),
      ...createQuizzes(deps),
      ...createCertificates(deps),
      ...createStudentReminders(deps),
      ...createCommissionSteps(deps),
      ...createBroadcasts(deps),
    }),
  );
}

export type Activities = ReturnType<typeof createActivities>;
export type { EnrollmentPlan } from './enrollment-store';
export type { BroadcastActivities } from './broadcasts';
export { BotBlockedError, NotFoundError, TelegramBadRequestError } from './errors';
export { DATABASE_CONSTRAINT_ERROR } from './database-errors';
export { createTelegramBots } from './telegram';
export type { TelegramBots } from './telegram';
