/**
 * Messages of the enrollment workflow, shared by the workflow, the bots, the webhook and tests, so clients never
 * import workflow code. Changing a name here breaks running journeys: add new messages instead.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { LessonGate } from '../domain/gates';
import type { ReminderSettings } from '../domain/reminders';
import type { EnrollmentStage } from '../domain/stages';
import type { Tariff } from '../domain/tariffs';

export type AssignmentStatus = 'submitted' | 'awaiting-review' | 'auto-answered' | 'answered' | 'changes-requested';

/** A piece of a Telegram message a student or reviewer sent: text, or media by the sending bot's file_id. */
export type MessagePart =
  | { type: 'text'; text: string }
  | { type: 'photo' | 'video' | 'document' | 'voice' | 'audio'; fileId: string; caption?: string }
  /** A message in a chat the course bot is in (a student's album photo, a reviewer's voice note): copied as is. */
  | { type: 'message'; chatId: number; messageId: number; kind: string };

export interface EnrollmentInput {
  /** Internal users.id (not the Telegram id: workflow ids are visible to ops). */
  userId: number;
  courseSlug: string;
}

export interface PaymentReceived {
  provider: string;
  /** The provider's own id; a second signal with the same id is ignored. */
  providerPaymentId: string;
  /** Minor units (cents, kopecks; whole stars for XTR). */
  amountMinor: number;
  currency: string;
  tariff: Tariff;
  /**
   * The platform's order this money pays (priced server-side: promo codes, upgrades). Without it the tariff's list
   * price applies.
   */
  order?: { publicId: string; amountMinor: number; currency: string; upgradeFrom: Tariff | null };
  rawEvent?: unknown;
}

export interface PaymentRefunded {
  provider: string;
  providerPaymentId: string;
}

/** When lessons should arrive: the student's IANA time zone and preferred local time ('HH:MM', or null). */
export interface ScheduleChoice {
  timeZone: string;
  preferredLessonTime: string | null;
  /**
   * false when only the time zone changed (/timezone): onboarding keeps waiting for the lesson time. Any other choice
   * (a lesson-time button, /time), and a signal without this field, answers onboarding.
   */
  lessonTimeChosen?: boolean;
}

/**
 * A student's submission, stored by the course bot (table submissions) before the journey hears of it: the signal
 * carries the row's id, so no message contents or chat ids reach the workflow's history (issue #16).
 */
export interface AssignmentSubmitted {
  /** Unique per submission; a repeat is ignored. */
  submissionKey: string;
  day: number;
  /** submissions.id; absent in signals sent before it existed. */
  submissionId?: number;
  /** Only in signals sent before `submissionId` existed, which carried the submission itself. */
  parts?: MessagePart[];
}

/** Approve, or ask for changes (the student may then submit again); a plain reply is neither. */
export type Verdict = 'approved' | 'changes-requested';

/** A reviewer's answer as the review desk takes it; journey/admin-ops.ts stores it and tells the journey its id. */
export interface ReviewerAnswer {
  assignmentId: number;
  reviewerTelegramId: number;
  parts: MessagePart[];
  verdict?: Verdict;
}

/** What a journey is told of a reviewer's answer (submitFeedbackUpdate): the stored answer's id and its verdict. */
export interface FeedbackInput {
  assignmentId: number;
  /** reviewer_answers.id; absent in updates sent before it existed. */
  answerId?: number;
  verdict?: Verdict;
  /** Only in updates sent before `answerId` existed, which carried the answer itself. */
  reviewerTelegramId?: number;
  parts?: MessagePart[];
}

export interface EnrollmentProgress {
  stage: EnrollmentStage;
  tariff: Tariff | null;
  /** Last lesson day reached (delivered or silent); 0 before the first lesson. */
  currentDay: number;
  lessonCount: number;
  lessonsDelivered: number[];
  /** Epoch ms when access was granted; the schedule counts from here. */
  startedAt: number | null;
  nextLessonDueAt: number | null;
  /**
   * The gate the next lesson waits at (#17): lesson `day`'s homework must be `gate` (the tariff's own gate: BASIC's
   * `approved` is `submitted`). Null when no gate holds the journey; absent from journeys before gates.
   */
  gate?: LessonGate | null;
  /** The cohort the student joined (#17) and its start date; null when self-paced; absent before cohorts. */
  cohort?: { name: string; startsOn: string } | null;
  assignments: { id: number; day: number; status: AssignmentStatus }[];
  payments: { providerPaymentId: string; status: 'accepted' | 'underpaid' | 'refunded' }[];
}

export interface EnrollmentResult {
  stage: 'completed' | 'expired' | 'blocked' | 'refunded';
  lessonsDelivered: number[];
}

/** Payment completed at the provider. Idempotent per providerPaymentId; an amount below the tariff price is recorded as underpaid and grants nothing. */
export const paymentReceivedSignal = defineSignal<[PaymentReceived]>('paymentReceived');
/** The money was given back: the journey revokes access (groups included) and ends. Other payments are ignored. */
export const paymentRefundedSignal = defineSignal<[PaymentRefunded]>('paymentRefunded');
/**
 * The student chose a lesson time / time zone (onboarding or settings); it applies from the next lesson on. Only a
 * lesson-time choice ends onboarding's wait (see ScheduleChoice.lessonTimeChosen).
 */
export const scheduleChosenSignal = defineSignal<[ScheduleChoice]>('scheduleChosen');
/** The student pauses the course: no lessons until resumeSignal; the rest of the schedule then moves with them. */
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
/** An admin moves the student to `day`: that lesson comes now, the following ones on the usual rhythm from it. */
export const moveToDaySignal = defineSignal<[{ day: number }]>('moveToDay');
/** Student handed in homework. Ignored before access is granted or when the submissionKey was seen. */
export const assignmentSubmittedSignal = defineSignal<[AssignmentSubmitted]>('assignmentSubmitted');
/** The student can be reached again (unblocked the bot, or ops say so): a blocked journey resumes where it stopped. */
export const studentReturnedSignal = defineSignal('studentReturned');
/**
 * A reviewer opens lesson `day`'s gate by hand (journey/admin-ops.ts audits it): the next lesson comes at the student's
 * next lesson time, as if the homework had passed. Days without a gate, or not reached yet, are remembered.
 */
export const openGateSignal = defineSignal<[{ day: number }]>('openGate');
/**
 * The student set their homework reminders (/reminders, #17): numbers only. From then on pending homework is reminded
 * `perDay` times a day inside their window (0: never); settings that do not validate are ignored.
 */
export const remindersChosenSignal = defineSignal<[ReminderSettings]>('remindersChosen');
/**
 * The course bot recorded the last answer of attempt `attempt` at lesson `day`'s quiz (#17) and scored it from
 * Postgres: `correct` of `total`. Counts and ids only. A repeat of an attempt already scored changes nothing.
 */
export const quizAnsweredSignal =
  defineSignal<[{ day: number; attempt: number; correct: number; total: number }]>('quizAnswered');
/** Reviewer's answer. Rejected (with a reason, nothing changes) for an unknown or already answered assignment. */
export const submitFeedbackUpdate = defineUpdate<{ assignmentId: number }, [FeedbackInput]>('submitFeedback');
export const progressQuery = defineQuery<EnrollmentProgress>('progress');

/** Typed search attributes ops filter journeys by in the Temporal UI. No personal data here, ever. */
export const searchAttributes = {
  stage: defineSearchAttributeKey('EnrollmentStage', SearchAttributeType.KEYWORD),
  tariff: defineSearchAttributeKey('EnrollmentTariff', SearchAttributeType.KEYWORD),
  day: defineSearchAttributeKey('EnrollmentDay', SearchAttributeType.INT),
  course: defineSearchAttributeKey('CourseSlug', SearchAttributeType.KEYWORD),
  /** While the next lesson waits at a lesson's gate: `submitted` or `approved` (EnrollmentDay is the gated lesson). */
  gate: defineSearchAttributeKey('EnrollmentGate', SearchAttributeType.KEYWORD),
  /** The cohort's name, for journeys in a course that runs in cohorts (#17). */
  cohort: defineSearchAttributeKey('EnrollmentCohort', SearchAttributeType.KEYWORD),
} as const;
export const ALL_SEARCH_ATTRIBUTES = Object.values(searchAttributes);

export const ENROLLMENT_WORKFLOW_TYPE = 'enrollmentWorkflow';

/**
 * Temporal task priority keys (1 runs first; a server's default is 3): when a task queue has a backlog, the answer to
 * a student's own action (the welcome after a payment, a submission's receipt) goes before the journeys' own steps,
 * and those before the scheduled sends (lessons, reminders, completion, feedback), so a payment is not queued behind
 * a fan-out of lessons. The send pacer's lanes (activities/activity-lanes.ts) sort the same steps the same way. Honoured by Temporal servers from 1.29 on (the dev server of `npm start`
 * included); older servers ignore it. `bulk` is for mass sends (broadcasts) when they exist.
 */
export const TASK_PRIORITY = { interactive: 1, journey: 2, scheduled: 3, bulk: 5 } as const;
/**
 * The workflow's signature as clients start it by name, so they never import workflow code (a test checks that
 * workflows/enrollment.ts keeps to it).
 */
export type EnrollmentWorkflow = (input: EnrollmentInput) => Promise<EnrollmentResult>;

/** The one place an enrollment's workflow id is built: starting the same (course, user) twice is "already enrolled". */
export function enrollmentWorkflowId(input: EnrollmentInput): string {
  if (!Number.isSafeInteger(input.userId) || input.userId <= 0) throw new RangeError(`Bad userId: ${input.userId}`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(input.courseSlug)) throw new RangeError(`Bad course slug: ${input.courseSlug}`);
  return `enrollment-${input.courseSlug}-${input.userId}`;
}

/**
 * A broadcast (#18): the broadcasts row's id, and where a run that continued as new picks up. Ids only: the message,
 * the audience and the recipients stay in Postgres (issue #16).
 */
export interface BroadcastInput {
  broadcastId: number;
  /** users.id of the last recipient handled; the next run starts after it. Absent in the first run. */
  afterUserId?: number;
  /** Paused when the previous run ended. */
  paused?: boolean;
  /**
   * Recipients a batch takes at most, how long it may send before it hands back (so Pause takes effect), and how many
   * batches a run takes before it continues as new (a default when absent).
   */
  batch?: { size: number; maxMs: number; perRun?: number };
}
export interface BroadcastResult {
  outcome: 'finished' | 'cancelled';
}
/** Stops sending after the batch in flight; the status message says so. A paused broadcast waits for resume or cancel. */
export const pauseBroadcastSignal = defineSignal('pauseBroadcast');
export const resumeBroadcastSignal = defineSignal('resumeBroadcast');
/** Ends the broadcast after the batch in flight, with a final report. */
export const cancelBroadcastSignal = defineSignal('cancelBroadcast');
export const BROADCAST_WORKFLOW_TYPE = 'broadcastWorkflow';
export type BroadcastWorkflow = (input: BroadcastInput) => Promise<BroadcastResult>;
/** One workflow per broadcasts row: a second start of the same broadcast is refused. */
export function broadcastWorkflowId(broadcastId: number): string {
  if (!Number.isSafeInteger(broadcastId) || broadcastId <= 0) throw new RangeError(`Bad broadcastId: ${broadcastId}`);
  return `broadcast-${broadcastId}`;
}
