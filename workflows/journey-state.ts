import type {
  AssignmentStatus,
  EnrollmentProgress,
  FeedbackInput,
  PaymentReceived,
  ScheduleChoice,
} from '../journey/definitions';
import type { CohortPlace } from '../domain/cohorts';
import { gatePassed } from '../domain/gates';
import type { LessonGate } from '../domain/gates';
import type { EnrollmentStage } from '../domain/stages';
import { isReviewed } from '../domain/tariffs';
import type { Tariff } from '../domain/tariffs';

/** A price in minor units (cents, kopecks; whole stars for XTR). */
export interface Price {
  priceMinor: number;
  currency: string;
}

/** How a new payment stands against its price, as recordPayment stores it. */
export interface PaymentCheck {
  status: 'accepted' | 'underpaid';
  /** Why it is underpaid (wrong currency, too little, tariff not sold); absent when accepted. */
  reason?: string;
  /** The price it had to meet; null when the tariff is not sold. */
  price: Price | null;
}

/**
 * What a journey does with a payment once Postgres has stored it: `not-ours` (another enrollment's money, or already
 * refunded: nothing changes), `underpaid` (tell the student), `upgrade` (the paid tariff moved up) or `paid`.
 */
export type PaymentOutcome = 'not-ours' | 'underpaid' | 'upgrade' | 'paid';

export interface AssignmentEntry {
  id: number;
  day: number;
  status: AssignmentStatus;
  feedback?: FeedbackInput;
}

/** Everything a journey remembers; plain data so the workflow, its handlers and the progress query share one view. */
export class JourneyState {
  paidTariff: Tariff | null = null;
  accessGranted = false;
  ended: 'completed' | 'expired' | 'refunded' | null = null;
  /** The student's latest schedule choice (onboarding, settings); the plan's snapshot applies until then. */
  schedule: ScheduleChoice | null = null;
  /** Bumped by every schedule choice, so a wait for the next lesson can notice it. */
  scheduleVersion = 0;
  /** The student answered onboarding's "when should lessons arrive?" (a time zone alone is no answer). */
  lessonTimeChosen = false;
  /** When the student paused the course (workflow time), or null. */
  pausedAt: number | null = null;
  /** A day an admin moved the student to, until the lesson loop takes it. */
  moveTo: number | null = null;
  /** Count of open "cannot reach the student" situations; > 0 means blocked. */
  unreachable = 0;
  unreachableReason: string | null = null;
  /** Bumped by studentReturnedSignal; waiters compare against the value they saw. */
  returns = 0;
  currentDay = 0;
  /** When access was granted (workflow time): lesson 1 is due then, lesson N is scheduled from it. */
  startedAt: number | null = null;
  nextLessonDueAt: number | null = null;
  /** The gate the next lesson waits at, while it waits (the tariff's own gate). */
  atGate: LessonGate | null = null;
  /** The cohort the student joined (a course in cohorts), once the lessons begin. */
  cohort: CohortPlace | null = null;
  /** Days whose gate a reviewer opened by hand (openGateSignal). */
  readonly gatesOpened = new Set<number>();
  /** Scored quiz attempts by day (#17): whether each reached the pass mark. */
  readonly quizAttempts = new Map<number, { attempt: number; passed: boolean }[]>();
  readonly lessonsDelivered: number[] = [];
  readonly payments = new Map<string, 'accepted' | 'underpaid' | 'refunded'>();
  readonly seenPaymentIds = new Set<string>();
  readonly seenSubmissionKeys = new Set<string>();
  readonly assignments = new Map<number, AssignmentEntry>();

  /** Known once openEnrollment has returned; 0 until then. */
  lessonCount = 0;

  get stage(): EnrollmentStage {
    if (this.ended) return this.ended;
    if (this.unreachable > 0) return 'blocked';
    if (this.pausedAt !== null) return 'paused';
    if (!this.accessGranted) return 'awaiting-payment';
    for (const a of this.assignments.values()) if (a.status === 'awaiting-review') return 'awaiting-feedback';
    return 'active';
  }

  get refunded(): boolean {
    return this.ended === 'refunded';
  }

  /** The tariff paid for (the latest upgrade). Every step after payment reads it here; before payment it is a bug. */
  get tariff(): Tariff {
    if (this.paidTariff === null) throw new Error('The journey asked for its tariff before a payment was taken');
    return this.paidTariff;
  }

  /** When lessons are scheduled from, once access is being granted. Lessons read it here; earlier it is a bug. */
  get courseStart(): number {
    if (this.startedAt === null) throw new Error('The journey asked when the course started before access');
    return this.startedAt;
  }

  /** Marks a payment id as seen; false when it was seen before (a duplicate signal). */
  firstSightOf(payment: PaymentReceived): boolean {
    if (this.seenPaymentIds.has(payment.providerPaymentId)) return false;
    this.seenPaymentIds.add(payment.providerPaymentId);
    return true;
  }

  /** Checks a new payment against its price: an order's own price (promo, upgrade) wins over the tariff's list price. */
  checkPayment(payment: PaymentReceived, prices: Partial<Record<Tariff, Price>>): PaymentCheck {
    const listed = prices[payment.tariff];
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
    return reason ? { status: 'underpaid', reason, price } : { status: 'accepted', price };
  }

  /**
   * Takes a payment as Postgres stored it (the first store of a provider id wins, so its status may differ from ours).
   * An upgrade moves the tariff only from the tariff it was priced from; any other accepted payment sets the tariff
   * once, and a later one for another tariff changes nothing.
   */
  settlePayment(
    payment: PaymentReceived,
    stored: { status: 'accepted' | 'underpaid'; ownedByThisEnrollment: boolean },
  ): PaymentOutcome {
    if (!stored.ownedByThisEnrollment) return 'not-ours';
    this.payments.set(payment.providerPaymentId, stored.status);
    if (stored.status === 'underpaid') return 'underpaid';
    if (payment.order?.upgradeFrom && payment.order.upgradeFrom === this.paidTariff) {
      this.paidTariff = payment.tariff;
      return 'upgrade';
    }
    this.paidTariff ??= payment.tariff;
    return 'paid';
  }

  /** Why feedback cannot be taken for this assignment, or null when it can. */
  feedbackRejection(assignmentId: number): string | null {
    const entry = this.assignments.get(assignmentId);
    if (!entry) return `Unknown assignment ${assignmentId} for this enrollment`;
    if (entry.feedback || entry.status === 'answered' || entry.status === 'changes-requested') {
      return `Assignment ${assignmentId} was already answered`;
    }
    // 'submitted' too: a reviewer may answer the moment the assignment shows in the review chat, before the journey
    // has recorded that routing finished. BASIC assignments are never reviewed.
    const reviewable =
      entry.status === 'awaiting-review' ||
      (entry.status === 'submitted' && (this.paidTariff === null || isReviewed(this.paidTariff)));
    if (!reviewable) return `Assignment ${assignmentId} is not waiting for review (${entry.status})`;
    return null;
  }

  /** Keeps feedback that passed `feedbackRejection`; the journey's wait for it then ends. */
  takeFeedback(feedback: FeedbackInput): void {
    const entry = this.assignments.get(feedback.assignmentId);
    if (entry) entry.feedback = feedback;
  }

  /** Whether lesson `day`'s homework passed `gate`, or a reviewer opened it. */
  passed({ day, gate }: LessonGate): boolean {
    if (this.gatesOpened.has(day)) return true;
    if (gate === 'quiz') {
      return gatePassed(
        gate,
        (this.quizAttempts.get(day) ?? []).map(({ passed }) => ({ quizPassed: passed })),
      );
    }
    const handIns = [...this.assignments.values()].filter((a) => a.day === day);
    return gatePassed(
      gate,
      handIns.map((a) => (a.feedback?.verdict ? { verdict: a.feedback.verdict } : {})),
    );
  }

  pendingReviews(): number {
    let n = 0;
    for (const a of this.assignments.values()) if (a.status === 'awaiting-review') n++;
    return n;
  }

  progress(): EnrollmentProgress {
    return {
      stage: this.stage,
      tariff: this.paidTariff,
      currentDay: this.currentDay,
      lessonCount: this.lessonCount,
      lessonsDelivered: [...this.lessonsDelivered],
      startedAt: this.startedAt,
      nextLessonDueAt: this.nextLessonDueAt,
      gate: this.atGate,
      cohort: this.cohort && { name: this.cohort.name, startsOn: this.cohort.startsOn },
      assignments: [...this.assignments.values()].map(({ id, day, status }) => ({ id, day, status })),
      payments: [...this.payments].map(([providerPaymentId, status]) => ({ providerPaymentId, status })),
    };
  }

  /** The journey at a glance, as the Temporal UI shows it under "Current details" (Markdown; no personal data). */
  details(): string {
    const lines = [
      `**Stage:** ${this.stage}${this.unreachableReason && this.unreachable > 0 ? ` (${this.unreachableReason})` : ''}`,
      `**Tariff:** ${this.paidTariff ?? 'not paid yet'}`,
      `**Lessons:** day ${this.currentDay} of ${this.lessonCount || '?'}, delivered ${this.lessonsDelivered.length}`,
    ];
    if (this.nextLessonDueAt !== null && !this.ended) {
      lines.push(`**Next lesson:** ${new Date(this.nextLessonDueAt).toISOString()}`);
    }
    if (this.cohort) lines.push(`**Cohort:** ${this.cohort.name} (from ${this.cohort.startsOn})`);
    if (this.atGate && !this.ended) {
      const { day, gate } = this.atGate;
      lines.push(`**Waiting at a gate:** day ${day}'s homework to be ${gate}`);
    }
    const reviews = this.pendingReviews();
    if (reviews > 0) lines.push(`**Waiting for review:** ${reviews} assignment${reviews === 1 ? '' : 's'}`);
    return lines.join('  \n');
  }
}
