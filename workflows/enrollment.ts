import {
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { Activities, EnrollmentPlan } from '../activities';
import {
  assignmentSubmittedSignal,
  paymentReceivedSignal,
  paymentRefundedSignal,
  progressQuery,
  moveToDaySignal,
  pauseSignal,
  resumeSignal,
  scheduleChosenSignal,
  searchAttributes,
  studentReturnedSignal,
  submitFeedbackUpdate,
} from '../lib/enrollment-definitions';
import type {
  AssignmentSubmitted,
  PaymentRefunded,
  EnrollmentInput,
  EnrollmentResult,
  PaymentReceived,
} from '../lib/enrollment-definitions';
import { lessonDueAt } from '../lib/schedule';
import { JourneyState } from './journey-state';
import type { AssignmentEntry } from './journey-state';
import { createReminders } from './reminders';
import { createStudentLine } from './student-line';

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
  heartbeatTimeout: '10s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    maximumAttempts: 12,
    nonRetryableErrorTypes: ['BotBlockedError', 'TelegramBadRequestError', 'NotFoundError'],
  },
};

const db = proxyActivities<Activities>(DATABASE_STEP);
const telegram = proxyActivities<Activities>(TELEGRAM_STEP);

/**
 * One student's journey through one course: payment, access, a lesson per interval, homework and feedback.
 * Every side effect is an idempotent activity; the workflow itself only decides and waits.
 */
export async function enrollmentWorkflow(input: EnrollmentInput): Promise<EnrollmentResult> {
  const state = new JourneyState();
  let plan: EnrollmentPlan | undefined;
  /** Handlers may run before openEnrollment returns; they wait for the plan (nothing is lost meanwhile). */
  const planned = async (): Promise<EnrollmentPlan> => {
    await condition(() => plan !== undefined);
    return plan!;
  };
  let syncedStage = state.stage; // openEnrollment writes 'awaiting-payment'
  let dayOffset = 0;

  let upserted = '';
  const syncStage = async (): Promise<void> => {
    setCurrentDetails(state.details());
    const stage = state.stage;
    const attributes = `${stage}|${state.currentDay}|${state.paidTariff}`;
    if (attributes !== upserted) {
      upserted = attributes;
      upsertSearchAttributes([
        { key: searchAttributes.stage, value: stage },
        { key: searchAttributes.day, value: state.currentDay },
        ...(state.paidTariff ? [{ key: searchAttributes.tariff, value: state.paidTariff }] : []),
      ]);
    }
    if (stage === syncedStage) return;
    syncedStage = stage;
    const { enrollmentId } = await planned();
    log.info('Journey stage changed', { enrollmentId, stage, day: state.currentDay, tariff: state.paidTariff });
    await db.recordStage({ enrollmentId, stage, currentDay: state.currentDay, reason: state.unreachableReason });
  };
  const student = createStudentLine(state, syncStage, (lateByMs) => {
    // A returning student resumes with the missed lesson now; the rest move by whole intervals, none skipped.
    dayOffset += Math.floor(lateByMs / plan!.intervalMs);
  });

  // Handlers first: a query, signal or update that comes with the start never finds the journey deaf.
  setHandler(progressQuery, () => state.progress());
  setHandler(studentReturnedSignal, () => void state.returns++);
  setHandler(paymentReceivedSignal, (payment) => handlePayment(payment));
  setHandler(paymentRefundedSignal, (refund) => handleRefund(refund));
  setHandler(scheduleChosenSignal, (choice) => {
    state.schedule = choice;
    state.scheduleVersion++;
    if (choice.lessonTimeChosen !== false) state.lessonTimeChosen = true;
  });
  setHandler(pauseSignal, async () => {
    // Only lessons pause: before access or after the last lesson there is nothing to hold back.
    const lessonsLeft = state.accessGranted && state.currentDay < state.lessonCount && !state.ended;
    if (!lessonsLeft || state.pausedAt !== null) return;
    state.pausedAt = Date.now();
    await syncStage();
  });
  setHandler(moveToDaySignal, ({ day }) => {
    if (Number.isInteger(day) && day >= 1 && day <= state.lessonCount && state.accessGranted) state.moveTo = day;
  });
  setHandler(resumeSignal, async () => {
    if (state.pausedAt === null) return;
    state.pausedAt = null;
    await syncStage();
  });
  setHandler(assignmentSubmittedSignal, (submission) => handleSubmission(submission));
  setHandler(
    submitFeedbackUpdate,
    (feedback) => {
      // The validator guarantees the entry exists and waits for review.
      state.assignments.get(feedback.assignmentId)!.feedback = feedback;
      return { assignmentId: feedback.assignmentId };
    },
    {
      validator: (feedback) => {
        const why = state.feedbackRejection(feedback.assignmentId);
        if (why) throw new Error(why);
      },
    },
  );

  plan = await db.openEnrollment({ workflowId: workflowInfo().workflowId, ...input });
  const { enrollmentId } = plan;
  state.lessonCount = plan.lessonCount;
  const reminders = createReminders({
    state,
    afterMs: plan.reminderAfterMs ?? 0,
    schedule: () => state.schedule ?? plan!.student,
    send: (day) => telegram.sendReminder({ enrollmentId, day }),
  });

  async function handlePayment(payment: PaymentReceived): Promise<void> {
    if (!state.firstSightOf(payment)) {
      return log.info('Duplicate payment signal ignored', { id: payment.providerPaymentId });
    }
    const { enrollmentId, prices } = await planned();
    const listed = prices[payment.tariff];
    // An order was priced by the platform (promo, upgrade); without one the tariff's list price applies.
    const price = payment.order
      ? { priceMinor: payment.order.amountMinor, currency: payment.order.currency }
      : listed
        ? { priceMinor: listed.priceMinor, currency: listed.currency }
        : null;
    const reason = !price
      ? `tariff ${payment.tariff} is not sold`
      : payment.currency !== price.currency
        ? `paid in ${payment.currency}, the price is in ${price.currency}`
        : payment.amountMinor < price.priceMinor
          ? `below ${price.priceMinor} ${price.currency}`
          : undefined;
    const recorded = await db.recordPayment({
      enrollmentId,
      payment,
      status: reason ? 'underpaid' : 'accepted',
      reason,
    });
    if (!recorded.ownedByThisEnrollment) {
      return log.warn('Payment id belongs to another enrollment', { id: payment.providerPaymentId });
    }
    state.payments.set(payment.providerPaymentId, recorded.status);
    if (recorded.status === 'underpaid') {
      await student.reach(() => telegram.notifyUnderpaid({ enrollmentId, payment, price }));
    } else if (payment.order?.upgradeFrom && payment.order.upgradeFrom === state.paidTariff) {
      state.paidTariff = payment.tariff;
      if (state.accessGranted)
        await student.reach(() => telegram.grantUpgrade({ enrollmentId, tariff: payment.tariff }));
      await syncStage();
    } else {
      state.paidTariff ??= payment.tariff;
    }
  }

  async function handleRefund(refund: PaymentRefunded): Promise<void> {
    if (state.payments.get(refund.providerPaymentId) !== 'accepted') {
      return log.warn('Refund for a payment this journey did not accept', { id: refund.providerPaymentId });
    }
    state.payments.set(refund.providerPaymentId, 'refunded');
    const { enrollmentId } = await planned();
    await db.recordRefund({ enrollmentId, ...refund });
    // The journey ends once no accepted payment is left (an upgrade refunded alone leaves the base tariff paid).
    if (![...state.payments.values()].includes('accepted')) state.ended = 'refunded';
  }

  async function handleSubmission(submission: AssignmentSubmitted): Promise<void> {
    if (!state.accessGranted || !state.paidTariff) return log.warn('Submission before access ignored');
    if (state.seenSubmissionKeys.has(submission.submissionKey)) return;
    state.seenSubmissionKeys.add(submission.submissionKey);
    reminders.cancel(submission.day);
    const { enrollmentId, feedbackWaitMs } = await planned();
    const { assignmentId } = await db.recordAssignment({ enrollmentId, submission });
    const entry: AssignmentEntry = { id: assignmentId, day: submission.day, status: 'submitted' };
    state.assignments.set(assignmentId, entry);
    const tariff = state.paidTariff;
    if (!(await student.reach(() => telegram.acknowledgeAssignment({ enrollmentId, assignmentId, tariff })))) return;
    if (tariff === 'BASIC') {
      entry.status = 'auto-answered';
      return;
    }
    try {
      await student.retrying(() => telegram.routeAssignment({ enrollmentId, assignmentId, tariff }));
      entry.status = 'awaiting-review';
    } catch (err) {
      // Never fail the journey over the admin chat: the row stays 'submitted', shows in the review queue, and an
      // answer from there is still delivered below.
      log.error('Could not route assignment to reviewers', { assignmentId, error: String(err) });
    }
    await syncStage();
    if (!(await condition(() => entry.feedback !== undefined, feedbackWaitMs))) {
      return log.warn('No review within the feedback window', { assignmentId });
    }
    const feedback = entry.feedback!;
    if (await student.reach(() => telegram.deliverFeedback({ enrollmentId, assignmentId, feedback }))) {
      // Changes requested: this entry is closed; the student's next submission for the day is a new assignment.
      entry.status = feedback.verdict === 'changes-requested' ? 'changes-requested' : 'answered';
      await syncStage();
    }
  }

  // 1. Payment, or expiry. A payment that lands while expiry is being recorded still wins.
  await syncStage();
  if (!(await condition(() => state.paidTariff !== null, plan.unpaidExpiryMs))) {
    state.ended = 'expired';
    await syncStage();
    await condition(allHandlersFinished);
    if (state.paidTariff === null) return finish(state, 'expired');
    state.ended = null;
  }

  // 2. Access, then (when the course asks for it) the student's choice of lesson time.
  const refunded = () => state.ended === 'refunded';
  let startedAt = Date.now();
  state.startedAt = startedAt;
  if (refunded()) return endRefunded();
  const returnsBeforeAccess = state.returns;
  if (!(await student.reach(() => telegram.grantAccess({ enrollmentId, tariff: state.paidTariff! })))) {
    return finish(state, 'blocked');
  }
  // A student out of reach at the welcome starts the course when they come back, so the lessons that fell due
  // meanwhile do not arrive in one burst. Journeys that came back here before this change replay as they ran.
  if (state.returns !== returnsBeforeAccess && patched('course-starts-when-student-returns')) {
    startedAt = Date.now();
    state.startedAt = startedAt;
  }
  state.accessGranted = true;
  await syncStage();
  // Onboarding waits for the lesson time; a /timezone meanwhile must not start the course. Journeys that passed here
  // before this change took any schedule signal as the answer, and replay that way.
  const waitsForLessonTime = patched('onboarding-waits-for-lesson-time');
  const answered = () => (waitsForLessonTime ? state.lessonTimeChosen : state.schedule !== null);
  if ((plan.onboardingWaitMs ?? 0) > 0 && !answered()) {
    await condition(() => answered() || refunded(), plan.onboardingWaitMs!);
    startedAt = Date.now();
    state.startedAt = startedAt;
  }

  // 3. Lessons on the student's schedule; silent days advance the day and send nothing.
  const silent = new Set(plan.silentDays);
  for (let day = 1; day <= plan.lessonCount; day++) {
    const dueAt = () =>
      lessonDueAt({
        startedAt,
        day: day + dayOffset,
        intervalMs: plan.intervalMs,
        student: state.schedule ?? plan.student,
      });
    // Wait until due. A pause, a new lesson time or a refund wakes the wait early, and it is worked out again.
    for (;;) {
      if (refunded()) return endRefunded();
      if (state.moveTo !== null) {
        // The schedule starts again from the chosen day: it is due now, the next one an interval later.
        day = state.moveTo;
        state.moveTo = null;
        dayOffset = 0;
        startedAt = Date.now() - (day - 1) * plan.intervalMs;
        state.startedAt = startedAt;
        continue;
      }
      const pausedAt = state.pausedAt;
      if (pausedAt !== null) {
        await condition(() => state.pausedAt === null || refunded());
        // The rest of the course moves by whole intervals (whole days keep the lesson time), no lesson skipped.
        dayOffset += Math.ceil((Date.now() - pausedAt) / plan.intervalMs);
        continue;
      }
      const due = dueAt();
      state.nextLessonDueAt = due;
      if (due <= Date.now()) break;
      setCurrentDetails(state.details());
      const version = state.scheduleVersion;
      await condition(
        () => refunded() || state.pausedAt !== null || state.moveTo !== null || state.scheduleVersion !== version,
        due - Date.now(),
      );
    }
    if (!silent.has(day)) {
      let hasTask = false;
      const delivered = await student.reach(async () => {
        // Journeys recorded before lessons reported their task get null here: no reminder, as back then.
        hasTask = (await telegram.deliverLesson({ enrollmentId, day, tariff: state.paidTariff! }))?.hasTask ?? false;
      }, dueAt);
      if (!delivered) return finish(state, 'blocked');
      state.lessonsDelivered.push(day);
      log.info('Lesson delivered', { enrollmentId, day });
      if (hasTask) reminders.schedule(day, startedAt);
    }
    state.currentDay = day;
    await syncStage();
  }
  state.nextLessonDueAt = null;

  // 4. Completion: the last lesson's homework gets one more interval, open reviews the feedback window.
  reminders.cancelAll();
  if (!(await student.reach(() => telegram.sendCompletion({ enrollmentId })))) return finish(state, 'blocked');
  await condition(refunded, plan.intervalMs);
  await condition(() => state.pendingReviews() === 0 || refunded(), plan.feedbackWaitMs);
  await condition(allHandlersFinished);
  if (refunded()) return endRefunded();
  state.ended = 'completed';
  await syncStage();
  return finish(state, 'completed');

  /** Access ends with the money: groups are left (ban, then unban so a new purchase works), nothing more is sent. */
  async function endRefunded(): Promise<EnrollmentResult> {
    reminders.cancelAll();
    await student.retrying(() => telegram.revokeAccess({ enrollmentId }));
    await syncStage();
    await condition(allHandlersFinished);
    return finish(state, 'refunded');
  }
}

function finish(state: JourneyState, stage: EnrollmentResult['stage']): EnrollmentResult {
  return { stage, lessonsDelivered: [...state.lessonsDelivered] };
}
