import type {
  AssignmentStatus,
  EnrollmentProgress,
  EnrollmentStage,
  FeedbackInput,
  PaymentReceived,
  ScheduleChoice,
  Tariff,
} from '../lib/enrollment-definitions';

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

  /** Marks a payment id as seen; false when it was seen before (a duplicate signal). */
  firstSightOf(payment: PaymentReceived): boolean {
    if (this.seenPaymentIds.has(payment.providerPaymentId)) return false;
    this.seenPaymentIds.add(payment.providerPaymentId);
    return true;
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
      entry.status === 'awaiting-review' || (entry.status === 'submitted' && this.paidTariff !== 'BASIC');
    if (!reviewable) return `Assignment ${assignmentId} is not waiting for review (${entry.status})`;
    return null;
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
    const reviews = this.pendingReviews();
    if (reviews > 0) lines.push(`**Waiting for review:** ${reviews} assignment${reviews === 1 ? '' : 's'}`);
    return lines.join('  \n');
  }
}
