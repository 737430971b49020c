import { condition, patched } from '@temporalio/workflow';
import type { EnrollmentPlan } from '../activities';
import { effectiveGate } from '../domain/gates';
import type { LessonGate } from '../domain/gates';
import type { JourneyState } from './journey-state';

/** Gates hold lessons back from here on; a journey whose plan has none (every one before #17) never asks. */
export const LESSON_GATES_PATCH = 'lesson-gates';

export interface Gates {
  /** Lesson `day` gave this student a task: its gate, if it has one, now holds back the next lesson. */
  tasked(day: number): void;
  /** The closed gate that holds back lesson `day` (lesson `day - 1`'s, for this student's tariff), or null. */
  closedBefore(day: number): LessonGate | null;
  /**
   * Waits at `gate` until it opens or `interrupted()` (a pause, a move, a refund: the caller handles those and asks
   * again). The Temporal UI, the EnrollmentGate search attribute and /progress show the gate meanwhile.
   */
  waitAt(gate: LessonGate, interrupted: () => boolean): Promise<boolean>;
}

export function createGates(state: JourneyState, plan: EnrollmentPlan, syncStage: () => Promise<void>): Gates {
  const authored = new Map((plan.gates ?? []).map(({ day, gate }) => [day, gate]));
  const active = authored.size > 0 && patched(LESSON_GATES_PATCH);
  // A gated lesson without a task for this tariff (a task only FEEDBACK has) asks nothing of the student.
  const tasked = new Set<number>();
  return {
    tasked(day) {
      tasked.add(day);
    },
    closedBefore(day) {
      const gate = authored.get(day - 1);
      if (!active || !gate || !tasked.has(day - 1)) return null;
      const held = { day: day - 1, gate: effectiveGate(gate, state.tariff) };
      return state.passed(held) ? null : held;
    },
    async waitAt(gate, interrupted) {
      state.atGate = gate;
      state.nextLessonDueAt = null; // no time to promise until the homework passes
      await syncStage();
      await condition(() => state.passed(gate) || interrupted());
      state.atGate = null;
      await syncStage();
      return state.passed(gate);
    },
  };
}
