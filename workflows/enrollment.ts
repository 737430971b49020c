import { allHandlersFinished, condition, log, patched, setCurrentDetails } from '@temporalio/workflow';
import type { EnrollmentInput, EnrollmentResult } from '../journey/definitions';
import { cohortLessonDueAt, cohortShiftToCatchUp } from '../domain/cohorts';
import { intervalsToCatchUp, lessonDueAt } from '../domain/schedule';
import { replies, telegram } from './activity-steps';
import { joinCohort } from './cohorts';
import { issueCertificate } from './certificate';
import { createGates } from './gates';
import { openJourney } from './journey';
import { createQuizzes } from './quizzes';
import type { Journey } from './journey';
import type { JourneyState } from './journey-state';

/**
 * One student's journey through one course: payment, access, a lesson per interval, homework and feedback.
 * Every side effect is an idempotent activity; the workflow itself only decides and waits. Each step returns the
 * journey's result when the journey ends there (expired, blocked, refunded), or nothing when it goes on.
 */
export async function enrollmentWorkflow(input: EnrollmentInput): Promise<EnrollmentResult> {
  const journey = await openJourney(input); // handlers first, then the plan
  return (
    (await awaitPayment(journey)) ??
    (await grantAccess(journey)) ??
    (await deliverLessons(journey)) ??
    (await complete(journey))
  );
}

/** 1. Payment, or expiry. A payment that lands while expiry is being recorded still wins. */
async function awaitPayment({ state, plan, syncStage }: Journey): Promise<EnrollmentResult | undefined> {
  await syncStage();
  if (await condition(() => state.paidTariff !== null, plan.unpaidExpiryMs)) return undefined;
  state.ended = 'expired';
  await syncStage();
  await condition(allHandlersFinished);
  if (state.paidTariff === null) return finish(state, 'expired');
  state.ended = null;
  return undefined;
}

/** 2. Access, then (when the course asks for it) the student's choice of lesson time. */
async function grantAccess(journey: Journey): Promise<EnrollmentResult | undefined> {
  const { state, plan, student, syncStage } = journey;
  const { enrollmentId } = plan;
  state.startedAt = Date.now();
  if (state.refunded) return endRefunded(journey);
  const returnsBeforeAccess = state.returns;
  if (!(await student.reach(() => replies.grantAccess({ enrollmentId, tariff: state.tariff })))) {
    return finish(state, 'blocked');
  }
  // A student out of reach at the welcome starts the course when they come back, so the lessons that fell due
  // meanwhile do not arrive in one burst. Journeys that came back here before this change replay as they ran.
  if (state.returns !== returnsBeforeAccess && patched('course-starts-when-student-returns')) {
    state.startedAt = Date.now();
  }
  state.accessGranted = true;
  await syncStage();
  // Onboarding waits for the lesson time; a /timezone meanwhile must not start the course. Journeys that passed here
  // before this change took any schedule signal as the answer, and replay that way.
  const waitsForLessonTime = patched('onboarding-waits-for-lesson-time');
  const answered = () => (waitsForLessonTime ? state.lessonTimeChosen : state.schedule !== null);
  const onboardingWaitMs = plan.onboardingWaitMs ?? 0;
  if (onboardingWaitMs > 0 && !answered()) {
    await condition(() => answered() || state.refunded, onboardingWaitMs);
    state.startedAt = Date.now();
  }
  return undefined;
}

/** 3. Lessons on the student's schedule; silent days advance the day and send nothing. */
async function deliverLessons(journey: Journey): Promise<EnrollmentResult | undefined> {
  const { state, plan, student, reminders, syncStage } = journey;
  const { enrollmentId, intervalMs } = plan;
  let startedAt = state.courseStart;
  let dayOffset = 0;
  const silent = new Set(plan.silentDays);
  const gates = createGates(state, plan, syncStage);
  const quizzes = createQuizzes(journey);
  // In a cohort lessons follow the cohort's start (a late joiner's by the course's policy) until a reviewer moves
  // the student; null (a skipped lesson) only comes from a cohort.
  let cohort = await joinCohort(state, plan);
  for (let day = 1; day <= plan.lessonCount; day++) {
    const lesson = () => ({ startedAt, day: day + dayOffset, intervalMs, student: state.schedule ?? plan.student });
    const dueAt = () =>
      cohort ? cohortLessonDueAt(cohort, day + dayOffset, intervalMs, lesson().student) : lessonDueAt(lesson());
    let skipped = false;
    // Wait until due. A pause, a new lesson time or a refund wakes the wait early, and it is worked out again.
    for (;;) {
      if (state.refunded) return endRefunded(journey);
      if (state.moveTo !== null) {
        // The schedule starts again from the chosen day: it is due now, the next one an interval later.
        day = state.moveTo;
        state.moveTo = null;
        state.gatesOpened.add(day - 1); // "that lesson now": the gate before it is opened by the same hand
        dayOffset = 0;
        cohort = null;
        startedAt = Date.now() - (day - 1) * intervalMs;
        state.startedAt = startedAt;
        continue;
      }
      const pausedAt = state.pausedAt;
      if (pausedAt !== null) {
        await condition(() => state.pausedAt === null || state.refunded);
        // The rest of the course moves by whole intervals (whole days keep the lesson time), no lesson skipped.
        dayOffset += Math.ceil((Date.now() - pausedAt) / intervalMs);
        continue;
      }
      const due = dueAt();
      if (due === null) {
        skipped = true;
        break;
      }
      state.nextLessonDueAt = due;
      const gate = due <= Date.now() ? (gates.closedBefore(day) ?? quizzes.closedBefore(day)) : null;
      if (gate) {
        // Due, but the last lesson's homework has not passed its gate. Freed after its time, the lesson comes at the
        // student's next lesson time (not in the middle of their night) and the rest of the course follows from it.
        const interrupted = () => state.refunded || state.pausedAt !== null || state.moveTo !== null;
        if (await gates.waitAt(gate, interrupted)) {
          dayOffset += cohort
            ? cohortShiftToCatchUp(cohort, day + dayOffset, intervalMs, lesson().student, Date.now())
            : intervalsToCatchUp(lesson(), Date.now());
        }
        continue;
      }
      if (due <= Date.now()) break;
      setCurrentDetails(state.details());
      const version = state.scheduleVersion;
      await condition(
        () => state.refunded || state.pausedAt !== null || state.moveTo !== null || state.scheduleVersion !== version,
        due - Date.now(),
      );
    }
    if (!silent.has(day) && !skipped) {
      let hasTask = false;
      const delivered = await student.reach(
        async () => {
          // Journeys recorded before lessons reported their task get null here: no reminder, as back then.
          hasTask = (await telegram.deliverLesson({ enrollmentId, day, tariff: state.tariff }))?.hasTask ?? false;
        },
        () => {
          // A returning student resumes with the missed lesson now; the rest move by whole intervals, none skipped.
          dayOffset += Math.floor(Math.max(0, Date.now() - (dueAt() ?? Date.now())) / intervalMs);
        },
      );
      if (!delivered) return finish(state, 'blocked');
      if (hasTask) gates.tasked(day);
      quizzes.delivered(day);
      state.lessonsDelivered.push(day);
      log.info('Lesson delivered', { enrollmentId, day });
      if (hasTask) reminders.schedule(day, startedAt);
    }
    state.currentDay = day;
    await syncStage();
  }
  state.nextLessonDueAt = null;
  return undefined;
}

/** 4. Completion: the last lesson's homework gets one more interval, open reviews the feedback window. */
async function complete(journey: Journey): Promise<EnrollmentResult> {
  const { state, plan, student, reminders, syncStage } = journey;
  reminders.cancelAll();
  if (!(await student.reach(() => telegram.sendCompletion({ enrollmentId: plan.enrollmentId })))) {
    return finish(state, 'blocked');
  }
  if (!(await issueCertificate(journey))) return finish(state, 'blocked');
  await condition(() => state.refunded, plan.intervalMs);
  await condition(() => state.pendingReviews() === 0 || state.refunded, plan.feedbackWaitMs);
  await condition(allHandlersFinished);
  if (state.refunded) return endRefunded(journey);
  state.ended = 'completed';
  await syncStage();
  return finish(state, 'completed');
}

/** Access ends with the money: groups are left (ban, then unban so a new purchase works), nothing more is sent. */
async function endRefunded({ state, plan, student, reminders, syncStage }: Journey): Promise<EnrollmentResult> {
  reminders.cancelAll();
  await student.retrying(() => replies.revokeAccess({ enrollmentId: plan.enrollmentId }));
  await syncStage();
  await condition(allHandlersFinished);
  return finish(state, 'refunded');
}

function finish(state: JourneyState, stage: EnrollmentResult['stage']): EnrollmentResult {
  return { stage, lessonsDelivered: [...state.lessonsDelivered] };
}
