import { condition, log, setHandler } from '@temporalio/workflow';
import type { EnrollmentPlan } from '../activities';
import {
  assignmentSubmittedSignal,
  moveToDaySignal,
  openGateSignal,
  pauseSignal,
  paymentReceivedSignal,
  paymentRefundedSignal,
  progressQuery,
  resumeSignal,
  scheduleChosenSignal,
  studentReturnedSignal,
  submitFeedbackUpdate,
} from '../journey/definitions';
import type { AssignmentSubmitted, PaymentReceived, PaymentRefunded } from '../journey/definitions';
import { isReviewed } from '../domain/tariffs';
import { db, replies, telegram } from './activity-steps';
import type { AssignmentEntry, JourneyState } from './journey-state';
import type { Reminders } from './reminders';
import type { StudentLine } from './student-line';

export interface HandlerDeps {
  state: JourneyState;
  planned: () => Promise<EnrollmentPlan>;
  syncStage: () => Promise<void>;
  student: StudentLine;
  /** Absent until the journey is open; no handler that cancels a reminder runs before access. */
  reminders: () => Reminders | undefined;
}

/** What each message may change: the journey's steps only read the state these handlers write. */
export function setHandlers({ state, planned, syncStage, student, reminders }: HandlerDeps): void {
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
  setHandler(openGateSignal, ({ day }) => {
    if (Number.isInteger(day) && day >= 1) state.gatesOpened.add(day);
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
      state.takeFeedback(feedback);
      return { assignmentId: feedback.assignmentId };
    },
    {
      validator: (feedback) => {
        const why = state.feedbackRejection(feedback.assignmentId);
        if (why) throw new Error(why);
      },
    },
  );

  async function handlePayment(payment: PaymentReceived): Promise<void> {
    if (!state.firstSightOf(payment)) {
      return log.info('Duplicate payment signal ignored', { id: payment.providerPaymentId });
    }
    const { enrollmentId, prices } = await planned();
    const { status, reason, price } = state.checkPayment(payment, prices);
    const recorded = await db.recordPayment({ enrollmentId, payment, status, reason });
    switch (state.settlePayment(payment, recorded)) {
      case 'not-ours':
        return log.warn('Payment id belongs to another enrollment', { id: payment.providerPaymentId });
      case 'underpaid':
        await student.reach(() => replies.notifyUnderpaid({ enrollmentId, payment, price }));
        return;
      case 'upgrade':
        if (state.accessGranted) {
          await student.reach(() => replies.grantUpgrade({ enrollmentId, tariff: payment.tariff }));
        }
        await syncStage();
        return;
      case 'paid':
        return;
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
    reminders()?.cancel(submission.day);
    const { enrollmentId, feedbackWaitMs } = await planned();
    const { assignmentId } = await db.recordAssignment({ enrollmentId, submission });
    const entry: AssignmentEntry = { id: assignmentId, day: submission.day, status: 'submitted' };
    state.assignments.set(assignmentId, entry);
    const tariff = state.paidTariff;
    if (!(await student.reach(() => replies.acknowledgeAssignment({ enrollmentId, assignmentId, tariff })))) return;
    if (!isReviewed(tariff)) {
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
    const answered = await condition(() => entry.feedback !== undefined, feedbackWaitMs);
    const { feedback } = entry;
    if (!answered || !feedback) return log.warn('No review within the feedback window', { assignmentId });
    if (await student.reach(() => telegram.deliverFeedback({ enrollmentId, assignmentId, feedback }))) {
      // Changes requested: this entry is closed; the student's next submission for the day is a new assignment.
      entry.status = feedback.verdict === 'changes-requested' ? 'changes-requested' : 'answered';
      await syncStage();
    }
  }
}
