import { isReviewed } from './tariffs';
import type { Tariff } from './tariffs';

/**
 * What a lesson's homework must reach before the next lesson comes (course files: `gate:`). `submitted`: any
 * submission; `approved`: a reviewer's approval. The third kind, `quiz`, is not written as `gate:`: a lesson's quiz
 * with a `passMark` holds the next lesson back until an attempt reaches it (quizzes.ts).
 */
export const GATES = ['submitted', 'approved'] as const;
export type Gate = (typeof GATES)[number] | 'quiz';

/** A gated lesson as a journey's plan lists it. */
export interface LessonGate {
  day: number;
  gate: Gate;
}

/** One hand-in for the gated day, as the journey knows it. */
export interface GateEvidence {
  /** A reviewer's verdict on it, once there is one. */
  verdict?: 'approved' | 'changes-requested';
  /** For a quiz gate: a finished attempt, and whether it reached the pass mark. */
  quizPassed?: boolean;
}

/** The gate a student meets: nobody reviews BASIC homework, so `approved` falls back to `submitted` there. */
export function effectiveGate(gate: Gate, tariff: Tariff): Gate {
  return gate === 'approved' && !isReviewed(tariff) ? 'submitted' : gate;
}

/** Whether the day's hand-ins open the gate (a gate opened by a reviewer is the journey's business, not this). */
export function gatePassed(gate: Gate, handIns: readonly GateEvidence[]): boolean {
  switch (gate) {
    case 'submitted':
      return handIns.length > 0;
    case 'approved':
      return handIns.some((handIn) => handIn.verdict === 'approved');
    case 'quiz':
      return handIns.some((handIn) => handIn.quizPassed === true);
  }
}
