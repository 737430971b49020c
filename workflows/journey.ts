import { condition, workflowInfo } from '@temporalio/workflow';
import type { EnrollmentPlan } from '../activities';
import type { EnrollmentInput } from '../journey/definitions';
import { db, telegram } from './activity-steps';
import { setHandlers } from './enrollment-handlers';
import { JourneyState } from './journey-state';
import { createReminders } from './reminders';
import type { Reminders } from './reminders';
import { createStageSync } from './stage-sync';
import { createStudentReminders, listenForReminderChoices } from './student-reminders';
import { createStudentLine } from './student-line';
import type { StudentLine } from './student-line';

/** An opened journey: what its steps share. */
export interface Journey {
  readonly state: JourneyState;
  readonly plan: EnrollmentPlan;
  readonly student: StudentLine;
  readonly reminders: Reminders;
  /** Mirrors the state to the Temporal UI and search attributes, and a changed stage to Postgres. */
  syncStage(): Promise<void>;
}

/**
 * Opens a journey: its state, then a handler for every signal, query and update (first, so one that comes with the
 * start never finds the journey deaf), then the plan from Postgres. Handlers that need the plan wait for it.
 */
export async function openJourney(input: EnrollmentInput): Promise<Journey> {
  const state = new JourneyState();
  const opened: { plan?: EnrollmentPlan; reminders?: Reminders } = {};
  /** Handlers may run before openEnrollment returns; they wait for the plan (nothing is lost meanwhile). */
  const planned = async (): Promise<EnrollmentPlan> => {
    await condition(() => opened.plan !== undefined);
    const { plan } = opened;
    if (!plan) throw new Error('The plan was awaited but is missing');
    return plan;
  };
  const syncStage = createStageSync(state, planned);
  const student = createStudentLine(state, syncStage);
  setHandlers({ state, planned, syncStage, student, reminders: () => opened.reminders });
  const reminderChoice = listenForReminderChoices();

  const plan = await db.openEnrollment({ workflowId: workflowInfo().workflowId, ...input });
  const { enrollmentId } = plan;
  state.lessonCount = plan.lessonCount;
  const reminders = createStudentReminders({
    state,
    plan,
    choice: reminderChoice,
    legacy: createReminders({
      state,
      afterMs: plan.reminderAfterMs ?? 0,
      schedule: () => state.schedule ?? plan.student,
      send: (day) => telegram.sendReminder({ enrollmentId, day }),
    }),
    send: ({ day, at }) => telegram.sendStudentReminder({ enrollmentId, day, at }),
  });
  opened.plan = plan;
  opened.reminders = reminders;
  return { state, plan, student, reminders, syncStage };
}
