import { jsonValue } from '../db';
import type { Sql } from '../db';
import type { AssignmentSubmitted, PaymentReceived } from '../journey/definitions';
import type { EnrollmentStage } from '../domain/stages';
import type { Gate, LessonGate } from '../domain/gates';
import type { LessonQuiz, QuizPlan } from '../domain/quizzes';
import type { Tariff } from '../domain/tariffs';
import type { StudentSchedule } from '../domain/schedule';
import type { ReminderSettings } from '../domain/reminders';
import { activityFunnel } from '../analytics/activity-funnel';
import { reminderSettingsOf } from './student-reminders';
import { NotFoundError } from './errors';
import { accrueCommission, reverseCommission, startCommissionHold } from './commissions';

/** What a journey needs to know about its course and student, read once at the start. */
export interface EnrollmentPlan {
  enrollmentId: number;
  lessonCount: number;
  /** Days marked silent, and days the course skips: nothing is sent on them. */
  silentDays: number[];
  intervalMs: number;
  unpaidExpiryMs: number;
  feedbackWaitMs: number;
  /** How long to wait for the student's lesson-time choice after access; absent in journeys opened before it existed. */
  onboardingWaitMs?: number;
  /** One reminder this long after a lesson with an assignment (0: none); absent in journeys opened before it existed. */
  reminderAfterMs?: number;
  prices: Partial<Record<Tariff, { priceMinor: number; currency: string }>>;
  student: StudentSchedule;
  /** Lessons whose homework holds back the next lesson (#17); absent in journeys opened before gates existed. */
  gates?: LessonGate[];
  /** Lessons with a quiz (#17), counts only; absent in journeys opened before quizzes existed. */
  quizzes?: QuizPlan[];
  /** The course runs in cohorts (#17): the journey joins one (joinCohort) when its lessons begin. */
  cohorts?: boolean;
  /** The course issues a certificate on completion (#17); absent when it does not, and in journeys opened before. */
  certificate?: true;
  /** The course's reminder settings (#17), null when it has none; absent in journeys opened before they existed. */
  reminders?: ReminderSettings | null;
  /** The student's own (/reminders), null until they choose; absent in journeys opened before they existed. */
  studentReminders?: ReminderSettings | null;
}

/** Postgres-only activities. Each is idempotent through a unique key, so a retry changes nothing twice. */
export function createEnrollmentStore({ sql }: { sql: Sql }) {
  const funnel = activityFunnel(sql);
  return {
    /** Creates (or finds) the enrollment row for this workflow and returns the journey's plan. */
    async openEnrollment(input: { workflowId: string; userId: number; courseSlug: string }): Promise<EnrollmentPlan> {
      const [course]: [
        {
          id: number;
          lessonIntervalMs: number;
          unpaidExpiryMs: number;
          feedbackWaitMs: number;
          onboardingWaitMs: number;
          reminderAfterMs: number;
          cohortPolicy: string | null;
          certificate: boolean;
          remindersPerDay: number | null;
          reminderWindowStart: string | null;
          reminderWindowEnd: string | null;
        }?,
      ] = await sql`
        select id, lesson_interval_ms, unpaid_expiry_ms, feedback_wait_ms, onboarding_wait_ms, reminder_after_ms,
               cohort_policy, certificate, reminders_per_day, reminder_window_start::text, reminder_window_end::text
        from courses where slug = ${input.courseSlug}`;
      if (!course) throw new NotFoundError(`Course "${input.courseSlug}" has not been imported`);
      const [user]: [
        {
          timeZone: string;
          preferredLessonTime: string | null;
          remindersPerDay: number | null;
          reminderWindowStart: string | null;
          reminderWindowEnd: string | null;
        }?,
      ] = await sql`
        select time_zone, preferred_lesson_time::text, reminders_per_day, reminder_window_start::text,
               reminder_window_end::text
        from users where id = ${input.userId}`;
      if (!user) throw new NotFoundError(`User ${input.userId} does not exist`);
      const lessons = await sql<{ day: number; silent: boolean; gate: Gate | null; quiz: LessonQuiz | null }[]>`
        select day, silent, gate, quiz from lessons where course_id = ${course.id} order by day`;
      if (lessons.length === 0) throw new NotFoundError(`Course "${input.courseSlug}" has no lessons`);
      const tariffs = await sql<{ tariff: Tariff; priceMinor: number; currency: string }[]>`
        select tariff, price_minor, currency from course_tariffs where course_id = ${course.id}`;
      const [enrollment] = await sql<{ id: number }[]>`
        insert into enrollments (user_id, course_id, workflow_id) values (${input.userId}, ${course.id}, ${input.workflowId})
        on conflict (workflow_id) do update set workflow_id = excluded.workflow_id
        returning id`;
      const lessonCount = lessons[lessons.length - 1]!.day;
      const sending = new Set(lessons.filter((l) => !l.silent).map((l) => l.day));
      return {
        enrollmentId: enrollment!.id,
        lessonCount,
        silentDays: Array.from({ length: lessonCount }, (_, i) => i + 1).filter((day) => !sending.has(day)),
        intervalMs: course.lessonIntervalMs,
        unpaidExpiryMs: course.unpaidExpiryMs,
        feedbackWaitMs: course.feedbackWaitMs,
        onboardingWaitMs: course.onboardingWaitMs,
        reminderAfterMs: course.reminderAfterMs,
        prices: Object.fromEntries(tariffs.map((t) => [t.tariff, { priceMinor: t.priceMinor, currency: t.currency }])),
        student: { timeZone: user.timeZone, preferredLessonTime: user.preferredLessonTime?.slice(0, 5) ?? null },
        gates: lessons.flatMap(({ day, gate }) => (gate ? [{ day, gate }] : [])),
        ...quizPlans(lessons),
        ...(course.cohortPolicy ? { cohorts: true } : {}),
        ...(course.certificate ? { certificate: true as const } : {}),
        reminders: reminderSettingsOf(course),
        studentReminders: reminderSettingsOf(user),
      };
    },

    /**
     * Stores a payment once per provider id. A provider id already stored for another enrollment is not this
     * enrollment's money: the caller must grant nothing for it.
     */
    async recordPayment(input: {
      enrollmentId: number;
      payment: PaymentReceived;
      status: 'accepted' | 'underpaid';
      reason?: string;
    }): Promise<{ status: 'accepted' | 'underpaid'; ownedByThisEnrollment: boolean }> {
      const p = input.payment;
      await sql`
        insert into payments (enrollment_id, provider, provider_payment_id, amount_minor, currency, tariff, status, reason, raw_event)
        values (${input.enrollmentId}, ${p.provider}, ${p.providerPaymentId}, ${p.amountMinor}, ${p.currency}, ${p.tariff},
                ${input.status}, ${input.reason ?? null}, ${sql.json(jsonValue(p.rawEvent ?? null, 'The payment event'))})
        on conflict (provider, provider_payment_id) do nothing`;
      const [row] = await sql<{ id: number; enrollmentId: number; status: 'accepted' | 'underpaid' | 'refunded' }[]>`
        select id, enrollment_id, status from payments where provider = ${p.provider} and provider_payment_id = ${p.providerPaymentId}`;
      const stored = row!;
      // A partner's commission (#18), once per payment: each attempt of this step accrues it if it is not there yet
      // and starts its hold if that has not started, so a crash between the statements is made good by the retry.
      const hold =
        stored.enrollmentId === input.enrollmentId
          ? await accrueCommission(sql, { paymentId: stored.id, orderPublicId: p.order?.publicId })
          : undefined;
      if (hold) await startCommissionHold(hold);
      const owned = stored.enrollmentId === input.enrollmentId && stored.status !== 'refunded';
      if (owned && stored.status === 'accepted') {
        await funnel.forEnrollment(input.enrollmentId, {
          step: 'paid',
          tariff: p.tariff,
          orderPublicId: p.order?.publicId,
        });
      }
      return { status: stored.status === 'underpaid' ? 'underpaid' : 'accepted', ownedByThisEnrollment: owned };
    },

    /** Marks a payment refunded (the order was marked by whoever learned of the refund). */
    async recordRefund(input: { enrollmentId: number; provider: string; providerPaymentId: string }) {
      await sql`
        update payments set status = 'refunded'
        where enrollment_id = ${input.enrollmentId} and provider = ${input.provider}
          and provider_payment_id = ${input.providerPaymentId}`;
      await funnel.forEnrollment(input.enrollmentId, { step: 'refunded' });
      // Its partner's commission (#18): clawed back while held, a negative adjustment after the hold.
      await reverseCommission(sql, input);
    },

    /**
     * Mirrors the journey's stage into Postgres for bots and reports (the workflow stays the source of truth). Writes
     * may land out of order (a handler's and the journey's at once, a retried attempt), so each carries the journey's
     * sequence number and an older one never overwrites a newer. A write scheduled before writes were numbered has no
     * `seq`: it applies only while no numbered write has landed.
     */
    async recordStage(input: {
      enrollmentId: number;
      stage: EnrollmentStage;
      currentDay: number;
      reason: string | null;
      seq?: number;
    }) {
      const seq = input.seq ?? 0;
      await sql`
        update enrollments
        set stage = ${input.stage}, current_day = ${input.currentDay}, stage_reason = ${input.reason},
            stage_changed_at = now(), completed_at = case when ${input.stage} = 'completed' then now() end,
            stage_seq = ${seq}
        where id = ${input.enrollmentId} and (stage_seq < ${seq} or (stage_seq = 0 and ${seq} = 0))`;
      if (input.stage === 'completed') await funnel.forEnrollment(input.enrollmentId, { step: 'completed' });
    },

    /**
     * Makes a submission an assignment, once per submissionKey, and returns its id. The submission is the row the
     * course bot stored (submissions); journeys signalled before that existed carry its parts themselves.
     */
    async recordAssignment(input: {
      enrollmentId: number;
      submission: AssignmentSubmitted;
    }): Promise<{ assignmentId: number }> {
      const { submissionId, submissionKey, day, parts } = input.submission;
      const [row]: [{ id: number }?] =
        submissionId === undefined
          ? await sql`
              insert into assignments (enrollment_id, day, submission_key, parts)
              values (${input.enrollmentId}, ${day}, ${submissionKey}, ${sql.json(parts ?? [])})
              on conflict (enrollment_id, submission_key) do update set submission_key = excluded.submission_key
              returning id`
          : await sql`
              insert into assignments (enrollment_id, day, submission_key, parts)
              select enrollment_id, day, ${submissionKey}, parts from submissions
              where id = ${submissionId} and enrollment_id = ${input.enrollmentId}
              on conflict (enrollment_id, submission_key) do update set submission_key = excluded.submission_key
              returning id`;
      if (!row) throw new NotFoundError(`Submission ${submissionId} is not part of enrollment ${input.enrollmentId}`);
      await funnel.forEnrollment(input.enrollmentId, { step: 'assignment' });
      return { assignmentId: row.id };
    },
  };
}

/** The plan's quizzes, only for a course that has one: a plan without quizzes stays as it was before them. */
function quizPlans(lessons: { day: number; silent: boolean; quiz: LessonQuiz | null }[]): { quizzes?: QuizPlan[] } {
  const quizzes = lessons.flatMap(({ day, silent, quiz }) =>
    quiz && !silent
      ? [
          {
            day,
            questions: quiz.questions.length,
            passMark: quiz.passMark,
            retakeAfterMs: quiz.retakeAfterMs,
            attempts: quiz.attempts,
          },
        ]
      : [],
  );
  return quizzes.length > 0 ? { quizzes } : {};
}
